// B.4, a negative result (THEORY §3, paper Proposition B.4): the pieces of
// the checker that judge one instance, exposed for tests.
//
// x = (1,0,1,0,…), x* = (0,1,0,1,…), n even: Z = Z* = (n/2)(e+1), and each
// of the n entries differs by (e−1)/Z, so
//     δ(softmax x, softmax x*) = n (e−1) / ((n/2)(e+1)) = 2(e−1)/(e+1) = 2 tanh(1/2)
// for every even n: the distance does not decay.
//
// What is guaranteed: the Interval results enclose the exact real values
// (MPFI). The low-precision scans reproduce the model's softmax kernel
// (model/kernels.hpp) operation for operation in Emulated<F>: shift by the
// maximum (1), exp, left-to-right partition sum, division; the prefix
// structure of that sum lets one pass give δ_F for every even n ≤ n_max.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/exact.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

// δ summed entry by entry, with Z and Z* as left-to-right interval sums (e^1
// and e^0 evaluated once). InputError unless n is even and positive.
numerics::Interval b4_delta_direct(std::size_t n, long precision);
// The same for x = (t,0,t,0,…), x* = (0,t,0,t,…) with the logit t given as an
// enclosure (B.4 is t = 1).
numerics::Interval b4_delta_direct(std::size_t n, const numerics::Interval& t);

// Exact fractions: for x = (t,0,t,0,…) with e^t = E rational, every softmax
// entry is a fraction; δ summed entry by entry from the definitions, in GMP
// rationals. The identity generalises: δ = 2|E−1|/(E+1) for every even n.
Rational b4_exact_delta(std::size_t n, const Rational& E);

// Two instances at (n, E): the exact δ equals 2|E−1|/(E+1), and it lies
// inside b4_delta_direct(n, ln E) at `precision` bits.
inline constexpr std::array<std::size_t, 3> kB4ExactNs{2, 10, 1000};
std::vector<Instance> b4_exact_instances(std::size_t n, const Rational& E, long precision, const std::string& label);

// δ from the closed-form partition function Z = Z* = (n/2)(e+1).
numerics::Interval b4_delta_closed_sums(std::size_t n, long precision);

// 2(e−1)/(e+1).
numerics::Interval b4_constant(long precision);

// |δ − constant| ≤ τ with τ = 2^(8 + ⌈log2(n+1)⌉ − precision) ("to the working
// precision": the interval sums lose about log2 n bits).
Instance b4_identity_instance(const numerics::Interval& delta, const numerics::Interval& constant, std::size_t n,
                              long precision, const std::string& description);

// What a format computes, for every even n ≤ n_max.
struct B4Scan {
  std::vector<double> delta;     // delta[m] = δ_F at n = 2m (delta[0] unused, NaN)
  std::size_t stagnation_n = 0;  // first n at which the running sum Z_F stops growing (0: never)
  std::size_t overflow_n = 0;    // first even n with a non-finite Z_F (0: never)
  std::size_t departure_n = 0;   // first even n with |δ_F / (2 tanh(1/2)) − 1| > 1% (0: never)
  double partition_at_max = 0;   // Z_F(n_max)
};

// The formats scanned (fp32, fp16, bf16).
inline constexpr std::array kB4Formats{numerics::formats::fp32, numerics::formats::fp16, numerics::formats::bf16};

// `wide_accumulator` = false: the kernel (Z summed left to right in F).
// true: Z accumulated exactly and rounded once into F (what a wide
// accumulator storing its result in F gives). F: one of kB4Formats.
B4Scan b4_scan(const numerics::Format& format, std::size_t n_max, bool wide_accumulator);

}  // namespace glasses::proofs::detail
