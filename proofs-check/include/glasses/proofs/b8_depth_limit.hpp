// B.8, the limit of depth (THEORY §3, paper Appendix B.8): the pieces of
// the checker that judge one instance, exposed for tests.
//
// With all β = 1, β₃^(1/L) = 4, σ_ψ = 1 and the same attention Λ at every
// layer, the over-squashing bound C [Λ̄^L], Λ̄ = Λ/β₁ + I, C = (1/β₃)(σ_ψ/β₂ + 1)^L,
// is M^L with M = (Λ + I)/2. M is row-stochastic and lower-triangular with
// M_11 = 1, so M^L → E = 1 e_1ᵀ (first column ones, the rest 0).
//
// Rate, with exact envelopes. Split M = [[1, 0], [m, N]], N = D + S on the
// indices 2..n (D its diagonal, ρ = max_(i≥2) M_ii = ‖D‖∞; S strictly lower,
// s = ‖S‖∞). M^L = [[1, 0], [·, N^L]] and, rows summing to 1,
//     d(L) = ‖M^L − E‖∞ = 2 ‖N^L‖∞.
// Every word in D, S with more than n−2 factors S vanishes, so
//     2 ρ^L ≤ d(L) ≤ 2 Σ_(k=0)^(min(L, n−2)) C(L, k) ρ^(L−k) s^k,
// the lower bound from the diagonal of N^L (= D^L). Diagonalisability is
// not needed. The checker compares d(L)/ρ^L with these envelopes divided
// by ρ^L, so that numbers like 0.75^10000 stay within doubles.
//
// The scalar linear model (d = 1, ψ(x) = σx, norms replaced by exact
// scalings 1/β, frozen attention) is where the bound is attained: per layer
// u = v/β₁, a = Λu, z = v + a, v' = z + σ z/β₂, and y = v^(L)/β₃. It is run
// here step by step (its Jacobian columns are its outputs on basis vectors),
// independently of the bound's formula.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "glasses/proofs/exact.hpp"

#include "glasses/model/weights.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

using IntervalMatrix = model::Matrix<numerics::Interval>;

// Uniform causal attention: Λ_ij = 1/i for j ≤ i (1-based), exact enclosures.
IntervalMatrix b8_uniform_attention(std::size_t n, long precision);

// The constants of the bound (THEORY B.5) and of the scalar model.
struct B8Constants {
  numerics::Interval beta1, beta2, beta3_root, sigma;  // β₁, β₂, β₃^(1/L), σ_ψ
};
// β₁ = β₂ = σ_ψ = 1, β₃^(1/L) = 4.
B8Constants b8_paper_constants(long precision);

// The bound's layer matrix ((σ/β₂ + 1)/β₃^(1/L)) (Λ/β₁ + I); (Λ + I)/2 for B.8.
IntervalMatrix b8_layer_bound(const IntervalMatrix& lambda, const B8Constants& k);

// m^L for each exponent (any order), by repeated squaring.
std::vector<IntervalMatrix> b8_powers(const IntervalMatrix& m, const std::vector<std::uint64_t>& exponents);

// ‖P − E‖∞. Column 1 contributes |P_i1 − 1|; when `row_stochastic` (the exact
// rows of P sum to 1, as for powers of (Λ + I)/2) that enclosure is
// intersected with Σ_(j≥2) P_ij, which keeps tiny distances tight.
numerics::Interval b8_distance(const IntervalMatrix& p, bool row_stochastic);

// ρ = max_(i≥2) M_ii and s = max_(i≥2) Σ_(2≤j<i) M_ij (0 for n ≤ 2).
numerics::Interval b8_rho(const IntervalMatrix& m);
numerics::Interval b8_lower_norm(const IntervalMatrix& m);

// The upper envelope divided by ρ^L: 2 Σ_(k=0)^(min(L, n−2)) C(L, k) (s/ρ)^k.
numerics::Interval b8_envelope_over_rho(const numerics::Interval& rho, const numerics::Interval& s, std::uint64_t L,
                                        std::size_t n);

// [0] d(L)/ρ^L ≤ envelope/ρ^L, [1] 2 ≤ d(L)/ρ^L.
std::vector<Instance> b8_rate_instances(const IntervalMatrix& m, const IntervalMatrix& power, std::uint64_t L,
                                        bool row_stochastic, const std::string& description,
                                        const std::string& witness);

// The scalar linear model on input v⁰ (length n), L layers.
std::vector<numerics::Interval> b8_scalar_model(const IntervalMatrix& lambda, const B8Constants& k, std::uint64_t L,
                                                const std::vector<numerics::Interval>& v0);

// Columns `columns` of its Jacobian (all when empty), as an n × n matrix
// (other columns left 0).
IntervalMatrix b8_scalar_jacobian(const IntervalMatrix& lambda, const B8Constants& k, std::uint64_t L,
                                  const std::vector<std::size_t>& columns = {});

// Jacobian = bound, relative: max over the given columns and i ≥ j of
// |J_ij / B_ij − 1| (and |J_ij| above the diagonal) ≤ 2^-(precision/2).
Instance b8_equality_instance(const IntervalMatrix& jacobian, const IntervalMatrix& bound,
                              const std::vector<std::size_t>& columns, const std::string& description,
                              const std::string& witness);

// Exact fractions (GMP rationals through Boost.Multiprecision), independent
// of MPFR/MPFI: M^L for M = (Λ + I)/2 of uniform causal attention
// (Λ_ij = 1/i for j ≤ i, 1-based), one matrix per exponent (ascending).
using RationalMatrix = model::Matrix<Rational>;
std::vector<RationalMatrix> b8_exact_uniform_powers(std::size_t n, const std::vector<std::uint64_t>& exponents);

// Whether every entry of `exact` lies in the enclosure: lhs is
// max_ij max(lower_ij − q_ij, q_ij − upper_ij), computed exactly over the
// rationals (the bounds are dyadic), rhs 0; proven when ≤ 0, refuted when
// an exact value lies outside its enclosure.
Instance b8_exact_instance(const IntervalMatrix& enclosure, const RationalMatrix& exact,
                           const std::string& description, const std::string& witness);

}  // namespace glasses::proofs::detail
