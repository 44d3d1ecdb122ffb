// B.5-spectral: the over-squashing bound of B.5 in the spectral norm
// (THEORY §3 B.5: the generalised bound is sound for any consistent operator
// norm; issue 13 item 3).
//
// The same cases as B.5 (b5_cases.hpp, matched_cases) and the same bound,
// with ‖·‖₂ = σ_max in place of ‖·‖∞ for every factor (‖W_O^h W_V^h‖₂,
// ‖W_down‖₂ · max|act'| · ‖W_up‖₂ or ‖∂ψ/∂u‖₂, the norms' Jacobians) and for
// ‖J_i‖₂. Each σ_max is an interval enclosure (spectral_norm below): Eigen's
// JacobiSVD over Boost's cpp_bin_float<256> supplies the right singular
// vectors, and interval arithmetic with Gershgorin's discs turns them into a
// certified enclosure, so `proven` means upper(‖J_i‖₂) ≤ lower(bound_i) as in
// B.5; inaccurate singular vectors could only widen the enclosure, never make it wrong.
// Where the two sides are equal (one layer, one head, no norm, no MLP) the
// instance is recomputed at 320 bits and reported holds-numerically when the
// enclosures agree to 60 digits, as B.5 does. Reported beside the verdicts:
// the tightness ratio ‖J_i‖/bound_i in both norms (series b5_spectral).
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <boost/multiprecision/eigen.hpp>

#include "b5_bound.hpp"
#include "b5_cases.hpp"
#include "glasses/numerics/cpp_bin_float.hpp"
#include "glasses/proofs/checks.hpp"

namespace glasses::proofs {

namespace b5::detail {
namespace {

using IMatrix = model::Matrix<Interval>;

IMatrix transpose(const IMatrix& a) {
  IMatrix t(a.cols, a.rows, a(0, 0));
  for (std::size_t r = 0; r < a.rows; ++r) {
    for (std::size_t c = 0; c < a.cols; ++c) t(c, r) = a(r, c);
  }
  return t;
}

// a · b.
IMatrix product(const IMatrix& a, const IMatrix& b, const Interval& zero) {
  IMatrix p(a.rows, b.cols, zero);
  for (std::size_t r = 0; r < a.rows; ++r) {
    for (std::size_t k = 0; k < a.cols; ++k) {
      for (std::size_t c = 0; c < b.cols; ++c) p(r, c) += a(r, k) * b(k, c);
    }
  }
  return p;
}

// For a symmetric S every eigenvalue lies in some [S_ii − r_i, S_ii + r_i],
// r_i = Σ_(j≠i) |S_ij|: enclosures of min_i (S_ii − r_i) and max_i (S_ii + r_i),
// and of max_i S_ii (≤ λ_max, the Rayleigh quotient of e_i).
struct Discs {
  Interval low, high, diagonal;
};

Discs gershgorin(const IMatrix& s, const Interval& zero) {
  Discs d;
  for (std::size_t i = 0; i < s.rows; ++i) {
    Interval r = zero;
    for (std::size_t j = 0; j < s.cols; ++j) {
      if (j != i) r += abs(s(i, j));
    }
    const Interval lo = s(i, i) - r, hi = s(i, i) + r;
    d.low = i == 0 ? lo : min(d.low, lo);
    d.high = i == 0 ? hi : max(d.high, hi);
    d.diagonal = i == 0 ? s(i, i) : max(d.diagonal, s(i, i));
  }
  return d;
}

}  // namespace

Interval spectral_norm(const IMatrix& a_in) {
  if (a_in.empty()) throw InputError("spectral_norm: the matrix is empty");
  const Interval zero(0.0, a_in(0, 0).precision());
  // ‖A‖₂ = ‖Aᵀ‖₂: work with the side of fewer columns (the smaller Gram matrix).
  const IMatrix a = a_in.cols <= a_in.rows ? a_in : transpose(a_in);
  const std::size_t n = a.cols;
  const Interval cap = sqrt(inf_norm(a, zero) * inf_norm(transpose(a), zero));  // sqrt(‖A‖₁ ‖A‖∞)
  // V̂: the right singular vectors of the midpoints at 256 bits (any V̂ gives
  // a valid enclosure; an accurate one a tight enclosure).
  using Matrix = Eigen::Matrix<numerics::BinFloat256, Eigen::Dynamic, Eigen::Dynamic>;
  Matrix m(static_cast<Eigen::Index>(a.rows), static_cast<Eigen::Index>(n));
  for (std::size_t r = 0; r < a.rows; ++r) {
    for (std::size_t c = 0; c < n; ++c) {
      m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = numerics::from_mpfr(a(r, c).midpoint());
    }
  }
  const Eigen::JacobiSVD<Matrix> svd(m, Eigen::ComputeFullV);
  // V̂ rounded outward to the working precision: the box holds a fixed matrix.
  IMatrix v(n, n, zero);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < n; ++c) {
      const numerics::MpfrReal x =
          numerics::to_mpfr(svd.matrixV()(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)));
      mpfi_set_fr(v(r, c).data(), x.data());
    }
  }
  const IMatrix av = product(a, v, zero);
  const Discs g = gershgorin(product(transpose(av), av, zero), zero);  // (AV)ᵀ(AV) = Vᵀ(AᵀA)V
  const Discs h = gershgorin(product(transpose(v), v, zero), zero);    // VᵀV
  // λ_max(AᵀA) ∈ [max_i G_ii / λ_max(H), λ_max(G) / λ_min(H)], λ(H) within h's discs.
  if (mpfr_sgn(h.low.lower().data()) <= 0) return Interval::hull(zero.lower(), cap.upper());
  const Interval lo = sqrt(max(zero, g.diagonal / h.high));
  const Interval hi = min(sqrt(max(zero, g.high / h.low)), cap);
  return Interval::hull(lo.lower(), hi.upper());
}

}  // namespace b5::detail

Bounds b5::spectral_norm(const model::Matrix<double>& a, long bits) {
  if (a.empty()) throw InputError("spectral_norm: the matrix is empty");
  using detail::Interval;
  model::Matrix<Interval> m(a.rows, a.cols, Interval(0.0, bits));
  for (std::size_t k = 0; k < a.data.size(); ++k) m.data[k] = Interval(a.data[k], bits);
  return detail::to_bounds(detail::spectral_norm(m));
}

CheckResult check_b5_spectral(const CheckOptions& options) {
  using b5::Carrier;
  namespace bd = b5::detail;
  CheckResult result;
  result.statement =
      "With attention weights and norm statistics frozen, ||dy_n/dv_i^(0)||_2 <= ||N3_n||_2 (B^(L-1)...B^(0))_(n,i) "
      "for every input position i, every factor of B in the spectral norm";
  result.hypotheses =
      "The cases of B.5 (" + std::string(options.quick ? "quick" : "full") + ", seed " + std::to_string(options.seed) +
      "); frozen Jacobian by reverse mode; both sides enclosed with MPFI at 128 bits; every sigma_max enclosed by "
      "certifying the right singular vectors (Eigen's JacobiSVD over cpp_bin_float<256>) with interval Gershgorin "
      "discs (capped by sqrt(||A||_1 ||A||_inf)); LayerNorm's centring has spectral norm 1";
  b5::BoundOptions spectral;
  spectral.norm = b5::Norm::spectral;
  Series ratios{"b5_spectral", {"instance", "case", "i", "ratio_infinity", "ratio_spectral"}, {}};
  std::vector<double> ratio_inf, ratio_two, improvement;
  int equalities = 0;
  const std::vector<bd::Case> cases = bd::matched_cases(options.quick, options.seed);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const bd::Case& c = cases[k];
    const b5::Profile p = b5::profile(c.source, c.input, model::JacobianKind::frozen, Carrier::interval, 128, spectral);
    if (p.issue.found) {
      result.notes.push_back(c.name + ": non-finite value at step '" + p.issue.step + "'");
      continue;
    }
    const b5::Profile inf = b5::profile(c.source, c.input, model::JacobianKind::frozen, Carrier::interval, 128);
    std::optional<b5::Profile> fine;
    for (std::size_t i = 0; i < p.jacobian.size(); ++i) {
      Instance inst = bd::inequality(c.name + ", i = " + std::to_string(i) + " (Lip " + p.lipschitz + ")",
                                     "||J_i||_2 (frozen)", "||N3||_2 (B...B)_(n,i)", p.jacobian[i], p.bound[i]);
      if (inst.verdict == Verdict::inconclusive) {
        if (!fine) {
          fine = b5::profile(c.source, c.input, model::JacobianKind::frozen, Carrier::interval, 320, spectral);
        }
        inst.lhs = fine->jacobian[i];
        inst.rhs = fine->bound[i];
        inst.verdict = decide(inst.lhs, Relation::less_equal, inst.rhs);
        if (inst.verdict == Verdict::inconclusive && fine->equality_gap[i] < 1e-60) {
          inst.verdict = Verdict::holds_numerically;
          inst.description += " (equality, relative gap " + bd::fmt(fine->equality_gap[i], 2) + " at 320 bits)";
          ++equalities;
        }
      }
      if (inst.verdict != Verdict::proven) inst.witness = bd::witness(c, i);
      result.instances.push_back(inst);
      const double r_inf = bd::ratio(inf.jacobian[i], inf.bound[i]), r_two = bd::ratio(p.jacobian[i], p.bound[i]);
      ratios.rows.push_back({static_cast<double>(ratios.rows.size()), static_cast<double>(k), static_cast<double>(i),
                             r_inf, r_two});
      if (r_inf > 0 && r_two > 0) {
        ratio_inf.push_back(r_inf);
        ratio_two.push_back(r_two);
        improvement.push_back(r_two / r_inf);
      }
    }
  }
  result.data.push_back(ratios);
  FigureData figure = figure_for("b5-spectral");
  figure.curves.push_back({ratios.name, "instance", "ratio_spectral", "spectral norm", 0, false, std::nullopt});
  figure.curves.push_back({ratios.name, "instance", "ratio_infinity", "infinity norm (B.5)", 1, false, std::nullopt});
  figure.levels.push_back(1.0);
  result.figures.push_back(std::move(figure));
  const auto median = [](std::vector<double> x) {
    if (x.empty()) return 0.0;
    std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(x.size() / 2), x.end());
    return x[x.size() / 2];
  };
  const auto largest = [](const std::vector<double>& x) { return x.empty() ? 0.0 : *std::max_element(x.begin(), x.end()); };
  result.notes.push_back(
      "tightness ||J_i|| / bound_i over " + std::to_string(ratio_two.size()) + " instances with J_i != 0: spectral "
      "median " + bd::fmt(median(ratio_two), 3) + ", max " + bd::fmt(largest(ratio_two), 3) + "; infinity-norm (B.5) "
      "median " + bd::fmt(median(ratio_inf), 3) + ", max " + bd::fmt(largest(ratio_inf), 3) +
      "; spectral ratio / infinity ratio: median " + bd::fmt(median(improvement), 3) + ", max " +
      bd::fmt(largest(improvement), 3) + " (above 1: the spectral bound is the tighter one)");
  if (equalities > 0) {
    result.notes.push_back(std::to_string(equalities) +
                           " instances where the bound is attained (equal to 60 digits at 320 bits, holds-numerically)");
  }
  return result;
}

}  // namespace glasses::proofs
