// B.2, total variation decay (THEORY §3, paper Lemma 4.1 / Appendix B.2):
// the pieces of the checker that judge one instance, exposed for tests.
//
// δ(p, q) = Σ_i |p_i − q_i| is the L1 distance (the paper's δ, without ½).
//
// Tail convergence (what the proof uses): for x, x* ∈ [−B, B]^n,
//   δ(softmax x, softmax x*) ≤ 2 Σ_i |e^(x_i) − e^(x*_i)| / Z*          (instance bound)
//                            ≤ 2 e^(2B) (1/n) Σ_i |x_i − x*_i|          (quantitative bound)
// Proof of the first: p_i − q_i = (e^(x_i) − e^(x*_i))/Z* + e^(x_i)(1/Z − 1/Z*), and
// Σ_i e^(x_i)|1/Z − 1/Z*| = |Z* − Z|/Z* ≤ Σ_i |e^(x_i) − e^(x*_i)|/Z*. The second
// follows from |e^u − e^v| ≤ e^B |u − v| on [−B, B] and Z* ≥ n e^(−B).
//
// The literal reading (only the last entries agree) is false:
// x = (1,0,1,0,…,1,0,c), x* = (0,…,0,c), n = 2m+1 entries, give exactly
//   δ_n = m(e−1)(2m + 2e^c) / ((m(e+1) + e^c)(2m + e^c))  →  (e−1)/(e+1) = tanh(1/2),
// and δ_n ≥ m(e−1)/(m(e+1) + e^c), which increases with m, so for every
// m ≥ m0 the distance stays above m0(e−1)/(m0(e+1) + e^c) > 0.
//
// What is guaranteed: every returned Interval encloses the exact real value
// for the doubles given (MPFI, outward rounding); Instances decide on them.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

struct B2Sides {
  numerics::Interval delta;               // Σ_i |softmax(x)_i − softmax(x*)_i|
  numerics::Interval instance_bound;      // factor · Σ_i |e^(x_i) − e^(x*_i)| / Z*
  numerics::Interval quantitative_bound;  // factor · e^(2B) · (1/n) Σ_i |x_i − x*_i|
};

// Both bounds with the multiplier `factor` (the lemma's is 2; tests pass 1 to
// check that the checker refutes a wrong bound). Throws InputError when the
// lengths differ, n = 0, or an entry lies outside [−B, B].
B2Sides b2_sides(const std::vector<double>& x, const std::vector<double>& x_star, double entry_bound, long precision,
                 long factor = 2);

// [0] δ ≤ instance bound, [1] δ ≤ quantitative bound.
std::vector<Instance> b2_instances(const std::vector<double>& x, const std::vector<double>& x_star, double entry_bound,
                                   const std::string& description, const std::string& witness, long factor = 2,
                                   long precision = 128);

// The literal counterexample, n = 2m+1: δ summed entry by entry.
numerics::Interval b2_literal_delta(std::size_t m, double c, long precision);
// Its exact value m(e−1)(2m+2e^c) / ((m(e+1)+e^c)(2m+e^c)).
numerics::Interval b2_literal_closed_form(std::size_t m, double c, long precision);
// m0(e−1)/(m0(e+1)+e^c): a lower bound of δ_n for every n = 2m+1 with m ≥ m0.
numerics::Interval b2_literal_lower_bound(std::size_t m0, double c, long precision);

// The formats of the low-precision softmax (Fig. 9).
inline constexpr std::array kB2Formats{numerics::formats::fp32, numerics::formats::fp16, numerics::formats::bf16};

// softmax(x) computed entirely in `format` (one of kB2Formats) by the
// model's kernel (model/kernels.hpp): inputs rounded into the format, shift
// by the maximum, exp, left-to-right sum, division. Returns the computed
// probabilities (exact values of the format's numbers). InputError for other
// formats.
std::vector<double> b2_softmax_in(const numerics::Format& format, const std::vector<double>& x);

// Σ_i |p_i − q_i| of two computed probability vectors, accumulated in MPFR
// at 256 bits (differences of format numbers are exact there).
double b2_l1_distance(const std::vector<double>& p, const std::vector<double>& q);

}  // namespace glasses::proofs::detail
