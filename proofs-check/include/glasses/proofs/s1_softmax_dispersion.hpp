// S.1, softmax dispersion (docs/statements_r1_s1.md; Veličković et al.,
// "softmax is not enough", arXiv 2410.01104): the pieces of the checker that
// judge one instance, exposed so that tests can feed them inputs, including
// a deliberately wrong bound.
//
// Statement. For logits s ∈ [−B, B]^n,
//     max_i softmax(s)_i  ≤  e^(2B) / (e^(2B) + n − 1)  →  0  as n → ∞,
// with equality when one logit is B and the other n − 1 are −B.
//
// What is guaranteed. Weights are MPFI enclosures computed by the model's
// softmax kernel over intervals (or, for the extremal case at large n, from
// the definition e^B / (e^B + (n − 1) e^(−B))); verdicts are `decide` on
// their outward-rounded bounds.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

// A bound on the largest weight as a function of B and n.
using S1Bound = numerics::Interval (*)(double B, std::size_t n, long precision);

// The statement's bound e^(2B) / (e^(2B) + n − 1).
numerics::Interval s1_bound(double B, std::size_t n, long precision);

// max_i softmax(s)_i enclosed, by the model's softmax kernel over intervals.
numerics::Interval s1_max_weight(const std::vector<double>& logits, long precision);

// The extremal case's largest weight from its definition: e^B over the
// partition function e^B + (n − 1) e^(−B).
numerics::Interval s1_extremal_weight(double B, std::size_t n, long precision);

// Equality tolerance on the extremal case: |α_max / bound − 1| ≤ 2^-160.
inline constexpr long kS1ToleranceBits = 160;

// α_max ≤ bound(B, n)·(1 + 2^-160) for logits in [−B, B] (InputError
// otherwise). The relative slack, the equality tolerance, lets the bound be
// proven where it is attained (both enclosures overlap there).
Instance s1_bound_instance(const std::vector<double>& logits, double B, const std::string& description,
                           S1Bound bound = s1_bound);

// The extremal case (one logit B, n − 1 at −B), weight from the definition:
//   [0] α_max ≤ bound(B, n)·(1 + 2^-160)
//   [1] |α_max / bound(B, n) − 1| ≤ 2^-160   (attained)
std::vector<Instance> s1_extremal_instances(double B, std::size_t n, const std::string& description,
                                            S1Bound bound = s1_bound);

// The formats measured, and the ulp count beyond which a computed weight no
// longer follows the bound.
inline constexpr std::array kS1Formats{numerics::formats::fp32, numerics::formats::bf16, numerics::formats::fp16};
inline constexpr double kS1FollowUlps = 16;

// The extremal case's largest weight computed entirely in `format` (one of
// kS1Formats) by the model's softmax kernel: logits (B first, then n − 1
// times −B) rounded into the format, shift, exp, left-to-right sum, division.
double s1_extremal_weight_in(const numerics::Format& format, double B, std::size_t n);

// One ulp of the format at x > 0 (normal range): 2^(floor(log2 x) − p + 1).
double s1_ulp(const numerics::Format& format, double x);

}  // namespace glasses::proofs::detail
