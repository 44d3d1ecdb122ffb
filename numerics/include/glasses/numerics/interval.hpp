// Interval: a closed interval [lower, upper] of MPFR numbers (MPFI), with
// outward rounding.
//
// What is guaranteed (the inclusion property)
// -------------------------------------------
// For every operation op and all real numbers x_i lying in the operand
// intervals X_i, the exact real value op(x_1, ..., x_k) lies in the result
// interval. Each bound is rounded outward (the lower one toward -inf, the
// upper one toward +inf) to the result's precision, so an expression
// evaluated in Interval from enclosures of its inputs encloses the exact
// value of the expression. This is what turns a rounding-error estimate into
// a proof: if the enclosure of a margin is certainly positive, the margin is.
//
// Worked example: 1/3 at 8 bits. The nearest 8-bit numbers around 1/3 are
// 85/256 and 171/512, so from_ratio(1, 3, 8) is [85/256, 171/512]; adding it
// to itself gives [170/256, 171/256], which contains 2/3. Mpfr<8> gives
// 171/512 + 171/512 = 171/256, the upper endpoint, with no sign of its
// error; the interval carries the whole doubt along.
//
// Things you should know
//  1. Precision follows MpfrReal (mpfr.hpp note 1): both bounds have the
//     precision given at construction; a result takes the largest precision
//     of its operands, and `a += b` first widens a exactly. Interval() is
//     "no value": NaN bounds at MPFR_PREC_MIN. Precisions outside [2, 2^16]
//     throw InputError, and so do constructions from NaN or with lo > hi
//     (hull of a NaN is a NaN interval: it reports a computation).
//  2. There are no comparison operators (they are deleted). Whether
//     [1, 3] < [2, 4] is unknown; ask explicitly with certainly_less,
//     possibly_less, certainly_positive, contains, overlaps, is_point.
//  3. Domain errors give NaN bounds, detected by isnan(): sqrt, log, rsqrt
//     of an interval reaching below zero (MPFI: sqrt([-1, 4]) = [NaN, 2]).
//     Division by an interval containing 0 gives [-inf, +inf], an honest
//     enclosure. A NaN interval carries no information: every certainly_*
//     predicate is false, every possibly_* is true, and contains, overlaps
//     and is_point are false.
//  4. Operations come from MPFI (+ - * / sqrt exp log tanh sin cos abs) or
//     are built here from MPFR with directed rounding where MPFI 1.5.3 has
//     none: erf (increasing: [erf_RNDD(lo), erf_RNDU(hi)]), rsqrt
//     (decreasing on [0, inf): [rec_sqrt_RNDD(hi), rec_sqrt_RNDU(lo)]).
//     pow(x, y) is exp(y * log(x)), three enclosures, valid for x > 0 (for
//     x containing 0 it still encloses when y > 0; otherwise expect NaN or
//     infinite bounds). fma(a, b, c) is a*b + c, two enclosures: still an
//     enclosure, only wider than a fused one.
//  5. Dependency: x - x is [lo - hi, hi - lo], not 0. Interval arithmetic
//     does not know that both operands are the same number; enclosures of
//     long computations are honest but may be wide.
//  6. midpoint() and to_double() are approximations (rounded to nearest at
//     the interval's precision, then to double); width() is rounded up.
//     to_string() rounds the printed lower bound down and the upper bound
//     up, so the printed interval still encloses the value; parsing it back
//     (from_string) encloses the original, up to one ulp wider per side.
//  7. Storage is as MpfrReal's (mpfr.hpp note 6): at most 64 bits inside
//     the object, wider bounds on the heap; data() must not change it.
//  8. No hidden state: MPFI's global error flag (mpfi_error) is touched
//     only by mpfi_set_error/mpfi_reset_error/mpfi_is_error, never by the
//     arithmetic used here (checked in libmpfi 1.5.3's code), and MPFI's
//     arithmetic never prints.
#pragma once

#include <mpfi.h>
#include <mpfr.h>

#include <algorithm>
#include <cmath>
#include <compare>
#include <string>
#include <string_view>

#include "glasses/numerics/mpfr.hpp"

namespace glasses::numerics {

class Interval {
 public:
  // "No value": NaN bounds at MPFR_PREC_MIN. Never allocates.
  Interval() noexcept {
    detail::init_storage(left(), &own_left_, MPFR_PREC_MIN);
    detail::init_storage(right(), &own_right_, MPFR_PREC_MIN);
  }
  // [v, v] rounded outward to prec bits (a point when v fits in prec bits).
  explicit Interval(double v, long prec) : Interval(v, v, prec) {}
  // [lo, hi] rounded outward to prec bits; InputError unless lo <= hi.
  explicit Interval(double lo, double hi, long prec);
  // The tightest prec-bit enclosure of num/den (InputError when den == 0).
  static Interval from_ratio(long num, long den, long prec);
  // The tightest prec-bit enclosure of a decimal number ("0.1") or of a
  // decimal interval ("[0.1, 0.2]", as printed by to_string).
  static Interval from_string(std::string_view text, long prec);
  // The smallest interval containing a and b, at the larger of their
  // precisions (exact); NaN bounds if either is NaN.
  static Interval hull(const MpfrReal& a, const MpfrReal& b);

  Interval(const Interval& o) : Interval(o.precision(), Raw{}) {
    mpfi_set(value_, o.value_);  // equal precisions: exact
  }
  Interval(Interval&& o) noexcept {
    detail::move_storage(left(), &own_left_, o.left(), &o.own_left_);
    detail::move_storage(right(), &own_right_, o.right(), &o.own_right_);
  }
  // Bounds and precision of o, exactly; no allocation when precisions match.
  Interval& operator=(const Interval& o) {
    detail::copy_storage(left(), &own_left_, o.left());
    detail::copy_storage(right(), &own_right_, o.right());
    return *this;
  }
  Interval& operator=(Interval&& o) noexcept {
    if (this != &o) {
      release();
      detail::move_storage(left(), &own_left_, o.left(), &o.own_left_);
      detail::move_storage(right(), &own_right_, o.right(), &o.own_right_);
    }
    return *this;
  }
  ~Interval() { release(); }

  // The bounds, exactly (at the interval's precision).
  MpfrReal lower() const { return MpfrReal::exact_copy(left()); }
  MpfrReal upper() const { return MpfrReal::exact_copy(right()); }
  // upper - lower, rounded up.
  MpfrReal width() const {
    MpfrReal w = lower();
    mpfi_diam_abs(w.data(), value_);
    return w;
  }
  // (lower + upper) / 2, rounded to nearest.
  MpfrReal midpoint() const {
    MpfrReal m = lower();
    mpfi_mid(m.data(), value_);
    return m;
  }
  long precision() const { return mpfr_get_prec(left()); }
  // The midpoint, rounded to nearest, then to double (two roundings).
  double to_double() const { return midpoint().to_double(); }
  // "[lo, hi]", lo rounded down and hi up, with enough digits to tell
  // apart neighbouring numbers of the interval's precision.
  std::string to_string() const;
  std::string to_string(int significant_digits) const;

  mpfi_srcptr data() const { return value_; }
  mpfi_ptr data() { return value_; }

  // a + b, a - b, a * b, a / b: MPFI, bounds rounded outward.
  friend Interval operator+(const Interval& a, const Interval& b) {
    Interval r = result_for(a, b);
    mpfi_add(r.value_, a.value_, b.value_);
    return r;
  }
  friend Interval operator-(const Interval& a, const Interval& b) {
    Interval r = result_for(a, b);
    mpfi_sub(r.value_, a.value_, b.value_);
    return r;
  }
  friend Interval operator*(const Interval& a, const Interval& b) {
    Interval r = result_for(a, b);
    mpfi_mul(r.value_, a.value_, b.value_);
    return r;
  }
  // [-inf, +inf] when b contains 0 (note 3).
  friend Interval operator/(const Interval& a, const Interval& b) {
    Interval r = result_for(a, b);
    mpfi_div(r.value_, a.value_, b.value_);
    return r;
  }
  // -a = [-hi, -lo], exact.
  friend Interval operator-(const Interval& a) {
    Interval r = result_for(a);
    mpfi_neg(r.value_, a.value_);
    return r;
  }
  friend Interval operator+(const Interval& a) { return a; }

  // a := a op b at a's precision (widened first if b is wider).
  friend Interval& operator+=(Interval& a, const Interval& b) {
    a.widen_for(b);
    mpfi_add(a.value_, a.value_, b.value_);
    return a;
  }
  friend Interval& operator-=(Interval& a, const Interval& b) {
    a.widen_for(b);
    mpfi_sub(a.value_, a.value_, b.value_);
    return a;
  }
  friend Interval& operator*=(Interval& a, const Interval& b) {
    a.widen_for(b);
    mpfi_mul(a.value_, a.value_, b.value_);
    return a;
  }
  friend Interval& operator/=(Interval& a, const Interval& b) {
    a.widen_for(b);
    mpfi_div(a.value_, a.value_, b.value_);
    return a;
  }

  // No comparison operators. Whether [1, 3] < [2, 4] holds is uncertain, and
  // an uncertain comparison must be asked explicitly (certainly_less,
  // possibly_less, ...). Boost.MP's mpfi compare() is declared noexcept yet
  // throws on such a comparison, which ends in std::terminate; it also calls
  // two identical wide intervals "equal", though they may enclose different
  // numbers.
  friend bool operator==(const Interval&, const Interval&) = delete;
  friend bool operator!=(const Interval&, const Interval&) = delete;
  friend bool operator<(const Interval&, const Interval&) = delete;
  friend bool operator<=(const Interval&, const Interval&) = delete;
  friend bool operator>(const Interval&, const Interval&) = delete;
  friend bool operator>=(const Interval&, const Interval&) = delete;
  friend std::partial_ordering operator<=>(const Interval&, const Interval&) = delete;

  // sqrt(x) = [sqrt(lo), sqrt(hi)]; NaN lower bound when lo < 0 (MPFI).
  friend Interval sqrt(const Interval& x) {
    Interval r = result_for(x);
    mpfi_sqrt(r.value_, x.value_);
    return r;
  }
  // rsqrt(x) = 1/sqrt(x) = [rec_sqrt_RNDD(hi), rec_sqrt_RNDU(lo)] (decreasing).
  friend Interval rsqrt(const Interval& x) {
    Interval r = result_for(x);
    mpfr_rec_sqrt(r.left(), x.right(), MPFR_RNDD);
    mpfr_rec_sqrt(r.right(), x.left(), MPFR_RNDU);
    return r;
  }
  // exp(x) = [exp(lo), exp(hi)].
  friend Interval exp(const Interval& x) {
    Interval r = result_for(x);
    mpfi_exp(r.value_, x.value_);
    return r;
  }
  // log(x) = [log(lo), log(hi)]; -inf lower bound at 0, NaN below.
  friend Interval log(const Interval& x) {
    Interval r = result_for(x);
    mpfi_log(r.value_, x.value_);
    return r;
  }
  // tanh(x) = [tanh(lo), tanh(hi)].
  friend Interval tanh(const Interval& x) {
    Interval r = result_for(x);
    mpfi_tanh(r.value_, x.value_);
    return r;
  }
  // erf(x) = [erf_RNDD(lo), erf_RNDU(hi)]: erf is increasing (MPFI has none).
  friend Interval erf(const Interval& x) {
    Interval r = result_for(x);
    mpfr_erf(r.left(), x.left(), MPFR_RNDD);
    mpfr_erf(r.right(), x.right(), MPFR_RNDU);
    return r;
  }
  // sin(x), cos(x): MPFI, including the extrema inside x.
  friend Interval sin(const Interval& x) {
    Interval r = result_for(x);
    mpfi_sin(r.value_, x.value_);
    return r;
  }
  friend Interval cos(const Interval& x) {
    Interval r = result_for(x);
    mpfi_cos(r.value_, x.value_);
    return r;
  }
  // pow(x, y) = exp(y * log(x)), for x > 0 (note 4).
  friend Interval pow(const Interval& x, const Interval& y) {
    Interval r = result_for(x, y);
    mpfi_log(r.value_, x.value_);
    mpfi_mul(r.value_, r.value_, y.value_);
    mpfi_exp(r.value_, r.value_);
    return r;
  }
  // fma(a, b, c) = a*b + c: two enclosures (note 4).
  friend Interval fma(const Interval& a, const Interval& b, const Interval& c) {
    Interval r = result_for(a, b, c);
    mpfi_mul(r.value_, a.value_, b.value_);
    mpfi_add(r.value_, r.value_, c.value_);
    return r;
  }
  // abs(x) = {|t| : t in x}: [0, max(-lo, hi)] when x contains 0.
  friend Interval abs(const Interval& x) {
    Interval r = result_for(x);
    mpfi_abs(r.value_, x.value_);
    return r;
  }
  // max(a, b) = [max(a.lo, b.lo), max(a.hi, b.hi)], min likewise; exact.
  // NaN bounds if either is NaN.
  friend Interval max(const Interval& a, const Interval& b) {
    Interval r = result_for(a, b);
    if (!isnan(a) && !isnan(b)) {
      mpfr_max(r.left(), a.left(), b.left(), MPFR_RNDD);
      mpfr_max(r.right(), a.right(), b.right(), MPFR_RNDU);
    }
    return r;
  }
  friend Interval min(const Interval& a, const Interval& b) {
    Interval r = result_for(a, b);
    if (!isnan(a) && !isnan(b)) {
      mpfr_min(r.left(), a.left(), b.left(), MPFR_RNDD);
      mpfr_min(r.right(), a.right(), b.right(), MPFR_RNDU);
    }
    return r;
  }
  // ldexp(x, e) = x * 2^e, exact within MPFR's exponent range.
  friend Interval ldexp(const Interval& x, long e) {
    Interval r = result_for(x);
    mpfi_mul_2si(r.value_, x.value_, e);
    return r;
  }

  // Both bounds finite (and not NaN).
  friend bool isfinite(const Interval& x) {
    return mpfr_number_p(x.left()) != 0 && mpfr_number_p(x.right()) != 0;
  }
  // Either bound NaN: the interval carries no information (note 3).
  friend bool isnan(const Interval& x) {
    return mpfr_nan_p(x.left()) != 0 || mpfr_nan_p(x.right()) != 0;
  }

  // Every point of a is below every point of b: a.upper < b.lower.
  friend bool certainly_less(const Interval& a, const Interval& b) {
    return !isnan(a) && !isnan(b) && mpfr_less_p(a.right(), b.left()) != 0;
  }
  // Some point of a is below some point of b: a.lower < b.upper.
  friend bool possibly_less(const Interval& a, const Interval& b) {
    return isnan(a) || isnan(b) || mpfr_less_p(a.left(), b.right()) != 0;
  }
  // Every point of a is > 0: a.lower > 0.
  friend bool certainly_positive(const Interval& a) {
    return !isnan(a) && mpfr_sgn(a.left()) > 0;
  }
  // lower <= x <= upper (false when x or a bound is NaN).
  friend bool contains(const Interval& a, const MpfrReal& x) {
    return !isnan(a) && mpfr_lessequal_p(a.left(), x.data()) != 0 &&
           mpfr_lessequal_p(x.data(), a.right()) != 0;
  }
  friend bool contains(const Interval& a, double x) {
    return !isnan(a) && !std::isnan(x) && mpfr_cmp_d(a.left(), x) <= 0 &&
           mpfr_cmp_d(a.right(), x) >= 0;
  }
  // a and b share a point.
  friend bool overlaps(const Interval& a, const Interval& b) {
    return !isnan(a) && !isnan(b) && mpfr_lessequal_p(a.left(), b.right()) != 0 &&
           mpfr_lessequal_p(b.left(), a.right()) != 0;
  }
  // lower == upper: a single number.
  friend bool is_point(const Interval& a) {
    return !isnan(a) && mpfr_equal_p(a.left(), a.right()) != 0;
  }

 private:
  struct Raw {};
  // NaN bounds at precision p (unchecked).
  Interval(mpfr_prec_t p, Raw) {
    detail::init_storage(left(), &own_left_, p);
    detail::init_storage(right(), &own_right_, p);
  }
  static Interval result_for(const Interval& a) { return Interval(a.precision(), Raw{}); }
  static Interval result_for(const Interval& a, const Interval& b) {
    return Interval(std::max(a.precision(), b.precision()), Raw{});
  }
  static Interval result_for(const Interval& a, const Interval& b, const Interval& c) {
    return Interval(std::max({a.precision(), b.precision(), c.precision()}), Raw{});
  }
  void widen_for(const Interval& b) {
    detail::widen_storage(left(), &own_left_, b.precision());
    detail::widen_storage(right(), &own_right_, b.precision());
  }
  void release() {
    detail::free_storage(left(), &own_left_);
    detail::free_storage(right(), &own_right_);
  }

  mpfr_ptr left() { return &value_->left; }
  mpfr_srcptr left() const { return &value_->left; }
  mpfr_ptr right() { return &value_->right; }
  mpfr_srcptr right() const { return &value_->right; }

  mpfi_t value_;
  mp_limb_t own_left_ = 0;  // significands of bounds of <= 64 bits
  mp_limb_t own_right_ = 0;
};

}  // namespace glasses::numerics
