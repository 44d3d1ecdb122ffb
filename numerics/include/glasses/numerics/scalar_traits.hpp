// ScalarTraits<T>: the one traits template through which generic code (the
// model, the checks) learns what a scalar type is and makes values of it.
//
// Every specialisation provides
//   Context                 what is needed to make values: empty for types of
//                           fixed precision, the precision for MpfrReal and
//                           Interval (precision travels in this explicit
//                           object, never in global state)
//   is_interval             values are certified enclosures
//   format(ctx)             the format whose values T holds (fp32, fp16, mpfr:256…)
//   name(ctx)               its name
//   from_double(ctx, x)     x rounded once into T (an enclosure for intervals)
//   from_ratio(ctx, n, d)   n/d correctly rounded into T (enclosure for intervals)
//   pi(ctx)                 π rounded into T
//   to_double(x)            nearest double (intervals: of the midpoint)
//   bounds(x)               doubles lo <= x <= hi (equal for exact doubles;
//                           outward-rounded interval bounds)
//   is_finite(x)
//   decimal(x, digits)      x in decimal with `digits` significant digits (C's
//                           %g style) rounded to nearest; intervals "lower upper"
//                           rounded outward, so the printed bounds still enclose
//   round_to(f, rctx, x)    x rounded into format f in rctx's mode (carriers of
//                           site policies: float, double, MpfrReal)
//   softmax_shift(s, n)     a value c with exp(s_j - c) safe to evaluate; the
//                           one place where generic code may branch on scalar
//                           comparisons (intervals: the largest midpoint, a point)
//
// Native float and double use the math of this header (found by unqualified
// calls after `using numerics::exp;` etc.): float transcendentals are
// evaluated in double and rounded once, exactly as Emulated<fp32> does, so
// that the two agree bit for bit.
#pragma once

#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <utility>

#include <mpfi.h>

#include "glasses/numerics/cpp_bin_float.hpp"
#include "glasses/numerics/emulated.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/numerics/mpfr.hpp"
#include "glasses/numerics/rounding.hpp"

namespace glasses::numerics {

// ---- native math: float evaluated in double, rounded once --------------------
inline float exp(float x) { return static_cast<float>(std::exp(static_cast<double>(x))); }
inline float log(float x) { return static_cast<float>(std::log(static_cast<double>(x))); }
inline float tanh(float x) { return static_cast<float>(std::tanh(static_cast<double>(x))); }
inline float erf(float x) { return static_cast<float>(std::erf(static_cast<double>(x))); }
inline float sin(float x) { return static_cast<float>(std::sin(static_cast<double>(x))); }
inline float cos(float x) { return static_cast<float>(std::cos(static_cast<double>(x))); }
inline float pow(float x, float y) {
  return static_cast<float>(std::pow(static_cast<double>(x), static_cast<double>(y)));
}
inline float rsqrt(float x) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(x))); }
inline float sqrt(float x) { return std::sqrt(x); }  // correctly rounded in binary32
inline float abs(float x) { return std::fabs(x); }
inline float fma(float a, float b, float c) { return std::fma(a, b, c); }

inline double exp(double x) { return std::exp(x); }
inline double log(double x) { return std::log(x); }
inline double tanh(double x) { return std::tanh(x); }
inline double erf(double x) { return std::erf(x); }
inline double sin(double x) { return std::sin(x); }
inline double cos(double x) { return std::cos(x); }
inline double pow(double x, double y) { return std::pow(x, y); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
inline double sqrt(double x) { return std::sqrt(x); }
inline double abs(double x) { return std::fabs(x); }
inline double fma(double a, double b, double c) { return std::fma(a, b, c); }

// max/min with the same NaN rule as Emulated: NaN if either is NaN.
template <class T>
  requires std::is_floating_point_v<T>
inline T max(T a, T b) {
  if (std::isnan(a)) return a;
  return std::isnan(b) || a < b ? b : a;
}
template <class T>
  requires std::is_floating_point_v<T>
inline T min(T a, T b) {
  if (std::isnan(a)) return a;
  return std::isnan(b) || b < a ? b : a;
}

template <class T>
struct ScalarTraits;  // specialised below, once per scalar type

namespace detail {
// Shared part of the traits of types whose values are doubles-in-disguise.
template <class T>
struct NativeLikeTraits {
  struct Context {};
  static constexpr bool is_interval = false;
  static constexpr bool is_multiprecision = false;  // operations cost nanoseconds
  // The value is a double, so C's %g prints it correctly rounded.
  static std::string decimal(const T& x, int digits) {
    const double v = ScalarTraits<T>::to_double(x);
    std::string text(static_cast<std::size_t>(std::snprintf(nullptr, 0, "%.*g", digits, v)), '\0');
    std::snprintf(text.data(), text.size() + 1, "%.*g", digits, v);
    return text;
  }
  static T softmax_shift(const T* s, std::size_t n) {
    T m = s[0];
    for (std::size_t j = 1; j < n; ++j) m = max(m, s[j]);
    return m;
  }
};
}  // namespace detail

template <>
struct ScalarTraits<float> : detail::NativeLikeTraits<float> {
  static constexpr Format format(const Context&) { return formats::fp32; }
  static std::string name(const Context&) { return "fp32"; }
  static float from_double(const Context&, double x) { return static_cast<float>(x); }
  static float from_ratio(const Context&, long n, long d) {
    RoundingContext rc;
    return static_cast<float>(numerics::div(formats::fp32, static_cast<double>(n), static_cast<double>(d), rc));
  }
  static float pi(const Context&) { return static_cast<float>(std::numbers::pi); }
  static double to_double(float x) { return x; }
  static std::pair<double, double> bounds(float x) { return {x, x}; }
  static bool is_finite(float x) { return std::isfinite(x); }
  static void round_to(const Format& f, RoundingContext& rc, float& x) {
    x = static_cast<float>(numerics::round(f, static_cast<double>(x), rc));
  }
};

template <>
struct ScalarTraits<double> : detail::NativeLikeTraits<double> {
  static constexpr Format format(const Context&) { return formats::fp64; }
  static std::string name(const Context&) { return "fp64"; }
  static double from_double(const Context&, double x) { return x; }
  static double from_ratio(const Context&, long n, long d) { return static_cast<double>(n) / static_cast<double>(d); }
  static double pi(const Context&) { return std::numbers::pi; }
  static double to_double(double x) { return x; }
  static std::pair<double, double> bounds(double x) { return {x, x}; }
  static bool is_finite(double x) { return std::isfinite(x); }
  static void round_to(const Format& f, RoundingContext& rc, double& x) { x = numerics::round(f, x, rc); }
};

template <Format F, Rounding R>
struct ScalarTraits<Emulated<F, R>> : detail::NativeLikeTraits<Emulated<F, R>> {
  using T = Emulated<F, R>;
  using Context = typename detail::NativeLikeTraits<T>::Context;
  static constexpr Format format(const Context&) { return F; }
  static std::string name(const Context&) { return to_string(F); }
  static T from_double(const Context&, double x) { return T(x); }
  static T from_ratio(const Context&, long n, long d) {
    RoundingContext rc{R};
    return T::from_exact(numerics::div(F, static_cast<double>(n), static_cast<double>(d), rc));
  }
  // π is irrational: the double nearest π, rounded once more into F, is the
  // correctly rounded value for every p <= 51 (no p-bit midpoint lies within
  // 2^-53 relative of π for these p; checked in the tests).
  static T pi(const Context&) { return T(std::numbers::pi); }
  static double to_double(T x) { return x.value(); }
  static std::pair<double, double> bounds(T x) { return {x.value(), x.value()}; }
  static bool is_finite(T x) { return std::isfinite(x.value()); }
  // No round_to: an Emulated<F> value must stay in F, and site policies use
  // float, double or MpfrReal carriers.
};

// The precision of runtime-precision types, carried explicitly.
struct PrecisionContext {
  long bits = 256;
  PrecisionContext() = default;
  explicit PrecisionContext(long b) : bits(b) {}
};

template <>
struct ScalarTraits<MpfrReal> {
  using Context = PrecisionContext;
  static constexpr bool is_interval = false;
  static constexpr bool is_multiprecision = true;  // operations cost ~0.1 µs: worth two threads
  static Format format(const Context& c) { return formats::mpfr(static_cast<int>(c.bits)); }
  static std::string name(const Context& c) { return "mpfr:" + std::to_string(c.bits); }
  static MpfrReal from_double(const Context& c, double x) { return MpfrReal(x, c.bits); }
  static MpfrReal from_ratio(const Context& c, long n, long d) { return MpfrReal::from_ratio(n, d, c.bits); }
  static MpfrReal pi(const Context& c) {
    MpfrReal p(0L, c.bits);
    mpfr_const_pi(p.data(), MPFR_RNDN);
    return p;
  }
  static double to_double(const MpfrReal& x) { return x.to_double(); }
  static std::pair<double, double> bounds(const MpfrReal& x) {
    return {mpfr_get_d(x.data(), MPFR_RNDD), mpfr_get_d(x.data(), MPFR_RNDU)};
  }
  static bool is_finite(const MpfrReal& x) { return isfinite(x); }
  static std::string decimal(const MpfrReal& x, int digits) { return detail::decimal_string(x.data(), digits, MPFR_RNDN); }
  static MpfrReal softmax_shift(const MpfrReal* s, std::size_t n) {
    MpfrReal m = s[0];
    for (std::size_t j = 1; j < n; ++j) m = max(m, s[j]);
    return m;
  }
  // x rounded into f, kept at x's precision (the value is exact there):
  // narrower MPFR formats by mpfr_prec_round; formats of p <= 51 bits by
  // rounding to odd into a double first (toward zero, then the sign of the
  // remainder as the sticky bit), which rounds like x itself (rounding.hpp).
  static void round_to(const Format& f, RoundingContext& rc, MpfrReal& x) {
    if (!mpfr_number_p(x.data()) || mpfr_zero_p(x.data())) {
      if (!is_mpfr(f) && mpfr_inf_p(x.data())) mpfr_set_d(x.data(), detail::infinity_in(f, mpfr_signbit(x.data()) != 0), MPFR_RNDN);
      return;
    }
    if (is_mpfr(f)) {
      if (f.p >= mpfr_get_prec(x.data())) return;
      // MPFR formats: ties away, or ties to even (also for stochastic, which
      // MPFR formats do not offer).
      MpfrReal r(0L, f.p);
      if (rc.mode == Rounding::near_max_mag) {
        mpfr_round_nearest_away(mpfr_set, r.data(), x.data());
      } else {
        mpfr_set(r.data(), x.data(), MPFR_RNDN);
      }
      mpfr_set(x.data(), r.data(), MPFR_RNDN);
      return;
    }
    const double carrier = mpfr_get_d(x.data(), MPFR_RNDZ);
    const int cmp = mpfr_cmp_d(x.data(), carrier);
    const int residual = (cmp > 0) - (cmp < 0);
    mpfr_set_d(x.data(), detail::finish(f, carrier, residual, rc), MPFR_RNDN);
  }
};

// Boost.Multiprecision's cpp_bin_float at 256 bits (cpp_bin_float.hpp): a
// fixed format, so an empty Context; values leave through exact MPFR copies.
template <>
struct ScalarTraits<BinFloat256> {
  struct Context {};
  static constexpr bool is_interval = false;
  static constexpr bool is_multiprecision = true;  // operations cost ~0.1 µs: worth two threads
  static constexpr Format format(const Context&) { return formats::cpp_bin_float256; }
  static std::string name(const Context&) { return "cpp_bin_float:256"; }
  static BinFloat256 from_double(const Context&, double x) { return BinFloat256(x); }
  static BinFloat256 from_ratio(const Context&, long n, long d) {
    if (d == 0) throw InputError("ratio " + std::to_string(n) + "/0 has no value");
    return BinFloat256(n) / BinFloat256(d);
  }
  static BinFloat256 pi(const Context&) { return boost::math::constants::pi<BinFloat256>(); }
  static double to_double(const BinFloat256& x) { return to_mpfr(x).to_double(); }
  static std::pair<double, double> bounds(const BinFloat256& x) {
    const MpfrReal m = to_mpfr(x);
    return {mpfr_get_d(m.data(), MPFR_RNDD), mpfr_get_d(m.data(), MPFR_RNDU)};
  }
  static bool is_finite(const BinFloat256& x) { return boost::multiprecision::isfinite(x); }
  static std::string decimal(const BinFloat256& x, int digits) {
    return detail::decimal_string(to_mpfr(x).data(), digits, MPFR_RNDN);
  }
  static BinFloat256 softmax_shift(const BinFloat256* s, std::size_t n) {
    BinFloat256 m = s[0];
    for (std::size_t j = 1; j < n; ++j) m = max(m, s[j]);
    return m;
  }
};

template <>
struct ScalarTraits<Interval> {
  using Context = PrecisionContext;
  static constexpr bool is_interval = true;
  static constexpr bool is_multiprecision = true;
  static Format format(const Context& c) { return formats::mpfr(static_cast<int>(c.bits)); }
  static std::string name(const Context& c) { return "interval:" + std::to_string(c.bits); }
  static Interval from_double(const Context& c, double x) { return Interval(x, c.bits); }
  static Interval from_ratio(const Context& c, long n, long d) { return Interval::from_ratio(n, d, c.bits); }
  static Interval pi(const Context& c) {
    Interval p(0.0, c.bits);
    mpfi_const_pi(p.data());
    return p;
  }
  static double to_double(const Interval& x) { return x.to_double(); }
  static std::pair<double, double> bounds(const Interval& x) {
    return {mpfr_get_d(x.lower().data(), MPFR_RNDD), mpfr_get_d(x.upper().data(), MPFR_RNDU)};
  }
  static bool is_finite(const Interval& x) { return isfinite(x); }
  static std::string decimal(const Interval& x, int digits) {
    return detail::decimal_string(&x.data()->left, digits, MPFR_RNDD) + " " +
           detail::decimal_string(&x.data()->right, digits, MPFR_RNDU);
  }
  // Any constant shift leaves the softmax unchanged in exact arithmetic; a
  // point at the largest midpoint keeps exp in range without comparing
  // intervals.
  static Interval softmax_shift(const Interval* s, std::size_t n) {
    std::size_t best = 0;
    double best_mid = s[0].to_double();
    for (std::size_t j = 1; j < n; ++j) {
      const double m = s[j].to_double();
      if (m > best_mid) {
        best = j;
        best_mid = m;
      }
    }
    const MpfrReal mid = s[best].midpoint();
    return Interval::hull(mid, mid);
  }
};

}  // namespace glasses::numerics
