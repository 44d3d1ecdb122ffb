// B.6 / B.7, spectra of causal attention matrices (THEORY §3, paper
// Appendix B.6, B.7): the pieces of the checkers that judge one matrix,
// exposed for tests.
//
// Statement. A row-stochastic lower-triangular matrix has spectral radius 1;
// eigenvalue 1 is simple when every row but the first has at least two
// non-zero entries; products of such matrices stay row-stochastic and
// lower-triangular.
//
// Why the checks are certifiable. The eigenvalues of a triangular matrix are
// its diagonal entries, so the spectrum is read off enclosures of the
// diagonal. Softmax rows sum to exactly 1, so each diagonal entry is also
// enclosed by 1 − Σ_(j≠i) A_ij; the checker uses the intersection of that
// enclosure with the entry's own (only for rows whose row-sum enclosure
// contains 1). This removes the interval dependency of e_i / Σ_j e_j: a row
// with a single non-zero entry gets the point [1, 1], and a nearly one-hot
// row 1 − tiny gets an upper bound below 1 at modest precision.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "glasses/model/weights.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

using IntervalMatrix = model::Matrix<numerics::Interval>;

struct B6Facts {
  // max over rows of |Σ_j A_ij − 1|, over entries above the diagonal of |A_ij|,
  // and over all entries of max(0, −A_ij): 0 exactly for a row-stochastic
  // lower-triangular matrix.
  numerics::Interval defect;
  std::vector<numerics::Interval> diagonal;  // A_ii, enclosed as described above
  numerics::Interval spectral_radius;        // max_i |A_ii|
  numerics::Interval max_later_diagonal;     // max_(i≥2) A_ii (NaN-free; 0 for n = 1)
  std::size_t unit_certain = 0;              // #{i : A_ii = 1 certified}
  std::size_t unit_possible = 0;             // #{i : the enclosure of A_ii contains 1}
  bool hypothesis_certain = true;            // every row i ≥ 2 has two entries certainly > 0
  bool hypothesis_fails = false;             // some row i ≥ 2 has at most one entry that is not exactly 0
};

B6Facts b6_facts(const IntervalMatrix& a);

// τ = 2^(−precision/2): the tolerance of the identities (row sums = 1,
// spectral radius = 1), far above interval widths, far below any real defect.
numerics::Interval b6_tolerance(long precision);

// For a matrix that should satisfy the statement:
//   [0] row-stochastic and lower-triangular: defect ≤ τ
//   [1] spectral radius 1: |max_i A_ii − 1| ≤ τ
//   [2] eigenvalue 1 simple: max_(i≥2) A_ii < 1, stated as
//       0 < 2^-k (1 − max_(i≥2) A_ii) with k from the gap's midpoint (a
//       positive scale, so that gaps below 2^-1074 stay visible in doubles);
//       forced inconclusive unless the hypothesis is certified (every later
//       row has two certainly positive entries)
std::vector<Instance> b6_instances(const IntervalMatrix& a, const std::string& description, const std::string& witness);

// The conclusion "eigenvalue 1 is simple" as an instance: multiplicity
// (#certified unit diagonal entries) ≤ 1; refuted when two or more are 1.
Instance b6_multiplicity_instance(const IntervalMatrix& a, const std::string& description, const std::string& witness);

// A · B (sums in index order).
IntervalMatrix b6_product(const IntervalMatrix& a, const IntervalMatrix& b);

// Row-wise softmax of logits (−inf marks structural zeros; each row needs a
// finite entry), in MPFI: α_ij = e^(s_ij − c_i) / Σ_k e^(s_ik − c_i), c_i the row maximum.
IntervalMatrix b6_softmax_rows(const model::Matrix<double>& logits, long precision);

// B.7 extra instance: diag(A_(L−1) ⋯ A_0) = Π_l diag(A_l) (triangular products):
// max_i |P_ii − Π_l (A_l)_ii| ≤ τ.
Instance b7_diagonal_instance(const IntervalMatrix& product, const std::vector<IntervalMatrix>& factors,
                              const std::string& description, const std::string& witness);

// B.6-bidirectional (b6_bidirectional.cpp): a row-stochastic matrix without
// the causal mask.
struct B6BidirectionalFacts {
  numerics::Interval defect;      // max(|row sum − 1|, negative parts): 0 when row-stochastic
  numerics::Interval gershgorin;  // max_i Σ_j |A_ij| ≥ every |λ| (Gershgorin discs)
  numerics::Interval dobrushin;   // τ(A) = 1 − min_(i,k) Σ_j min(A_ij, A_kj) ≥ |λ| for λ ≠ 1
  bool positive = true;           // every entry certainly > 0 (the gap's hypothesis)
  std::vector<double> moduli;     // |λ| from Eigen at 256 bits on the midpoints, descending
};
B6BidirectionalFacts b6_bidirectional_facts(const IntervalMatrix& a);

// [0] row-stochastic, [1] spectral radius 1 (Gershgorin), [2] gap τ(A) < 1
// (certified); [3] |λ_1| = 1, [4] |λ_2| ≤ τ(A) (numerically).
std::vector<Instance> b6_bidirectional_instances(const IntervalMatrix& a, const std::string& description,
                                                 const std::string& witness);

}  // namespace glasses::proofs::detail
