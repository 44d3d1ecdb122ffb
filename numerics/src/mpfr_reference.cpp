#include "glasses/numerics/mpfr_reference.hpp"

#include <cmath>
#include <limits>

#include "glasses/numerics/error.hpp"

namespace glasses::numerics {

MpfrExponentRangeGuard::MpfrExponentRangeGuard(mpfr_exp_t emin, mpfr_exp_t emax)
    : saved_emin_(mpfr_get_emin()), saved_emax_(mpfr_get_emax()) {
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
}

MpfrExponentRangeGuard::~MpfrExponentRangeGuard() {
  mpfr_set_emin(saved_emin_);
  mpfr_set_emax(saved_emax_);
}

mpfr_rnd_t to_mpfr_rounding(Rounding mode) {
  switch (mode) {
    case Rounding::near_even: return MPFR_RNDN;
    case Rounding::near_max_mag: return MPFR_RNDNA;
    case Rounding::min_mag: return MPFR_RNDZ;
    case Rounding::min: return MPFR_RNDD;
    case Rounding::max: return MPFR_RNDU;
    case Rounding::stochastic: break;
  }
  throw Error("MPFR has no stochastic rounding; formats that need the MPFR path (p > 51, or fma "
              "with p > 26) support only deterministic modes");
}

namespace {

// RAII for an mpfr_t.
struct MpfrValue {
  mpfr_t v;
  explicit MpfrValue(mpfr_prec_t prec) { mpfr_init2(v, prec); }
  ~MpfrValue() { mpfr_clear(v); }
  MpfrValue(const MpfrValue&) = delete;
  MpfrValue& operator=(const MpfrValue&) = delete;
};

int evaluate(detail::Op op, mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr c, mpfr_rnd_t rnd) {
  switch (op) {
    case detail::Op::add: return mpfr_add(r, a, b, rnd);
    case detail::Op::sub: return mpfr_sub(r, a, b, rnd);
    case detail::Op::mul: return mpfr_mul(r, a, b, rnd);
    case detail::Op::div: return mpfr_div(r, a, b, rnd);
    case detail::Op::sqrt: return mpfr_sqrt(r, a, rnd);
    case detail::Op::fma: return mpfr_fma(r, a, b, c, rnd);
  }
  return 0;
}

// Result and ternary value of op rounded to r's precision in `mode`. The
// operation is evaluated with MPFR's full exponent range (operands need not
// lie in the format's range, and MPFR requires inputs within the current
// range), then brought into the range of `format` by mpfr_check_range and
// mpfr_subnormalize, which take the first rounding's ternary value into
// account (MPFR manual, "Exceptions"). `format` null: unbounded range.
int evaluate_rounded(detail::Op op, mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr c,
                     Rounding mode, const Format* format) {
  int t;
  mpfr_rnd_t rnd;
  {
    MpfrExponentRangeGuard full(mpfr_get_emin_min(), mpfr_get_emax_max());
    if (mode != Rounding::near_max_mag) {
      rnd = to_mpfr_rounding(mode);
      t = evaluate(op, r, a, b, c, rnd);
    } else {
      // Ties away from zero (MPFR's arithmetic has no RNDNA) differ from
      // ties to even only on exact ties. Evaluate at p+2 bits rounded to odd
      // (toward zero, then force the last bit to 1 if inexact): that value
      // is a tie at the effective precision q (p, or fewer for a result
      // below 2^emin) exactly when the exact result is, i.e. when it needs
      // exactly q+1 bits. Round ties away (RNDA), everything else to nearest.
      const mpfr_prec_t prec = mpfr_get_prec(r);
      MpfrValue wide(prec + 2);
      const int t0 = evaluate(op, wide.v, a, b, c, MPFR_RNDZ);
      if (!mpfr_regular_p(wide.v)) {
        mpfr_set(r, wide.v, MPFR_RNDN);
        return t0;
      }
      if (t0 != 0 && mpfr_min_prec(wide.v) < prec + 2) {
        if (mpfr_sgn(wide.v) > 0) {
          mpfr_nextabove(wide.v);
        } else {
          mpfr_nextbelow(wide.v);
        }
      }
      long effective = static_cast<long>(prec);
      const long e = mpfr_get_exp(wide.v) - 1;  // |x| in [2^e, 2^(e+1))
      if (format != nullptr && e < format->emin) {
        // subnormals keep the spacing 2^(emin-p+1); without them the
        // spacing below 2^emin is 2^emin
        effective = format->subnormals ? prec - (format->emin - e) : e - format->emin + 1;
      }
      const bool tie = static_cast<long>(mpfr_min_prec(wide.v)) == effective + 1;
      rnd = tie ? MPFR_RNDA : MPFR_RNDN;
      // An inexact wide value has its last (p+2-th) bit set, so t != 0 then.
      t = mpfr_set(r, wide.v, rnd);
    }
  }
  if (format != nullptr) {
    // MPFR numbers are m 2^E with m in [1/2, 1): the smallest positive
    // subnormal 2^(emin-p+1) has E = emin-p+2; the top binade has E = emax+1.
    const mpfr_exp_t lowest = format->subnormals ? format->emin - format->p + 2 : format->emin + 1;
    MpfrExponentRangeGuard range(lowest, format->emax + 1);
    t = mpfr_check_range(r, t, rnd);
    if (format->subnormals) t = mpfr_subnormalize(r, t, rnd);
  }
  return t;
}

double infinity_value(const Format& f, bool negative) {
  if (f.overflow == Overflow::saturate) return negative ? -max_finite(f) : max_finite(f);
  if (!f.has_infinity()) return std::numeric_limits<double>::quiet_NaN();
  return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
}

}  // namespace

double mpfr_reference(detail::Op op, const Format& f, Rounding mode, double a, double b, double c,
                      Flags& flags) {
  MpfrValue A(53), B(53), C(53);
  mpfr_set_d(A.v, a, MPFR_RNDN);
  mpfr_set_d(B.v, b, MPFR_RNDN);
  mpfr_set_d(C.v, c, MPFR_RNDN);
  const bool uses_b = op != detail::Op::sqrt;
  const bool uses_c = op == detail::Op::fma;
  if (std::isnan(a) || (uses_b && std::isnan(b)) || (uses_c && std::isnan(c))) {
    return std::numeric_limits<double>::quiet_NaN();
  }

  // Tininess after rounding: round with p bits and MPFR's default (huge)
  // exponent range, and compare with 2^emin.
  MpfrValue unbounded(f.p);
  mpfr_clear_flags();
  evaluate_rounded(op, unbounded.v, A.v, B.v, C.v, mode, nullptr);
  const bool tiny = mpfr_regular_p(unbounded.v) && mpfr_get_exp(unbounded.v) - 1 < f.emin;

  MpfrValue R(f.p);
  int ternary;
  bool mpfr_overflow, nan, divide_by_zero;
  mpfr_clear_flags();
  ternary = evaluate_rounded(op, R.v, A.v, B.v, C.v, mode, &f);
  mpfr_overflow = mpfr_overflow_p() != 0;
  nan = mpfr_nanflag_p() != 0;
  divide_by_zero = mpfr_divby0_p() != 0;
  if (nan || mpfr_nan_p(R.v)) {
    flags.raise(Flags::invalid);
    return std::numeric_limits<double>::quiet_NaN();
  }
  const bool negative = mpfr_signbit(R.v) != 0;
  if (divide_by_zero) {
    flags.raise(Flags::infinite);
    return infinity_value(f, negative);
  }
  const double value = mpfr_get_d(R.v, MPFR_RNDN);  // exact: p <= 53, in range
  const bool exact_infinity = mpfr_inf_p(R.v) && !mpfr_overflow;
  if (exact_infinity) return infinity_value(f, negative);
  if (mpfr_overflow || std::fabs(value) > max_finite(f)) {
    flags.raise(Flags::overflow | Flags::inexact);
    const bool to_infinity = mode == Rounding::near_even || mode == Rounding::near_max_mag ||
                             (mode == Rounding::max && !negative) || (mode == Rounding::min && negative);
    if (to_infinity) return infinity_value(f, negative);
    return negative ? -max_finite(f) : max_finite(f);
  }
  if (ternary != 0) {
    flags.raise(Flags::inexact);
    if (tiny) flags.raise(Flags::underflow);
  }
  return value;
}

double mpfr_reference_round(const Format& f, Rounding mode, double x, Flags& flags) {
  // Rounding x is the operation x + 0 except for the sign of zero results,
  // which cannot occur for x != 0; zeros are returned unchanged.
  if (x == 0 || std::isnan(x)) return x;
  if (std::isinf(x)) return infinity_value(f, std::signbit(x));
  return mpfr_reference(detail::Op::add, f, mode, x, 0.0, 0.0, flags);
}

namespace detail {
double mpfr_operation(Op op, const Format& f, double a, double b, double c, RoundingContext& ctx) {
  return mpfr_reference(op, f, ctx.mode, a, b, c, ctx.flags);
}
}  // namespace detail

}  // namespace glasses::numerics
