// Rounding into a format, and correctly rounded arithmetic on a double carrier.
//
// What is guaranteed
// ------------------
// `round(f, x, ctx)` returns the element of format f that x rounds to in the
// context's mode, with IEEE 754 exception flags collected in the context
// (never in global state). For +, -, *, /, sqrt and fused multiply-add on
// values of f, `add(f, a, b, ctx)` and friends return the correctly rounded
// result of the exact operation: the same bits as an infinitely precise
// computation followed by one rounding.
//
// How: the double carrier and round-to-odd
// ----------------------------------------
// Values of f live in a double. An operation is carried out in double
// (rounded to nearest, 53 bits), and its exact error term is recovered
// error-free: TwoSum for + and -, fma(a,b,-ab) for *, the remainder
// fma(-q,b,a) for /, fma(-s,s,a) for sqrt. Only the sign of the error is
// kept. The pair (carrier, sign of error) is then folded into one double by
// *rounding to odd*: if the carrier is inexact and its last bit is even, step
// to the neighbour on the side of the exact value. Boldo and Melquiond
// ("Emulation of FMA and correctly rounded sums: proved algorithms using
// rounding to odd", IEEE TC 2008) show that a round-to-odd value at p+2 or
// more bits rounds, in any mode, to the same p-bit result as the exact value.
// 53 >= p+2 holds for p <= 51, so this is correct for every mode, including
// directed ones where the usual "2p+2" argument says nothing.
//
// Special cases
//  1. fma needs the product exactly: p <= 26, so that a*b fits in 53 bits.
//     Then a*b + c = s + e exactly (TwoSum) and round-to-odd applies. Rounding
//     the double fma result instead is wrong: in bf16, 3*101 - 2^-60 rounds
//     to 303 in double, a bf16 tie, which goes to 304; the right answer is 302.
//  2. The carrier must not overflow or underflow for the error terms to be
//     exact; `double_carrier_exact(f)` checks the range. Formats outside it
//     (p > 51, or p > 26 for fma, or huge ranges) go to MPFR configured to
//     the format (mpfr_reference.hpp).
//  3. Zeros: an exact zero sum of operands of opposite sign is +0, or -0
//     when rounding toward -inf (IEEE 754 6.3).
//  4. Underflow: tininess is detected after rounding, and underflow is
//     raised only when the result is also inexact (the x86 SSE convention,
//     SoftFloat's 8086-SSE specialisation).
//  5. Overflow: raises overflow and inexact; the result is the format's
//     infinity or its largest finite number depending on the mode, then
//     mapped by the format's overflow setting (saturate: largest finite; no
//     infinity and not saturating: NaN).
//  6. Stochastic rounding rounds up with probability equal to the distance
//     to the lower neighbour over the spacing, computed from the round-to-odd
//     carrier (exact for + - * of p <= 26 values, within 2^-52 relative for
//     / and sqrt). Random bits come from the context's seeded stream, so the
//     same seed and the same sequence of operations give the same bits.
//     Tininess under stochastic rounding uses the same random draw.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "glasses/numerics/format.hpp"

namespace glasses::numerics {

enum class Rounding : std::uint8_t { near_even, near_max_mag, min_mag, min, max, stochastic };

struct NamedRounding {
  std::string_view name;  // Berkeley TestFloat's spelling where it has one
  Rounding mode;
  std::string_view description;
};

inline constexpr std::array kNamedRoundings{
    NamedRounding{"near_even", Rounding::near_even, "to nearest, ties to even"},
    NamedRounding{"near_maxMag", Rounding::near_max_mag, "to nearest, ties away from zero"},
    NamedRounding{"minMag", Rounding::min_mag, "toward zero"},
    NamedRounding{"min", Rounding::min, "toward -infinity"},
    NamedRounding{"max", Rounding::max, "toward +infinity"},
    NamedRounding{"stochastic", Rounding::stochastic,
                  "up with probability proportional to the distance (seeded)"},
};

Rounding parse_rounding(std::string_view text);  // throws InputError
std::string_view to_string(Rounding mode);

// IEEE exception flags, in Berkeley SoftFloat/TestFloat's bit layout.
struct Flags {
  static constexpr std::uint8_t inexact = 1;
  static constexpr std::uint8_t underflow = 2;
  static constexpr std::uint8_t overflow = 4;
  static constexpr std::uint8_t infinite = 8;  // division by zero
  static constexpr std::uint8_t invalid = 16;

  std::uint8_t bits = 0;
  void raise(std::uint8_t f) { bits = static_cast<std::uint8_t>(bits | f); }
  bool test(std::uint8_t f) const { return (bits & f) != 0; }
};

// SplitMix64 (Steele, Lea, Flood 2014): a portable 64-bit stream, fully
// specified by its seed; used for stochastic rounding and seeding.
struct SplitMix64 {
  std::uint64_t state = 0;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

// The rounding environment of a computation: mode, accumulated flags, and
// the random stream of stochastic rounding. Passed explicitly, never global.
struct RoundingContext {
  Rounding mode = Rounding::near_even;
  Flags flags{};
  SplitMix64 random{};
};

// Whether double-carrier arithmetic is exact for f (special case 2). fma
// additionally needs p <= 26.
constexpr bool double_carrier_exact(const Format& f) {
  return f.p >= 2 && f.p <= 51 && f.emax <= 500 && f.emin - f.p + 1 >= -500;
}
constexpr bool double_carrier_fma_exact(const Format& f) {
  return double_carrier_exact(f) && 2 * f.p <= 53;
}

namespace detail {

inline constexpr std::uint64_t kSignBit = 0x8000'0000'0000'0000ull;
inline constexpr std::uint64_t kTrailingMask = 0x000F'FFFF'FFFF'FFFFull;
inline constexpr std::uint64_t kHiddenBit = 0x0010'0000'0000'0000ull;

// The value an infinite result takes in f (special case 5).
inline double infinity_in(const Format& f, bool negative) {
  double mag;
  if (f.overflow == Overflow::saturate) {
    mag = max_finite(f);
  } else if (f.has_infinity()) {
    mag = std::numeric_limits<double>::infinity();
  } else {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return negative ? -mag : mag;
}

inline double overflow_result(const Format& f, bool negative, Rounding mode, Flags& flags) {
  flags.raise(Flags::overflow | Flags::inexact);
  const bool to_infinity = mode == Rounding::near_even || mode == Rounding::near_max_mag ||
                           mode == Rounding::stochastic || (mode == Rounding::max && !negative) ||
                           (mode == Rounding::min && negative);
  if (to_infinity) return infinity_in(f, negative);
  return negative ? -max_finite(f) : max_finite(f);
}

// 2^e as a double, for -1074 <= e <= 1023, built from its bits (ldexp is a
// library call and dominated the cost of emulated arithmetic).
[[gnu::always_inline]] inline double power_of_two(int e) {
  if (e >= -1022) return std::bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52);
  return std::bit_cast<double>(std::uint64_t{1} << (e + 1074));  // subnormal
}

// units · 2^q exactly (units < 2^54, the result a double or an overflow to inf).
[[gnu::always_inline]] inline double scale_units(std::uint64_t units, int q) {
  const double u = static_cast<double>(units);
  if (q >= -1022) return u * power_of_two(q);
  return (u * power_of_two(q + 64)) * power_of_two(-64);  // exact: the result is representable
}

// Rounds the integer significand M (value M * 2^-shift in units of the
// target quantum) to an integer, in `mode`. `negative` is the sign of the
// value (directed modes depend on it). Returns the rounded integer and
// whether it differs from the exact value.
struct RoundedUnits {
  std::uint64_t units;
  bool inexact;
};

[[gnu::always_inline]] inline RoundedUnits round_units(std::uint64_t M, int shift, bool negative, Rounding mode,
                                std::uint64_t random) {
  if (shift <= 0) return {M, false};
  std::uint64_t kept, rem;
  int vs_half;  // sign of (rem - half)
  if (shift >= 64) {
    kept = 0;
    rem = M;  // nonzero, far below half (M < 2^53 <= 2^(shift-1))
    vs_half = -1;
  } else {
    kept = M >> shift;
    rem = M & ((std::uint64_t{1} << shift) - 1);
    const std::uint64_t half = std::uint64_t{1} << (shift - 1);
    vs_half = rem < half ? -1 : (rem == half ? 0 : 1);
  }
  if (rem == 0) return {kept, false};
  bool up = false;
  switch (mode) {
    case Rounding::near_even: up = vs_half > 0 || (vs_half == 0 && (kept & 1) != 0); break;
    case Rounding::near_max_mag: up = vs_half >= 0; break;
    case Rounding::min_mag: up = false; break;
    case Rounding::min: up = negative; break;
    case Rounding::max: up = !negative; break;
    case Rounding::stochastic:
      // P(up) = rem / 2^shift: compare rem with `shift` uniform random bits.
      if (shift < 64) {
        up = (random >> (64 - shift)) < rem;
      } else {
        up = shift - 64 < 64 && random < (M >> (shift - 64));
      }
      break;
  }
  return {kept + (up ? 1u : 0u), true};
}

// Rounds the finite nonzero double x into f. `residual` is the sign of
// (exact - x) when x is a carrier standing for an exact value strictly
// between x and its double neighbour (0 when x is exact); it requires
// f.p <= 51 (round to odd needs two spare bits).
[[gnu::always_inline]] inline double round_finite(const Format& f, double x, int residual, Rounding mode,
                           std::uint64_t random, Flags& flags) {
  std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const bool negative = (bits & kSignBit) != 0;
  std::uint64_t mag = bits & ~kSignBit;
  if (residual != 0 && (mag & 1) == 0) {
    // Round to odd: the exact value lies strictly between mag and the
    // neighbour on its side; that neighbour has an odd last bit.
    const bool grows = (residual > 0) != negative;
    mag = grows ? mag + 1 : mag - 1;
  }
  // |x| = M * 2^(e-52) with M in [2^52, 2^53).
  std::uint64_t M;
  int e;
  const int biased = static_cast<int>(mag >> 52);
  if (biased == 0) {
    const int lz = std::countl_zero(mag) - 11;
    M = mag << lz;
    e = -1022 - lz;
  } else {
    M = (mag & kTrailingMask) | kHiddenBit;
    e = biased - 1023;
  }
  // Exponent of the quantum (the spacing of f around |x|).
  int quantum;
  if (e >= f.emin) {
    quantum = e - (f.p - 1);
  } else {
    quantum = f.subnormals ? f.emin - (f.p - 1) : f.emin;
  }
  const int shift = quantum - (e - 52);
  const RoundedUnits r = round_units(M, shift, negative, mode, random);
  const bool inexact = r.inexact || residual != 0;
  const double magnitude = shift <= 0 ? std::bit_cast<double>(mag) : scale_units(r.units, quantum);
  if (magnitude > max_finite(f)) return overflow_result(f, negative, mode, flags);
  if (inexact) {
    flags.raise(Flags::inexact);
    if (e < f.emin) {
      // Tiny after rounding: rounded to p bits with an unbounded exponent,
      // the result is still below 2^emin (special case 4).
      bool tiny = true;
      if (e == f.emin - 1) {
        const RoundedUnits unbounded = round_units(M, 53 - f.p, negative, mode, random);
        tiny = unbounded.units < (std::uint64_t{1} << f.p);
      }
      if (tiny) flags.raise(Flags::underflow);
    }
  }
  return negative ? -magnitude : magnitude;
}

// Finishes an operation whose carrier result is `x` with error sign
// `residual`: NaN and infinities pass through (mapped into f), zeros are
// exact, everything else is rounded.
[[gnu::always_inline]] inline double finish(const Format& f, double x, int residual, RoundingContext& ctx) {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return infinity_in(f, std::signbit(x));
  if (x == 0 && residual == 0) return x;
  const std::uint64_t random = ctx.mode == Rounding::stochastic ? ctx.random.next() : 0;
  return round_finite(f, x, residual, ctx.mode, random, ctx.flags);
}

inline int sign_of(double v) { return (v > 0) - (v < 0); }

// Zero result of an exact cancellation (special case 3).
inline double exact_zero_sum(double a, double b, Rounding mode) {
  if (a == 0 && b == 0 && std::signbit(a) == std::signbit(b)) return a;
  return mode == Rounding::min ? -0.0 : 0.0;
}

// Rounds the double x into f to nearest even, without flags, on a short
// path: in f's normal range by adding half an ulp (minus one unless the kept
// last bit is odd) to the bit pattern and masking, below it by adding and
// subtracting 2^(emin-p+53), whose spacing is f's subnormal quantum.
// Requires f.p <= 52 and f.subnormals. As a rounding of the double x it is
// exact for every x; as the result of an operation it is exact when x is the
// double-rounded result of + - * / sqrt of values of f with 53 >= 2p + 2
// (Figueroa), not of fma.
[[gnu::always_inline]] inline double round_nearest_even_fast(const Format& f, double x) {
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  std::uint64_t mag = bits & ~kSignBit;
  const int biased = static_cast<int>(mag >> 52);
  double magnitude;
  if (biased == 2047) {
    if (std::isnan(x)) return x;
    return infinity_in(f, (bits & kSignBit) != 0);
  }
  if (biased >= f.emin + 1023) {
    const int shift = 53 - f.p;
    const std::uint64_t odd = (mag >> shift) & 1;
    mag += (std::uint64_t{1} << (shift - 1)) - 1 + odd;
    mag &= ~((std::uint64_t{1} << shift) - 1);
    magnitude = std::bit_cast<double>(mag);
    if (magnitude > max_finite(f)) return infinity_in(f, (bits & kSignBit) != 0);
  } else {
    const double c = power_of_two(f.emin - f.p + 53);
    magnitude = (std::bit_cast<double>(mag) + c) - c;
  }
  return (bits & kSignBit) != 0 ? -magnitude : magnitude;
}

// Slow path for formats the double carrier cannot serve (special case 2).
enum class Op : std::uint8_t { add, sub, mul, div, sqrt, fma };
double mpfr_operation(Op op, const Format& f, double a, double b, double c, RoundingContext& ctx);

}  // namespace detail

// x rounded into f (x exact). NaN stays NaN; infinities map per f.
[[gnu::always_inline]] inline double round(const Format& f, double x, RoundingContext& ctx) {
  return detail::finish(f, x, 0, ctx);
}
inline double round(const Format& f, float x, RoundingContext& ctx) {
  return round(f, static_cast<double>(x), ctx);
}

// a + b correctly rounded into f; a and b must be values of f.
[[gnu::always_inline]] inline double add(const Format& f, double a, double b, RoundingContext& ctx) {
  if (!double_carrier_exact(f)) return detail::mpfr_operation(detail::Op::add, f, a, b, 0, ctx);
  const double s = a + b;
  if (!std::isfinite(s)) {
    if (std::isnan(s) && !std::isnan(a) && !std::isnan(b)) ctx.flags.raise(Flags::invalid);
    return detail::finish(f, s, 0, ctx);
  }
  const double bb = s - a;  // TwoSum (Knuth): s + err = a + b exactly
  const double err = (a - (s - bb)) + (b - bb);
  const int residual = detail::sign_of(err);
  if (s == 0 && residual == 0) return detail::exact_zero_sum(a, b, ctx.mode);
  return detail::finish(f, s, residual, ctx);
}

[[gnu::always_inline]] inline double sub(const Format& f, double a, double b, RoundingContext& ctx) {
  return add(f, a, -b, ctx);
}

[[gnu::always_inline]] inline double mul(const Format& f, double a, double b, RoundingContext& ctx) {
  if (!double_carrier_exact(f)) return detail::mpfr_operation(detail::Op::mul, f, a, b, 0, ctx);
  const double m = a * b;
  if (!std::isfinite(m)) {
    if (std::isnan(m) && !std::isnan(a) && !std::isnan(b)) ctx.flags.raise(Flags::invalid);
    return detail::finish(f, m, 0, ctx);
  }
  // a*b is exact in double when 2p <= 53; otherwise recover its error.
  const int residual = 2 * f.p <= 53 ? 0 : detail::sign_of(std::fma(a, b, -m));
  return detail::finish(f, m, residual, ctx);
}

[[gnu::always_inline]] inline double div(const Format& f, double a, double b, RoundingContext& ctx) {
  if (!double_carrier_exact(f)) return detail::mpfr_operation(detail::Op::div, f, a, b, 0, ctx);
  const double q = a / b;
  if (!std::isfinite(q)) {
    if (std::isnan(q) && !std::isnan(a) && !std::isnan(b)) ctx.flags.raise(Flags::invalid);
    if (std::isinf(q) && std::isfinite(a) && b == 0) ctx.flags.raise(Flags::infinite);
    return detail::finish(f, q, 0, ctx);
  }
  int residual = 0;
  if (std::isfinite(b) && q != 0) {
    // a - q*b is exact (the division remainder); a/b - q = (a - q*b)/b.
    residual = detail::sign_of(std::fma(-q, b, a)) * detail::sign_of(b);
  }
  return detail::finish(f, q, residual, ctx);
}

[[gnu::always_inline]] inline double sqrt(const Format& f, double a, RoundingContext& ctx) {
  if (!double_carrier_exact(f)) return detail::mpfr_operation(detail::Op::sqrt, f, a, 0, 0, ctx);
  const double s = std::sqrt(a);
  if (std::isnan(s)) {
    if (!std::isnan(a)) ctx.flags.raise(Flags::invalid);
    return s;
  }
  int residual = 0;
  if (std::isfinite(s) && s != 0) {
    residual = detail::sign_of(std::fma(-s, s, a));  // a - s^2 is exact
  }
  return detail::finish(f, s, residual, ctx);
}

// a*b + c with one rounding (special case 1).
[[gnu::always_inline]] inline double fma(const Format& f, double a, double b, double c, RoundingContext& ctx) {
  if (!double_carrier_fma_exact(f)) return detail::mpfr_operation(detail::Op::fma, f, a, b, c, ctx);
  if (std::isnan(a) || std::isnan(b) || std::isnan(c)) return std::numeric_limits<double>::quiet_NaN();
  const double prod = a * b;  // exact: 2p <= 53, and no overflow in the carrier
  if (std::isnan(prod)) {     // 0 * inf
    ctx.flags.raise(Flags::invalid);
    return prod;
  }
  const double s = prod + c;
  if (!std::isfinite(s)) {
    if (std::isnan(s)) ctx.flags.raise(Flags::invalid);  // inf - inf
    return detail::finish(f, s, 0, ctx);
  }
  const double pp = s - prod;  // TwoSum
  const double err = (prod - (s - pp)) + (c - pp);
  const int residual = detail::sign_of(err);
  if (s == 0 && residual == 0) return detail::exact_zero_sum(prod, c, ctx.mode);
  return detail::finish(f, s, residual, ctx);
}

// Spacing of f at |x| (the unit in the last place): 2^(max(e, emin) - p + 1)
// with e = floor(log2 |x|); at 0, the spacing of the smallest binade.
inline double ulp(const Format& f, double x) {
  const int e = x == 0 ? f.emin : std::max(std::ilogb(x), f.emin);
  return std::ldexp(1.0, e - f.p + 1);
}

}  // namespace glasses::numerics
