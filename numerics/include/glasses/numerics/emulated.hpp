// Emulated<F>: a scalar whose every operation is rounded once into format F.
//
// The value is kept exactly in a double (every format with p <= 26 and a
// modest range is a subset of binary64), and each operation is the correctly
// rounded one of rounding.hpp: computed on the double carrier with its exact
// error term, folded by round-to-odd, rounded once into F. So
// `Emulated<formats::fp32>` reproduces native `float` arithmetic bit for bit
// and `Emulated<formats::fp16>` is IEEE binary16 arithmetic.
//
// Things you should know
//  1. Construction from double or float rounds once into F (in mode R):
//     `Emulated<fp16>(0.1)` is the binary16 number nearest to the double 0.1.
//     There is no implicit conversion back: use `.value()` (exact) or an
//     explicit cast.
//  2. + - * / sqrt fma are correctly rounded in mode R. `fma` rounds once.
//  3. exp log tanh erf sin cos pow rsqrt are evaluated in double by the C
//     library (glibc: < 1 ulp in double, not always correctly rounded) and
//     rounded once into F. The result is the correctly rounded value unless
//     the true value lies within one double ulp of a rounding boundary of F.
//     rsqrt is 1/sqrt in double (two double roundings), then rounded once.
//  4. Emulated<fp64, near_even> uses native double operations (they are the
//     correctly rounded binary64 ones); any other rounding of fp64 goes
//     through MPFR and is slow. Formats with p <= 25 and subnormals,
//     rounded to nearest even, take a short path for + - * / sqrt: the
//     double result rounded once more to nearest even, which is the
//     correctly rounded result because 53 >= 2p + 2 (Figueroa 1995); fma
//     always takes the exact path (rounding.hpp special case 1).
//  5. Exception flags are not kept: operators cannot report them. Use the
//     functions of rounding.hpp with a RoundingContext to observe flags.
//     Non-finite results are values (inf, NaN) that the model detects.
//  6. Stochastic rounding needs a random stream, which a value type cannot
//     carry: Emulated<F, Rounding::stochastic> does not compile; use
//     round()/add()... with a RoundingContext.
#pragma once

#include <cmath>
#include <compare>
#include <limits>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/rounding.hpp"

namespace glasses::numerics {

template <Format F, Rounding R = Rounding::near_even>
class Emulated {
  static_assert(R != Rounding::stochastic,
                "Emulated<F, stochastic> cannot carry a random stream: use numerics::round and "
                "numerics::add/mul/... with a RoundingContext instead");
  static_assert(F == formats::fp64 || double_carrier_fma_exact(F),
                "Emulated<F> needs p <= 26 and a moderate exponent range (the double carrier); "
                "use Mpfr<bits> or MpfrReal for wider formats");

 public:
  static constexpr Format format = F;
  static constexpr Rounding rounding = R;

  constexpr Emulated() = default;  // +0
  explicit Emulated(double x) : v_(round_in(x)) {}
  explicit Emulated(float x) : v_(round_in(static_cast<double>(x))) {}
  explicit Emulated(int x) : v_(round_in(static_cast<double>(x))) {}
  explicit Emulated(long x) : v_(round_in(static_cast<double>(x))) {}

  // A value already known to be an element of F (not checked).
  static Emulated from_exact(double x) {
    Emulated e;
    e.v_ = x;
    return e;
  }

  // The exact value.
  double value() const { return v_; }
  explicit operator double() const { return v_; }

  Emulated& operator+=(Emulated o) { return *this = *this + o; }
  Emulated& operator-=(Emulated o) { return *this = *this - o; }
  Emulated& operator*=(Emulated o) { return *this = *this * o; }
  Emulated& operator/=(Emulated o) { return *this = *this / o; }

  friend Emulated operator-(Emulated a) { return from_exact(-a.v_); }
  friend Emulated operator+(Emulated a) { return a; }
  friend Emulated operator+(Emulated a, Emulated b) { return from_exact(op_add(a.v_, b.v_)); }
  friend Emulated operator-(Emulated a, Emulated b) { return from_exact(op_add(a.v_, -b.v_)); }
  friend Emulated operator*(Emulated a, Emulated b) {
    if constexpr (kNative) return from_exact(a.v_ * b.v_);
    if constexpr (kShortNearest) return from_exact(detail::round_nearest_even_fast(F, a.v_ * b.v_));
    RoundingContext ctx{R};
    return from_exact(numerics::mul(F, a.v_, b.v_, ctx));
  }
  friend Emulated operator/(Emulated a, Emulated b) {
    if constexpr (kNative) return from_exact(a.v_ / b.v_);
    if constexpr (kShortNearest) return from_exact(detail::round_nearest_even_fast(F, a.v_ / b.v_));
    RoundingContext ctx{R};
    return from_exact(numerics::div(F, a.v_, b.v_, ctx));
  }

  // IEEE comparisons: NaN is unordered, -0 == +0.
  friend bool operator==(Emulated a, Emulated b) { return a.v_ == b.v_; }
  friend std::partial_ordering operator<=>(Emulated a, Emulated b) { return a.v_ <=> b.v_; }

  // sqrt(a), correctly rounded.
  friend Emulated sqrt(Emulated a) {
    if constexpr (kNative) return from_exact(std::sqrt(a.v_));
    if constexpr (kShortNearest) return from_exact(detail::round_nearest_even_fast(F, std::sqrt(a.v_)));
    RoundingContext ctx{R};
    return from_exact(numerics::sqrt(F, a.v_, ctx));
  }
  // a*b + c with one rounding.
  friend Emulated fma(Emulated a, Emulated b, Emulated c) {
    if constexpr (kNative) return from_exact(std::fma(a.v_, b.v_, c.v_));
    RoundingContext ctx{R};
    return from_exact(numerics::fma(F, a.v_, b.v_, c.v_, ctx));
  }
  // |a|, exact.
  friend Emulated abs(Emulated a) { return from_exact(std::fabs(a.v_)); }
  friend Emulated fabs(Emulated a) { return from_exact(std::fabs(a.v_)); }
  // Larger/smaller of two values (NaN if either is NaN).
  friend Emulated max(Emulated a, Emulated b) {
    if (std::isnan(a.v_)) return a;
    return std::isnan(b.v_) || a.v_ < b.v_ ? b : a;
  }
  friend Emulated min(Emulated a, Emulated b) {
    if (std::isnan(a.v_)) return a;
    return std::isnan(b.v_) || b.v_ < a.v_ ? b : a;
  }

  // Transcendentals: double evaluation, one rounding into F (note 3).
  friend Emulated exp(Emulated a) { return Emulated(std::exp(a.v_)); }
  friend Emulated log(Emulated a) { return Emulated(std::log(a.v_)); }
  friend Emulated tanh(Emulated a) { return Emulated(std::tanh(a.v_)); }
  friend Emulated erf(Emulated a) { return Emulated(std::erf(a.v_)); }
  friend Emulated sin(Emulated a) { return Emulated(std::sin(a.v_)); }
  friend Emulated cos(Emulated a) { return Emulated(std::cos(a.v_)); }
  friend Emulated pow(Emulated a, Emulated b) { return Emulated(std::pow(a.v_, b.v_)); }
  friend Emulated rsqrt(Emulated a) { return Emulated(1.0 / std::sqrt(a.v_)); }

  friend bool isfinite(Emulated a) { return std::isfinite(a.v_); }
  friend bool isnan(Emulated a) { return std::isnan(a.v_); }
  friend bool isinf(Emulated a) { return std::isinf(a.v_); }
  friend bool signbit(Emulated a) { return std::signbit(a.v_); }

 private:
  static constexpr bool kNative = F == formats::fp64 && R == Rounding::near_even;
  static constexpr bool kShortNearest = R == Rounding::near_even && F.p <= 25 && F.subnormals;

  static double round_in(double x) {
    if constexpr (kNative) return x;
    if constexpr (kShortNearest) return detail::round_nearest_even_fast(F, x);
    RoundingContext ctx{R};
    return numerics::round(F, x, ctx);
  }
  static double op_add(double a, double b) {
    if constexpr (kNative) return a + b;
    if constexpr (kShortNearest) return detail::round_nearest_even_fast(F, a + b);
    RoundingContext ctx{R};
    return numerics::add(F, a, b, ctx);
  }

  double v_ = 0.0;
};

// Short names for code and tests that use one format by name. They are not
// the list of scalar types (scalar_list.hpp is), nothing iterates them, and
// a new format needs none.
using Fp16 = Emulated<formats::fp16>;
using Bf16 = Emulated<formats::bf16>;
using Tf32 = Emulated<formats::tf32>;
using E4m3 = Emulated<formats::e4m3>;
using E5m2 = Emulated<formats::e5m2>;
using Fp32Emulated = Emulated<formats::fp32>;
using Fp64Emulated = Emulated<formats::fp64>;

}  // namespace glasses::numerics

template <glasses::numerics::Format F, glasses::numerics::Rounding R>
class std::numeric_limits<glasses::numerics::Emulated<F, R>> {
  using T = glasses::numerics::Emulated<F, R>;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = F.has_infinity() && F.overflow == glasses::numerics::Overflow::infinity;
  static constexpr bool has_quiet_NaN = true;
  static constexpr bool has_signaling_NaN = false;
  static constexpr bool has_denorm_loss = false;
  static constexpr bool is_iec559 = false;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;
  static constexpr int radix = 2;
  static constexpr int digits = F.p;
  static constexpr int digits10 = (F.p - 1) * 30103 / 100000;
  static constexpr int max_digits10 = 2 + F.p * 30103 / 100000;
  static constexpr int min_exponent = F.emin + 1;  // C convention: 2^(min_exponent-1) is normal
  static constexpr int max_exponent = F.emax + 1;
  static constexpr int min_exponent10 = (F.emin * 30103) / 100000;
  static constexpr int max_exponent10 = (F.emax * 30103) / 100000;
  static constexpr std::float_denorm_style has_denorm = F.subnormals ? std::denorm_present : std::denorm_absent;
  static constexpr std::float_round_style round_style =
      R == glasses::numerics::Rounding::near_even ? std::round_to_nearest
      : R == glasses::numerics::Rounding::min_mag ? std::round_toward_zero
      : R == glasses::numerics::Rounding::min     ? std::round_toward_neg_infinity
      : R == glasses::numerics::Rounding::max     ? std::round_toward_infinity
                                                  : std::round_indeterminate;

  static T min() noexcept { return T::from_exact(glasses::numerics::min_normal(F)); }
  static T max() noexcept { return T::from_exact(glasses::numerics::max_finite(F)); }
  static T lowest() noexcept { return T::from_exact(-glasses::numerics::max_finite(F)); }
  static T epsilon() noexcept { return T::from_exact(glasses::numerics::machine_epsilon(F)); }
  static T round_error() noexcept { return T::from_exact(0.5); }
  static T infinity() noexcept { return T::from_exact(std::numeric_limits<double>::infinity()); }
  static T quiet_NaN() noexcept { return T::from_exact(std::numeric_limits<double>::quiet_NaN()); }
  static T denorm_min() noexcept { return T::from_exact(glasses::numerics::min_subnormal(F)); }
};
