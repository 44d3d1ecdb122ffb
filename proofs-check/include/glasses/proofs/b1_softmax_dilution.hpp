// B.1, softmax dilution (THEORY §3, paper Appendix B.1): the pieces of the
// checker that judge one instance, exposed so that tests can feed them
// inputs, including deliberately wrong ones.
//
// Statement. For a ∈ R^(n-1) and b, c ∈ R,
//     softmax([a, c])_n  >  softmax([a, b, c])_(n+1),
// with gap  e^c/Z − e^c/(Z + e^b) = e^(b+c) / (Z (Z + e^b)),  Z = Σ_k e^(a_k) + e^c.
//
// What is guaranteed. Every side is an MPFI enclosure of the exact real
// number, computed from the doubles a, b, c as given (each exactly
// representable). The precision is chosen per instance so that the gap is
// resolved: 192 + log2((Z + e^b)/e^b) + log2(n) bits, rounded up (about 256
// bits for ordinary inputs, thousands when b is very negative). A verdict is
// then `decide` on outward-rounded double bounds (THEORY §5).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/exact.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

// A formula for the gap from enclosures of e^b, e^c and Z.
using B1ClosedForm = numerics::Interval (*)(const numerics::Interval& exp_b, const numerics::Interval& exp_c,
                                            const numerics::Interval& z);

// THEORY's closed form e^(b+c) / (Z (Z + e^b)).
numerics::Interval b1_closed_form(const numerics::Interval& exp_b, const numerics::Interval& exp_c,
                                  const numerics::Interval& z);

// Both softmax entries, their difference and the closed form, given Σ e^(a_k).
struct B1Sides {
  numerics::Interval without_b;    // softmax([a, c])_n = e^c / Z
  numerics::Interval with_b;       // softmax([a, b, c])_(n+1) = e^c / (Z + e^b)
  numerics::Interval gap;          // without_b − with_b, as computed (no formula)
  numerics::Interval closed_form;  // cf(e^b, e^c, Z)
};
B1Sides b1_sides(const numerics::Interval& sum_exp_a, double b, double c, long precision, B1ClosedForm cf);
// The same from enclosures of e^b and e^c.
B1Sides b1_sides_from_exponentials(const numerics::Interval& sum_exp_a, const numerics::Interval& exp_b,
                                   const numerics::Interval& exp_c, B1ClosedForm cf);

// The working precision for (a, b, c), from a double estimate of log Z.
long b1_precision(const std::vector<double>& a, double b, double c);

// Relative tolerance of the closed-form agreement: |gap / cf − 1| ≤ 2^-128.
inline constexpr long kB1AgreementBits = 128;
inline constexpr int kB1ExactRandom = 6;  // seeded inputs in exact fractions

// Instances of one input (a, b, c):
//   [0] strict inequality   0 < gap                       (relation less)
//   [1] closed form         |gap / cf − 1| ≤ 2^-128       (relation less_equal)
std::vector<Instance> b1_instance(const std::vector<double>& a, double b, double c, const std::string& description,
                                  B1ClosedForm cf = b1_closed_form);

// The same two instances from Σ e^(a_k) (for sweeps that keep a running sum),
// plus, when `entry_bound` B > 0 (entries of a in [−B, B]):
//   [2] n²·gap ≤ e^(b+c) max(e^(2B), e^(−2c)), a constant independent of n
//       (gap < e^(b+c)/Z², Z ≥ (n−1)e^(−B) + e^c, and n/((n−1)e^(−B) + e^c)
//       lies between e^B and e^(−c)); the edge a_k = −B approaches it.
std::vector<Instance> b1_instances_from_sum(const numerics::Interval& sum_exp_a, std::size_t n, double b, double c,
                                            double entry_bound, long precision, const std::string& description,
                                            const std::string& witness, B1ClosedForm cf = b1_closed_form);

// Exact fractions: logits a_k = ln w_k, b = ln w_b, c = ln w_c for positive
// rationals w, so every softmax entry is a fraction. Three instances: the
// gap computed from the definitions, w_c/Z − w_c/(Z + w_b) with
// Z = Σ w_k + w_c, equals the closed form w_b w_c/(Z(Z + w_b)) exactly; the
// exact gap and the exact closed form lie in the MPFI enclosures computed
// from the logits' enclosures ln(w) (at b1_precision's bits), by `cf`.
std::vector<Instance> b1_exact_instances(const std::vector<Rational>& w_a, const Rational& w_b, const Rational& w_c,
                                         const std::string& description, B1ClosedForm cf = b1_closed_form);

}  // namespace glasses::proofs::detail
