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
#include <numbers>
#include <string>
#include <utility>

#include "glasses/numerics/emulated.hpp"
#include "glasses/numerics/format.hpp"
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
struct ScalarTraits;  // specialised below and in mpfr.hpp's companion section

namespace detail {
// Shared part of the traits of types whose values are doubles-in-disguise.
template <class T>
struct NativeLikeTraits {
  struct Context {};
  static constexpr bool is_interval = false;
  static T softmax_shift(const T* s, std::size_t n) {
    T m = s[0];
    for (std::size_t j = 1; j < n; ++j) m = max(m, s[j]);
    return m;
  }
};
}  // namespace detail

template <>
struct ScalarTraits<float> : detail::NativeLikeTraits<float> {
  static Format format(const Context&) { return formats::fp32; }
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
  static Format format(const Context&) { return formats::fp64; }
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
  static Format format(const Context&) { return F; }
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

}  // namespace glasses::numerics
