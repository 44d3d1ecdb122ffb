// The non-template parts of mpfr.hpp and interval.hpp: precision checks,
// decimal input and output, and the slow path of widening a value.
#include <climits>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/numerics/mpfr.hpp"

namespace glasses::numerics {

namespace {

// A double as text, with all its digits.
std::string double_text(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

namespace detail {

mpfr_prec_t checked_precision(long prec) {
  if (prec < 2 || prec > kMaxMpfrBits) {
    throw InputError("MPFR precision must be between 2 and " + std::to_string(kMaxMpfrBits) +
                     " bits, got " + std::to_string(prec));
  }
  return prec;
}

void set_decimal(mpfr_ptr x, std::string_view text, mpfr_rnd_t rnd) {
  const std::string s(text);
  const bool starts_well = !s.empty() && s.front() != ' ' && s.front() != '\t' &&
                           s.front() != '\n' && s.front() != '\r' && s.front() != '\f' &&
                           s.front() != '\v';
  char* end = nullptr;
  if (starts_well) mpfr_strtofr(x, s.c_str(), &end, 10, rnd);
  // An embedded '\0' also ends up here: parsing stops before s.size().
  if (!starts_well || end != s.c_str() + s.size()) {
    throw InputError("'" + s + "' is not a decimal number (expected e.g. 0.1, -2.5e-3, 7)");
  }
}

void set_ratio(mpfr_ptr x, long num, long den, mpfr_rnd_t rnd) {
  if (den == 0) throw InputError("ratio " + std::to_string(num) + "/0 has a zero denominator");
  static_assert(sizeof(long) * CHAR_BIT <= GMP_NUMB_BITS, "a long must fit in one limb");
  // num exactly (64 bits hold any long), then one correctly rounded division.
  mp_limb_t limb = 0;
  mpfr_t exact_num;
  mpfr_custom_init_set(exact_num, MPFR_ZERO_KIND, 0, GMP_NUMB_BITS, &limb);
  mpfr_set_si(exact_num, num, MPFR_RNDN);
  mpfr_div_si(x, exact_num, den, rnd);
}

std::string decimal_string(mpfr_srcptr x, int significant_digits, mpfr_rnd_t rnd) {
  if (significant_digits < 1) {
    throw InputError("cannot print a number with " + std::to_string(significant_digits) +
                     " significant digits (at least 1)");
  }
  const char* format = rnd == MPFR_RNDD ? "%.*RDg" : rnd == MPFR_RNDU ? "%.*RUg" : "%.*RNg";
  const int length = mpfr_snprintf(nullptr, 0, format, significant_digits, x);
  if (length < 0) throw Error("mpfr_snprintf failed");
  std::string text(static_cast<std::size_t>(length), '\0');
  mpfr_snprintf(text.data(), text.size() + 1, format, significant_digits, x);
  return text;
}

void widen_storage_slow(mpfr_ptr x, mp_limb_t* own, mpfr_prec_t p) {
  if (on_heap(x, own)) {
    mpfr_prec_round(x, p, MPFR_RNDN);  // exact: p is wider (mpfr_init2 storage reallocates)
    return;
  }
  // Inline storage cannot be reallocated by MPFR: keep the value aside,
  // take fresh storage of p bits, put the value back (exactly).
  mp_limb_t saved_limb = 0;
  mpfr_t saved;
  mpfr_custom_init_set(saved, MPFR_NAN_KIND, 0, mpfr_get_prec(x), &saved_limb);
  mpfr_set(saved, x, MPFR_RNDN);
  init_storage(x, own, p);
  mpfr_set(x, saved, MPFR_RNDN);
}

}  // namespace detail

Interval::Interval(double lo, double hi, long prec)
    : Interval(detail::checked_precision(prec), Raw{}) {
  if (!(lo <= hi)) {
    throw InputError("[" + double_text(lo) + ", " + double_text(hi) +
                     "] is not an interval (need lo <= hi, no NaN)");
  }
  mpfr_set_d(left(), lo, MPFR_RNDD);
  mpfr_set_d(right(), hi, MPFR_RNDU);
}

Interval Interval::from_ratio(long num, long den, long prec) {
  Interval r(detail::checked_precision(prec), Raw{});
  detail::set_ratio(r.left(), num, den, MPFR_RNDD);
  detail::set_ratio(r.right(), num, den, MPFR_RNDU);
  return r;
}

Interval Interval::from_string(std::string_view text, long prec) {
  Interval r(detail::checked_precision(prec), Raw{});
  std::string_view lo_text = text;
  std::string_view hi_text = text;
  if (!text.empty() && text.front() == '[') {
    const std::size_t comma = text.find(',');
    if (text.back() != ']' || comma == std::string_view::npos) {
      throw InputError("'" + std::string(text) + "' is not an interval (expected e.g. [0.1, 0.2])");
    }
    lo_text = trim(text.substr(1, comma - 1));
    hi_text = trim(text.substr(comma + 1, text.size() - comma - 2));
  }
  detail::set_decimal(r.left(), lo_text, MPFR_RNDD);
  detail::set_decimal(r.right(), hi_text, MPFR_RNDU);
  if (mpfr_lessequal_p(r.left(), r.right()) == 0) {
    throw InputError("'" + std::string(text) +
                     "' is not an interval (need lower <= upper, no NaN)");
  }
  return r;
}

Interval Interval::hull(const MpfrReal& a, const MpfrReal& b) {
  Interval r(std::max(a.precision(), b.precision()), Raw{});
  if (isnan(a) || isnan(b)) return r;
  mpfr_min(r.left(), a.data(), b.data(), MPFR_RNDD);  // exact: r is at least as wide
  mpfr_max(r.right(), a.data(), b.data(), MPFR_RNDU);
  return r;
}

std::string Interval::to_string() const {
  // Enough digits to tell neighbouring p-bit numbers apart: 1 + ceil(p log10 2).
  const double digits = std::ceil(static_cast<double>(precision()) * 0.30102999566398120);
  return to_string(1 + static_cast<int>(digits));
}

std::string Interval::to_string(int significant_digits) const {
  return "[" + detail::decimal_string(left(), significant_digits, MPFR_RNDD) + ", " +
         detail::decimal_string(right(), significant_digits, MPFR_RNDU) + "]";
}

}  // namespace glasses::numerics
