// Number formats: what a rounding target *is*.
//
// A format is a value (CPFloat style), described once:
//
//   p           precision in bits, counting the hidden bit (binary32: 24)
//   emin        exponent of the smallest normal number, 2^emin
//   emax        exponent of the largest finite binade, [2^emax, 2^(emax+1))
//   subnormals  whether numbers below 2^emin keep spacing 2^(emin-p+1);
//               without them the only values below 2^emin are 0 and 2^emin
//   overflow    what a result beyond the largest finite number becomes:
//               `infinity` (IEEE; for a format without infinities, NaN: the
//               OCP fp8 "non-saturating" mode) or `saturate` (largest finite)
//   specials    `ieee`: the all-ones exponent field encodes inf and NaN;
//               `finite_nan`: no infinities, one NaN pattern per sign
//               (S.1111.111 in OCP E4M3), so the top binade holds finite
//               numbers except that one pattern
//
// The rounding *mode* is not part of the value set and travels separately
// (rounding.hpp). Every named format lives in `kNamedFormats`; parsing,
// printing, `glasses formats`, the docs and the tests iterate that table.
//
// Things you should know
//  1. `unit_roundoff(f) = 2^-p` and `machine_epsilon(f) = 2^(1-p)` are two
//     different numbers; this code never says a bare "epsilon".
//  2. `mpfr:<bits>` formats model MPFR numbers: precision `bits`, no
//     subnormals, and the exponent range +-2^30 (MPFR's own is wider, but no
//     value computed here comes near either).
//  3. Largest finite: (2^p - 1) 2^(emax-p+1) for `ieee`, one ulp less,
//     (2^p - 2) 2^(emax-p+1), for `finite_nan` (E4M3: 448).
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace glasses::numerics {

enum class Overflow : std::uint8_t { infinity, saturate };
enum class Specials : std::uint8_t { ieee, finite_nan };

struct Format {
  int p = 53;
  int emin = -1022;
  int emax = 1023;
  bool subnormals = true;
  Overflow overflow = Overflow::infinity;
  Specials specials = Specials::ieee;

  constexpr bool has_infinity() const { return specials == Specials::ieee; }
  constexpr bool operator==(const Format&) const = default;
};

// Whether every binary32 number is a value of f (rounding into f then
// leaves it unchanged, in any mode).
constexpr bool holds_binary32(const Format& f) {
  const int smallest = f.subnormals ? f.emin - f.p + 1 : f.emin;
  return f.p >= 24 && f.emax >= 127 && smallest <= -149 && f.specials == Specials::ieee;
}

// Exponent range given to `mpfr:<bits>` formats (note 2 above).
inline constexpr int kMpfrExponentLimit = 1 << 30;
// Largest precision accepted for `mpfr:<bits>`.
inline constexpr int kMaxMpfrBits = 1 << 16;

namespace formats {
inline constexpr Format fp64{53, -1022, 1023, true, Overflow::infinity, Specials::ieee};
inline constexpr Format fp32{24, -126, 127, true, Overflow::infinity, Specials::ieee};
inline constexpr Format tf32{11, -126, 127, true, Overflow::infinity, Specials::ieee};
inline constexpr Format fp16{11, -14, 15, true, Overflow::infinity, Specials::ieee};
inline constexpr Format bf16{8, -126, 127, true, Overflow::infinity, Specials::ieee};
// OCP 8-bit floating point (OFP8) E4M3: bias 7, no infinities, NaN = S.1111.111,
// largest finite 448; saturating conversion, as THEORY §4 specifies.
inline constexpr Format e4m3{4, -6, 8, true, Overflow::saturate, Specials::finite_nan};
// OCP E5M2: IEEE-like (bias 15, infinities, NaNs), largest finite 57344.
inline constexpr Format e5m2{3, -14, 15, true, Overflow::infinity, Specials::ieee};

// Boost.Multiprecision's cpp_bin_float<256, digit_base_2> (`cpp_bin_float:256`,
// cpp_bin_float.hpp): 256 bits, Boost's exponent range (about +-2^31, the
// limits of its int exponent less twice the bit count), no subnormals. The
// range is what tells it apart from mpfr(256); cpp_bin_float.hpp asserts it
// is Boost's.
inline constexpr Format cpp_bin_float256{256, -2147483647 - 1 + 512, 2147483647 - 512, false, Overflow::infinity,
                                         Specials::ieee};

constexpr Format mpfr(int bits) {
  return Format{bits, -kMpfrExponentLimit, kMpfrExponentLimit, false, Overflow::infinity,
                Specials::ieee};
}
}  // namespace formats

struct NamedFormat {
  std::string_view name;
  Format format;
  std::string_view description;
};

// The one table of named formats.
inline constexpr std::array kNamedFormats{
    NamedFormat{"fp64", formats::fp64, "IEEE binary64"},
    NamedFormat{"fp32", formats::fp32, "IEEE binary32"},
    NamedFormat{"tf32", formats::tf32, "NVIDIA TensorFloat-32: binary32 range, 11-bit precision"},
    NamedFormat{"fp16", formats::fp16, "IEEE binary16"},
    NamedFormat{"bf16", formats::bf16, "bfloat16: binary32 range, 8-bit precision"},
    NamedFormat{"e4m3", formats::e4m3, "OCP fp8 E4M3: no infinities, saturating, one NaN per sign"},
    NamedFormat{"e5m2", formats::e5m2, "OCP fp8 E5M2: IEEE-like"},
};

// Parses `fp16`, `e4m3:nosat`, `fp16:nosub`, `e5m2:sat`, `mpfr:256`,
// `custom:p=5,emax=15[,emin=-14][,nosub][,sat]`. Throws InputError naming the
// problem.
Format parse_format(std::string_view text);

// The canonical spelling: a table name (with modifiers), `mpfr:<bits>`, or
// `custom:...`. parse_format(to_string(f)) == f.
std::string to_string(const Format& f);

// Whether the format's values are those of Boost's cpp_bin_float (glasses
// instantiates 256 bits only).
constexpr bool is_cpp_bin_float(const Format& f) { return f == formats::cpp_bin_float256; }

// Whether the format's values are MPFR numbers of some precision.
constexpr bool is_mpfr(const Format& f) { return f.emin == -kMpfrExponentLimit; }

// Derived quantities. All are exact powers of two or short sums of them,
// returned as double (0 or inf when outside the double range).
inline double unit_roundoff(const Format& f) { return std::ldexp(1.0, -f.p); }
inline double machine_epsilon(const Format& f) { return std::ldexp(1.0, 1 - f.p); }
// Significant decimal digits that always read back as the same value of a
// p-bit significand: ⌈p·log₁₀2⌉ + 1 (17 for fp64, 9 for fp32, 79 for
// mpfr:256). p·log₁₀2 is irrational, so the ceiling of its double
// approximation is exact for any precision MPFR accepts.
inline int round_trip_digits(const Format& f) {
  return static_cast<int>(std::ceil(static_cast<double>(f.p) * 0.30102999566398120)) + 1;
}
inline double min_normal(const Format& f) { return std::ldexp(1.0, f.emin); }
inline double min_subnormal(const Format& f) {
  return f.subnormals ? std::ldexp(1.0, f.emin - f.p + 1) : min_normal(f);
}
[[gnu::always_inline]] constexpr double max_finite(const Format& f) {
  // (2 - k 2^(1-p)) 2^emax with k = 1 (ieee) or 2 (finite_nan), built from
  // its binary64 bits: exponent emax, significand p-1 ones (or ...10).
  // Cheap, as the rounding code asks for it on every operation.
  if (f.emax > 1023) return std::numeric_limits<double>::infinity();
  const int p = f.p < 53 ? f.p : 53;
  std::uint64_t trailing = (std::uint64_t{1} << (p - 1)) - (f.specials == Specials::finite_nan ? 2 : 1);
  trailing <<= 53 - p;
  return std::bit_cast<double>((static_cast<std::uint64_t>(f.emax + 1023) << 52) | trailing);
}

// Bit layout of a format that has one: 1 sign bit, `exponent_bits`, and p-1
// trailing significand bits. Exists for the named formats and any custom
// format whose range matches an IEEE (emin = 1 - emax, emax + 1 a power of
// two) or OCP E4M3-style (emin = 2 - emax, emax a power of two) exponent field.
struct Encoding {
  int exponent_bits;
  int bias;
  int trailing_bits;  // p - 1
  int total_bits() const { return 1 + exponent_bits + trailing_bits; }
};
std::optional<Encoding> encoding(const Format& f);

}  // namespace glasses::numerics
