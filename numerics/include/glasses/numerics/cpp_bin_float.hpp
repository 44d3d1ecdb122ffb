// BinFloat256: Boost.Multiprecision's cpp_bin_float<256, digit_base_2>, the
// second arbitrary-precision arithmetic of glasses (`cpp_bin_float:256`).
//
// Why a second one
// ----------------
// The MPFR track (`mpfr:256`) is the reference every low-precision run is
// measured against. BinFloat256 shares no code with MPFR or GMP: its
// significand is a Boost cpp_int, its +, −, ×, ÷ and √ are Boost's own, its
// exp, log, tanh, erf, sin, cos and pow are Boost's series. A forward pass in
// both that agrees to the bound below says the reference is not an artefact
// of one library.
//
// What is guaranteed
// ------------------
//  * +, −, ×, ÷ and √ round the exact result to nearest, ties to even, at
//    256 bits, like MPFR at 256 bits (checked against exact rationals and
//    against MPFR in tests/numerics/cpp_bin_float_test.cpp). There are no
//    expression templates (et_off): `a += b * c` rounds twice.
//  * exp, log, tanh, erf, sin, cos and pow are *not* correctly rounded: Boost
//    evaluates them with a few guard bits and rounds the approximation. Their
//    measured error is within 2 ulps (2^-254 relative) over the arguments a
//    forward pass meets (tests/numerics/cpp_bin_float_test.cpp checks 4 ulps
//    against MPFR's correctly rounded values). So a forward pass in
//    BinFloat256 and one in MPFR-256 do not agree bit for bit; each step adds
//    at most a few ulps of 2^-256 relative error on each side, and the
//    difference of the two runs is bounded like the error of any 256-bit
//    run: a small multiple of (operations on the path) · 2^-256 · the
//    condition of the model. The README states the bound and the measured
//    agreement (about 2^-240 relative on the test models, against double's
//    2^-53).
//
// Things you should know
//  1. The precision is a compile-time 256 bits (no other width is
//     instantiated: each scalar type is one translation unit of the model,
//     and 256 is the reference width of every sweep and check).
//  2. The exponent range is Boost's, about ±2^31, with no subnormals: its
//     Format (formats::cpp_bin_float256) differs from mpfr(256) only in emin/emax,
//     which is how `cpp_bin_float:256` and `mpfr:256` are told apart.
//  3. Conversions out (to_double, decimal, bounds) go through an exact
//     conversion to MPFR (to_mpfr) and MPFR's correctly rounded output; the
//     arithmetic itself never touches MPFR.
//  4. from_double is exact; from_ratio(n, d) is one correctly rounded
//     division; pi is Boost's constant (checked equal to MPFR's correctly
//     rounded π at 256 bits in the tests).
#pragma once

#include <boost/multiprecision/cpp_bin_float.hpp>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/mpfr.hpp"

namespace glasses::numerics {

using BinFloat256Backend = boost::multiprecision::cpp_bin_float<256, boost::multiprecision::digit_base_2>;
using BinFloat256 = boost::multiprecision::number<BinFloat256Backend, boost::multiprecision::et_off>;

// The values of BinFloat256 as a Format (note 2). Boost's exponent e means a
// value in [2^e, 2^(e+1)), as Format's emin and emax do.
static_assert(formats::cpp_bin_float256.p == 256 &&
                  formats::cpp_bin_float256.emin == BinFloat256Backend::min_exponent &&
                  formats::cpp_bin_float256.emax == BinFloat256Backend::max_exponent,
              "formats::cpp_bin_float256 (format.hpp) must describe Boost's cpp_bin_float<256>");

// x exactly, as an MPFR number of 256 bits (every BinFloat256 is one, within
// MPFR's default exponent range).
MpfrReal to_mpfr(const BinFloat256& x);
// x rounded once to nearest into BinFloat256 (exact for x of at most 256
// bits).
// x rounded to nearest into BinFloat256 (exact for x of at most 256 bits).
BinFloat256 from_mpfr(const MpfrReal& x);

// ---- math, found by the model's `using numerics::exp;` etc. ---------------
// One line each; Boost's own implementations (not correctly rounded except
// sqrt, see above).
inline BinFloat256 exp(const BinFloat256& x) { return boost::multiprecision::exp(x); }
inline BinFloat256 log(const BinFloat256& x) { return boost::multiprecision::log(x); }
inline BinFloat256 tanh(const BinFloat256& x) { return boost::multiprecision::tanh(x); }
inline BinFloat256 erf(const BinFloat256& x) { return boost::multiprecision::erf(x); }
inline BinFloat256 sin(const BinFloat256& x) { return boost::multiprecision::sin(x); }
inline BinFloat256 cos(const BinFloat256& x) { return boost::multiprecision::cos(x); }
inline BinFloat256 pow(const BinFloat256& x, const BinFloat256& y) { return boost::multiprecision::pow(x, y); }
inline BinFloat256 sqrt(const BinFloat256& x) { return boost::multiprecision::sqrt(x); }
// 1/√x: two roundings (√, then ÷), as for double.
inline BinFloat256 rsqrt(const BinFloat256& x) { return BinFloat256(1) / boost::multiprecision::sqrt(x); }
inline BinFloat256 abs(const BinFloat256& x) { return boost::multiprecision::abs(x); }
// max/min with the NaN rule of Emulated: NaN if either is NaN.
inline BinFloat256 max(const BinFloat256& a, const BinFloat256& b) {
  if (boost::multiprecision::isnan(a)) return a;
  return boost::multiprecision::isnan(b) || a < b ? b : a;
}
inline BinFloat256 min(const BinFloat256& a, const BinFloat256& b) {
  if (boost::multiprecision::isnan(a)) return a;
  return boost::multiprecision::isnan(b) || b < a ? b : a;
}

}  // namespace glasses::numerics
