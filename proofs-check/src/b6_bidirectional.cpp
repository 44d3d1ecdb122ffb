// B.6-bidirectional: spectra of row-stochastic attention without the causal
// mask (THEORY §3, B.6 beyond the triangular case).
//
// The matrices' facts and instances; the checker, which runs the models,
// is check_b6_bidirectional in b6_spectra.cpp beside B.6.
//
// Statement. A row-stochastic matrix A (A ≥ 0, A·1 = 1) has spectral radius
// 1, with Perron eigenvector 1; when every entry is positive (softmax rows
// without a mask), eigenvalue 1 is simple and every other eigenvalue has
// modulus at most Dobrushin's coefficient
//     τ(A) = 1 − min_(i,k) Σ_j min(A_ij, A_kj) < 1
// (Seneta, Non-negative Matrices and Markov Chains, Thm 3.1), so the gap
// 1 − |λ_2| is at least 1 − τ(A) > 0.
//
// Why it needs more than B.6. Without the mask the matrix is not
// triangular: its eigenvalues are not its diagonal, and a real eigensolver
// is needed to see them. What is certified, in MPFI (the matrices are the
// models' own attention, enclosed at 128 bits):
//   [0] row-stochastic: max(|row sum − 1|, negative parts) ≤ 2^-(prec/2);
//   [1] spectral radius 1 by Gershgorin: every eigenvalue lies in a disc of
//       centre A_ii and radius Σ_(j≠i) |A_ij|, so |λ| ≤ max_i Σ_j |A_ij|,
//       and A·1 = 1 makes 1 an eigenvalue: |max_i Σ_j |A_ij| − 1| ≤ 2^-(prec/2);
//   [2] a spectral gap: τ(A) < 1 (forced inconclusive unless every entry is
//       certainly positive, the hypothesis).
// What holds numerically only: the eigenvalues themselves, from Eigen's
// real EigenSolver over Boost's cpp_bin_float<256> on the midpoints:
//   [3] |λ_1| = 1 to 2^-200;  [4] |λ_2| ≤ τ(A) (the bound is not tight).
#include <algorithm>
#include <cmath>
#include <complex>
#include <functional>

#include <Eigen/Eigenvalues>
#include <boost/multiprecision/eigen.hpp>

#include "check_support.hpp"
#include "glasses/numerics/cpp_bin_float.hpp"
#include "glasses/proofs/b6_spectra.hpp"

namespace glasses::proofs {

namespace detail {

B6BidirectionalFacts b6_bidirectional_facts(const IntervalMatrix& a) {
  if (a.rows == 0 || a.rows != a.cols) throw InputError("B.6-bidirectional: a square, non-empty matrix is needed");
  const long prec = a(0, 0).precision();
  const std::size_t n = a.rows;
  const Interval zero = integer(0, prec), one = integer(1, prec);
  B6BidirectionalFacts f;
  f.defect = zero;
  f.gershgorin = zero;
  for (std::size_t i = 0; i < n; ++i) {
    Interval row_sum = zero, abs_sum = zero;
    for (std::size_t j = 0; j < n; ++j) {
      row_sum += a(i, j);
      abs_sum += abs(a(i, j));
      f.defect = max(f.defect, max(zero, -a(i, j)));
      if (!certainly_positive(a(i, j))) f.positive = false;
    }
    f.defect = max(f.defect, abs(row_sum - one));
    f.gershgorin = max(f.gershgorin, abs_sum);
  }
  // τ(A) = 1 − min over row pairs of their overlap Σ_j min(A_ij, A_kj).
  Interval overlap = one;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = i + 1; k < n; ++k) {
      Interval s = zero;
      for (std::size_t j = 0; j < n; ++j) s += min(a(i, j), a(k, j));
      overlap = min(overlap, s);
    }
  }
  f.dobrushin = n == 1 ? zero : one - overlap;
  // The eigenvalues of the midpoints at 256 bits, by modulus.
  using Matrix = Eigen::Matrix<numerics::BinFloat256, Eigen::Dynamic, Eigen::Dynamic>;
  Matrix m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = numerics::from_mpfr(a(i, j).midpoint());
    }
  }
  const Eigen::EigenSolver<Matrix> solver(m, false);
  if (solver.info() != Eigen::Success) throw Error("B.6-bidirectional: Eigen's EigenSolver did not converge");
  for (Eigen::Index k = 0; k < solver.eigenvalues().size(); ++k) {
    f.moduli.push_back(static_cast<double>(abs(solver.eigenvalues()(k))));
  }
  std::sort(f.moduli.begin(), f.moduli.end(), std::greater<>());
  return f;
}

std::vector<Instance> b6_bidirectional_instances(const IntervalMatrix& a, const std::string& description,
                                                 const std::string& witness) {
  const long prec = a(0, 0).precision();
  const B6BidirectionalFacts f = b6_bidirectional_facts(a);
  const Interval tau = b6_tolerance(prec), one = integer(1, prec);
  const std::string tau_label = "2^-" + std::to_string(prec / 2);
  std::vector<Instance> out;
  out.push_back(certified_instance(description + ": row-stochastic", "max(|row sum − 1|, negative parts)", f.defect,
                                   Relation::less_equal, tau_label, tau, witness));
  out.push_back(certified_instance(description + ": spectral radius 1 (Gershgorin)", "|max_i Σ_j |A_ij| − 1|",
                                   abs(f.gershgorin - one), Relation::less_equal, tau_label, tau, witness));
  Instance gap = certified_instance(description + ": spectral gap (Dobrushin)", "τ(A) ≥ |λ_2|", f.dobrushin,
                                    Relation::less, "1", one, witness);
  if (!f.positive && gap.verdict != Verdict::inconclusive) {
    gap.description += " (hypothesis not certified: some entry not certainly positive)";
    gap.verdict = Verdict::inconclusive;
    gap.witness = witness;
  }
  out.push_back(gap);
  // Eigen at 256 bits on the midpoints: not certified.
  const double lambda1 = f.moduli.front(), lambda2 = f.moduli.size() > 1 ? f.moduli[1] : 0.0;
  Instance perron;
  perron.description = description + ": |λ_1| = 1 (Eigen, cpp_bin_float:256)";
  perron.lhs_label = "|λ_1|";
  perron.rhs_label = "1";
  perron.lhs = {lambda1, lambda1};
  perron.rhs = {1, 1};
  perron.relation = Relation::equal;
  perron.margin = std::fabs(lambda1 - 1);
  perron.verdict = decide_numerically(lambda1, Relation::equal, 1.0, std::ldexp(1.0, -200));
  if (perron.verdict != Verdict::holds_numerically) perron.witness = witness;
  out.push_back(perron);
  Instance second;
  second.description = description + ": |λ_2| ≤ τ(A) (Eigen, cpp_bin_float:256)";
  second.lhs_label = "|λ_2|";
  second.rhs_label = "τ(A)";
  second.lhs = {lambda2, lambda2};
  second.rhs = to_bounds(f.dobrushin);
  second.relation = Relation::less_equal;
  second.margin = second.rhs.upper - lambda2;
  second.verdict = decide_numerically(lambda2, Relation::less_equal, second.rhs.upper, std::ldexp(1.0, -200));
  if (second.verdict != Verdict::holds_numerically) second.witness = witness;
  out.push_back(second);
  return out;
}

}  // namespace detail

}  // namespace glasses::proofs
