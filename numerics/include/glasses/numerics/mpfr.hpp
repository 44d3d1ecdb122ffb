// Mpfr<Bits> and MpfrReal: thin, exact wrappers over the MPFR C library.
//
// Why not Boost.Multiprecision's mpfr_float_backend
// -------------------------------------------------
// In Boost 1.74 (Debian 12) its precision is counted in decimal digits and
// converted to bits internally, so the binary precisions we study cannot be
// asked for: 53 bits is unreachable with stack allocation, and 256 bits lies
// between digits10 = 76 (254 bits) and 77 (257 bits). Its variable-precision
// default is a process-global static, and temporaries take that default
// rather than the precision of their operands, so a result can silently have
// fewer bits than its inputs (STYLE P1, P2). Here the precision is a number
// of bits, it travels with each value, and every operation is one MPFR call.
//
// What is guaranteed
// ------------------
// Every operation is one MPFR call rounding to nearest, ties to even
// (MPFR_RNDN), to the precision of its result: the result is the correctly
// rounded value of the exact operation, once. Nothing is fused: `acc += a
// * b` rounds twice (the product, then the sum), exactly like native `acc
// += a * b` under -ffp-contract=off; fma(a, b, c) rounds once. (Mpfr<Bits>'s
// binary operators defer their one call until the destination is known,
// MpfrDeferred below; that changes where the result is written, not how it
// is rounded.) At 53 bits in the double
// range this is binary64 arithmetic bit for bit, at 24 bits binary32.
//
//   Mpfr<Bits>  precision fixed at compile time; the significand limbs live
//               inside the object (MPFR's custom interface), so no value
//               ever allocates, and `t = a * b` writes t directly.
//   MpfrReal    precision chosen per value at run time; the result of an
//               operation has the largest precision of its operands.
//
// Things you should know
//  1. Precision is in bits and exact: mpfr_get_prec(x.data()) is Bits for
//     Mpfr<Bits>; for MpfrReal it is the precision given at construction,
//     and the maximum of the operands' precisions for every result, compound
//     assignment included (`a += b` first widens a, exactly, when b is
//     wider). Copies copy value and precision exactly. Accepted precisions
//     are [2, kMaxMpfrBits]; anything else throws InputError.
//  2. Conversions round once to nearest: Mpfr<53>(0.1) is the double 0.1;
//     from_string("0.1") is the Bits-bit number nearest to 1/10;
//     from_ratio(1, 3) is the nearest to 1/3. There is no implicit
//     conversion in either direction: use to_double() or an explicit cast.
//  3. MpfrReal has no constructor from a bare number: `MpfrReal x = 1.0;`
//     and `MpfrReal(1.0)` do not compile, so generic code cannot create a
//     value of unintended precision with T(0). MpfrReal() is NaN at
//     MPFR_PREC_MIN (1 bit), meaning "no value yet": a forgotten
//     initialisation shows up as NaN, at the other operand's precision,
//     never as a silently low-precision number. (IEEE exceptions remain:
//     pow(NaN, 0) = 1, as for double.)
//  4. An MPFR number is not an IEEE format: no subnormals, and the exponent
//     range is MPFR's current one (by default about +-2^30, thread-local
//     state; change it only under MpfrExponentRangeGuard of
//     mpfr_reference.hpp). Results far outside the double range stay
//     finite here and overflow only in to_double().
//  5. The transcendentals (exp log tanh erf sin cos pow rsqrt sqrt) are
//     correctly rounded by MPFR, unlike Emulated's (emulated.hpp note 3).
//  6. Storage. Mpfr<Bits> points into itself: sizeof(Mpfr<256>) is 64
//     bytes (32 of struct, 32 of limbs), copy and move re-point the copy to
//     its own limbs, and the object must never be copied bytewise (memcpy,
//     realloc); std::vector and Eigen use the copy/move operations, which
//     is fine. MpfrReal keeps values of at most 64 bits (one limb) inside
//     the object too, including the "no value" NaN, and wider values in
//     limbs from mpfr_init2. Assignment between equal precisions and
//     compound operations never allocate; a binary operator allocates its
//     result when it is wider than 64 bits. Move is noexcept and leaves
//     "no value" behind.
//  7. data() is raw access for MPFR calls on the value. Do not change the
//     precision or the storage through it (mpfr_set_prec, mpfr_prec_round,
//     mpfr_swap, mpfr_clear): the wrapper owns them.
//  8. MPFR's exception flags (thread-local) are set as a side effect and
//     never read here.
#pragma once

#include <gmp.h>
#include <mpfr.h>

#include <algorithm>
#include <compare>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/format.hpp"

namespace glasses::numerics {

namespace detail {

// prec as an MPFR precision; InputError unless 2 <= prec <= kMaxMpfrBits.
mpfr_prec_t checked_precision(long prec);

// x := the decimal number `text`, correctly rounded in `rnd` to x's
// precision. Accepts what mpfr_strtofr accepts in base 10 ("-1.5e-3",
// "inf", "nan"), and nothing else: no surrounding spaces, no trailing text.
// Throws InputError naming the text.
void set_decimal(mpfr_ptr x, std::string_view text, mpfr_rnd_t rnd);

// x := num/den correctly rounded in `rnd`; InputError when den == 0.
void set_ratio(mpfr_ptr x, long num, long den, mpfr_rnd_t rnd);

// x in decimal with `significant_digits` digits (C's %g style), rounded in
// `rnd`; InputError unless significant_digits >= 1.
std::string decimal_string(mpfr_srcptr x, int significant_digits, mpfr_rnd_t rnd);

// ---- storage of one runtime-precision number (MpfrReal, Interval bounds) --
//
// An mpfr_t of at most kInlineBits bits keeps its significand in one limb
// `own` inside the owning object (MPFR custom interface); a wider one in
// limbs from mpfr_init2. The owner tells which by comparing the significand
// pointer with `own`. Every change of precision goes through these
// functions, which is why data() must not be used to change it.
inline constexpr mpfr_prec_t kInlineBits = GMP_NUMB_BITS;

inline bool on_heap(mpfr_srcptr x, const mp_limb_t* own) {
  return mpfr_custom_get_significand(x) != static_cast<const void*>(own);
}

// Fresh storage (x holds nothing): NaN at precision p.
inline void init_storage(mpfr_ptr x, mp_limb_t* own, mpfr_prec_t p) {
  if (p <= kInlineBits) {
    mpfr_custom_init_set(x, MPFR_NAN_KIND, 0, p, own);
  } else {
    mpfr_init2(x, p);
  }
}

inline void free_storage(mpfr_ptr x, mp_limb_t* own) {
  if (on_heap(x, own)) mpfr_clear(x);
}

// x := NaN at precision p, reusing heap limbs where it can.
inline void reset_storage(mpfr_ptr x, mp_limb_t* own, mpfr_prec_t p) {
  if (p > kInlineBits && on_heap(x, own)) {
    mpfr_set_prec(x, p);
  } else {
    free_storage(x, own);
    init_storage(x, own, p);
  }
}

// x := y exactly, value and precision. No allocation when the precisions
// are equal.
inline void copy_storage(mpfr_ptr x, mp_limb_t* own, mpfr_srcptr y) {
  if (x == y) return;
  if (mpfr_get_prec(x) != mpfr_get_prec(y)) reset_storage(x, own, mpfr_get_prec(y));
  mpfr_set(x, y, MPFR_RNDN);  // equal precisions: exact
}

// Raises x's precision to p (if lower), keeping its value exactly.
void widen_storage_slow(mpfr_ptr x, mp_limb_t* own, mpfr_prec_t p);
inline void widen_storage(mpfr_ptr x, mp_limb_t* own, mpfr_prec_t p) {
  if (p > mpfr_get_prec(x)) widen_storage_slow(x, own, p);
}

// `to` (holding nothing) takes `from`'s value and storage; `from` is left
// as "no value" (NaN at MPFR_PREC_MIN, inline). Never allocates.
inline void move_storage(mpfr_ptr to, mp_limb_t* to_own, mpfr_ptr from,
                         mp_limb_t* from_own) noexcept {
  to[0] = from[0];
  if (!on_heap(from, from_own)) {
    *to_own = *from_own;
    mpfr_custom_move(to, to_own);
  }
  init_storage(from, from_own, MPFR_PREC_MIN);
}

// ---- the shared arithmetic of Mpfr<Bits> and MpfrReal ---------------------

// An MPFR operation r := a op b with rounding (mpfr_add, mpfr_mul, ...).
using MpfrBinary = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t);

// a op b for Mpfr<Bits>, not yet computed: what its binary operators
// return. The one MPFR call rounds straight into what receives the result,
// the variable assigned (`t = a * b` is mpfr_mul(t, a, b)) or a new value
// (as an operand of a further operation, or a value kept), so no temporary
// is made and moved. That is the same call with the same rounding as
// computing a temporary and copying it: the same bits. It cannot be kept:
// it refers to a and b, has no copy or move, and is used only as an rvalue,
// so `auto p = a * b;` compiles but any use of p does not.
template <class Real, MpfrBinary Op>
class MpfrDeferred {
 public:
  MpfrDeferred(const Real& a, const Real& b) noexcept : a_(a), b_(b) {}
  MpfrDeferred(const MpfrDeferred&) = delete;
  MpfrDeferred& operator=(const MpfrDeferred&) = delete;
  ~MpfrDeferred() = default;

  // r := a op b, rounded once (RNDN) to r's precision; r may be a or b.
  void into(mpfr_ptr r) && { Op(r, a_.data(), b_.data(), MPFR_RNDN); }

 private:
  const Real& a_;
  const Real& b_;
};
//
// Real provides data(), and as private hooks (this class is its friend):
//   static Real result_for(const Real&...)  an object of the result
//                                           precision (value irrelevant)
//   void widen_for(const Real& b)           before `*this op= b`
// Each operator is written once here and found by ADL (Real's base class
// is one of its associated classes).
template <class Real>
class MpfrArithmetic {
  template <class... Operands>
  static Real result_for(const Operands&... operands) {
    return Real::result_for(operands...);
  }
  static void widen_for(Real& a, const Real& b) { a.widen_for(b); }

  const Real& self() const { return static_cast<const Real&>(*this); }

  template <MpfrBinary Op>
  static auto binary(const Real& a, const Real& b) {
    if constexpr (Real::kDeferredResults) {
      return MpfrDeferred<Real, Op>(a, b);
    } else {
      Real r = result_for(a, b);
      Op(r.data(), a.data(), b.data(), MPFR_RNDN);
      return r;
    }
  }

 public:
  // Precision in bits (mpfr_get_prec).
  long precision() const { return mpfr_get_prec(self().data()); }
  // Nearest double (RNDN); overflows to +-inf, underflows to subnormal or 0.
  double to_double() const { return mpfr_get_d(self().data(), MPFR_RNDN); }
  explicit operator double() const { return to_double(); }
  // Decimal, significant_digits digits, rounded to nearest (C's %g style).
  std::string to_string(int significant_digits) const {
    return decimal_string(self().data(), significant_digits, MPFR_RNDN);
  }

  // a + b, a - b, a * b, a / b: each rounded once (RNDN). For Mpfr<Bits>
  // the result is an MpfrDeferred, rounded into whatever receives it.
  friend auto operator+(const Real& a, const Real& b) { return binary<mpfr_add>(a, b); }
  friend auto operator-(const Real& a, const Real& b) { return binary<mpfr_sub>(a, b); }
  friend auto operator*(const Real& a, const Real& b) { return binary<mpfr_mul>(a, b); }
  friend auto operator/(const Real& a, const Real& b) { return binary<mpfr_div>(a, b); }
  // -a, +a: exact.
  friend Real operator-(const Real& a) {
    Real r = result_for(a);
    mpfr_neg(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  friend Real operator+(const Real& a) { return a; }

  // a := a op b, rounded once to a's precision (widened first if b is wider).
  friend Real& operator+=(Real& a, const Real& b) {
    widen_for(a, b);
    mpfr_add(a.data(), a.data(), b.data(), MPFR_RNDN);
    return a;
  }
  friend Real& operator-=(Real& a, const Real& b) {
    widen_for(a, b);
    mpfr_sub(a.data(), a.data(), b.data(), MPFR_RNDN);
    return a;
  }
  friend Real& operator*=(Real& a, const Real& b) {
    widen_for(a, b);
    mpfr_mul(a.data(), a.data(), b.data(), MPFR_RNDN);
    return a;
  }
  friend Real& operator/=(Real& a, const Real& b) {
    widen_for(a, b);
    mpfr_div(a.data(), a.data(), b.data(), MPFR_RNDN);
    return a;
  }

  // IEEE comparisons: NaN is unordered (== false), -0 == +0.
  friend bool operator==(const Real& a, const Real& b) {
    return mpfr_equal_p(a.data(), b.data()) != 0;
  }
  friend std::partial_ordering operator<=>(const Real& a, const Real& b) {
    if (mpfr_unordered_p(a.data(), b.data()) != 0) return std::partial_ordering::unordered;
    const int c = mpfr_cmp(a.data(), b.data());
    return c < 0   ? std::partial_ordering::less
           : c > 0 ? std::partial_ordering::greater
                   : std::partial_ordering::equivalent;
  }

  // sqrt(a) = a^(1/2), correctly rounded; NaN for a < 0, sqrt(-0) = -0.
  friend Real sqrt(const Real& a) {
    Real r = result_for(a);
    mpfr_sqrt(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  // rsqrt(a) = 1/sqrt(a) with one rounding (mpfr_rec_sqrt); rsqrt(+-0) = +inf.
  friend Real rsqrt(const Real& a) {
    Real r = result_for(a);
    mpfr_rec_sqrt(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  // exp(a) = e^a.
  friend Real exp(const Real& a) {
    Real r = result_for(a);
    mpfr_exp(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  // log(a) = ln a; -inf at 0, NaN for a < 0.
  friend Real log(const Real& a) {
    Real r = result_for(a);
    mpfr_log(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  // tanh(a) = (e^a - e^-a) / (e^a + e^-a).
  friend Real tanh(const Real& a) {
    Real r = result_for(a);
    mpfr_tanh(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  // erf(a) = 2/sqrt(pi) * integral_0^a e^(-t^2) dt.
  friend Real erf(const Real& a) {
    Real r = result_for(a);
    mpfr_erf(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  // sin(a), cos(a), a in radians (MPFR reduces huge arguments exactly).
  friend Real sin(const Real& a) {
    Real r = result_for(a);
    mpfr_sin(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  friend Real cos(const Real& a) {
    Real r = result_for(a);
    mpfr_cos(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  // pow(x, y) = x^y, one rounding; C99 special cases (pow(x, 0) = 1).
  friend Real pow(const Real& x, const Real& y) {
    Real r = result_for(x, y);
    mpfr_pow(r.data(), x.data(), y.data(), MPFR_RNDN);
    return r;
  }
  // fma(a, b, c) = a*b + c with one rounding.
  friend Real fma(const Real& a, const Real& b, const Real& c) {
    Real r = result_for(a, b, c);
    mpfr_fma(r.data(), a.data(), b.data(), c.data(), MPFR_RNDN);
    return r;
  }
  // abs(a) = fabs(a) = |a|, exact.
  friend Real abs(const Real& a) {
    Real r = result_for(a);
    mpfr_abs(r.data(), a.data(), MPFR_RNDN);
    return r;
  }
  friend Real fabs(const Real& a) { return abs(a); }
  // max(a, b), min(a, b): the larger/smaller, exact; NaN if either is NaN
  // (unlike fmax/fmin and mpfr_max, which drop a NaN operand).
  friend Real max(const Real& a, const Real& b) {
    Real r = result_for(a, b);
    if (mpfr_unordered_p(a.data(), b.data()) != 0) {
      mpfr_set_nan(r.data());
    } else {
      mpfr_max(r.data(), a.data(), b.data(), MPFR_RNDN);
    }
    return r;
  }
  friend Real min(const Real& a, const Real& b) {
    Real r = result_for(a, b);
    if (mpfr_unordered_p(a.data(), b.data()) != 0) {
      mpfr_set_nan(r.data());
    } else {
      mpfr_min(r.data(), a.data(), b.data(), MPFR_RNDN);
    }
    return r;
  }
  // ldexp(x, e) = x * 2^e, exact within MPFR's exponent range.
  friend Real ldexp(const Real& x, long e) {
    Real r = result_for(x);
    mpfr_mul_2si(r.data(), x.data(), e, MPFR_RNDN);
    return r;
  }

  friend bool isfinite(const Real& a) { return mpfr_number_p(a.data()) != 0; }
  friend bool isnan(const Real& a) { return mpfr_nan_p(a.data()) != 0; }
  friend bool isinf(const Real& a) { return mpfr_inf_p(a.data()) != 0; }
  friend bool signbit(const Real& a) { return mpfr_signbit(a.data()) != 0; }
};

}  // namespace detail

// A binary floating-point number of exactly Bits bits, rounded to nearest.
template <int Bits>
class Mpfr : public detail::MpfrArithmetic<Mpfr<Bits>> {
  static_assert(Bits >= 2 && Bits <= kMaxMpfrBits,
                "Mpfr<Bits>: the precision must be in [2, kMaxMpfrBits] bits");

 public:
  static constexpr int bits = Bits;

  // +0.
  Mpfr() noexcept { init(); }
  // v rounded once to Bits bits (RNDN).
  explicit Mpfr(double v) noexcept : Mpfr() { mpfr_set_d(value_, v, MPFR_RNDN); }
  explicit Mpfr(float v) noexcept : Mpfr() { mpfr_set_flt(value_, v, MPFR_RNDN); }
  explicit Mpfr(int v) noexcept : Mpfr() { mpfr_set_si(value_, v, MPFR_RNDN); }
  explicit Mpfr(long v) noexcept : Mpfr() { mpfr_set_si(value_, v, MPFR_RNDN); }

  // The decimal number, correctly rounded (InputError on bad text).
  static Mpfr from_string(std::string_view decimal) {
    Mpfr r;
    detail::set_decimal(r.value_, decimal, MPFR_RNDN);
    return r;
  }
  // num/den, correctly rounded (InputError when den == 0).
  static Mpfr from_ratio(long num, long den) {
    Mpfr r;
    detail::set_ratio(r.value_, num, den, MPFR_RNDN);
    return r;
  }

  // The result of a binary operator (a + b, a * b, ...), computed straight
  // into this value.
  template <detail::MpfrBinary Op>
  Mpfr(detail::MpfrDeferred<Mpfr, Op>&& result) noexcept : Mpfr() {  // NOLINT(google-explicit-constructor)
    std::move(result).into(value_);
  }
  template <detail::MpfrBinary Op>
  Mpfr& operator=(detail::MpfrDeferred<Mpfr, Op>&& result) noexcept {
    std::move(result).into(value_);
    return *this;
  }

  // Copy and move take o's sign, exponent and limbs as they are: the same
  // value exactly (equal precisions), without a call into MPFR. The
  // limbs live inside the object, so there is nothing to steal; copying
  // ceil(Bits/64) limbs is what a move costs, which is why the operators
  // defer (above).
  Mpfr(const Mpfr& o) noexcept : Mpfr() { take(o); }
  Mpfr(Mpfr&& o) noexcept : Mpfr() { take(o); }
  Mpfr& operator=(const Mpfr& o) noexcept {
    if (this != &o) take(o);
    return *this;
  }
  Mpfr& operator=(Mpfr&& o) noexcept {
    if (this != &o) take(o);
    return *this;
  }
  ~Mpfr() = default;  // the limbs are part of the object

  mpfr_srcptr data() const { return value_; }
  mpfr_ptr data() { return value_; }

 private:
  friend class detail::MpfrArithmetic<Mpfr>;
  static constexpr bool kDeferredResults = true;
  template <class... Operands>
  static Mpfr result_for(const Operands&...) {
    return Mpfr();
  }
  void widen_for(const Mpfr&) {}

  void init() { mpfr_custom_init_set(value_, MPFR_ZERO_KIND, 0, Bits, limbs_); }
  // Field by field and limb by limb, in the widths MPFR stores them: a
  // 16-byte copy of a value MPFR has just written would wait for its
  // narrower stores (a store-forwarding stall that costs more than the
  // copy). The precision and the significand pointer stay this object's.
  void take(const Mpfr& o) noexcept {
    value_->_mpfr_sign = o.value_->_mpfr_sign;
    value_->_mpfr_exp = o.value_->_mpfr_exp;
    if (mpfr_regular_p(o.value_)) copy_limbs(o);  // zero, inf and NaN have no limbs to copy
  }
  void copy_limbs(const Mpfr& o) noexcept {
    for (int k = 0; k < kLimbs; ++k) {
      mp_limb_t limb = o.limbs_[k];
      asm("" : "+r"(limb));  // one general register per limb: not vectorised
      limbs_[k] = limb;
    }
  }

  static constexpr int kLimbs = (Bits + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS;
  mpfr_t value_;
  mp_limb_t limbs_[kLimbs];
};

// A binary floating-point number whose precision is chosen per value at run
// time; results take the largest precision of their operands.
class MpfrReal : public detail::MpfrArithmetic<MpfrReal> {
 public:
  // "No value yet": NaN at MPFR_PREC_MIN (note 3). Never allocates.
  MpfrReal() noexcept { detail::init_storage(value_, &own_limb_, MPFR_PREC_MIN); }
  // v rounded once to prec bits (RNDN). InputError unless 2 <= prec <= 2^16.
  explicit MpfrReal(double v, long prec) : MpfrReal(detail::checked_precision(prec), Raw{}) {
    mpfr_set_d(value_, v, MPFR_RNDN);
  }
  explicit MpfrReal(long v, long prec) : MpfrReal(detail::checked_precision(prec), Raw{}) {
    mpfr_set_si(value_, v, MPFR_RNDN);
  }
  // (Without this, MpfrReal(1, 53) would be ambiguous between the two above.)
  explicit MpfrReal(int v, long prec) : MpfrReal(static_cast<long>(v), prec) {}

  // The decimal number correctly rounded to prec bits (InputError on bad text).
  static MpfrReal from_string(std::string_view decimal, long prec) {
    MpfrReal r(detail::checked_precision(prec), Raw{});
    detail::set_decimal(r.value_, decimal, MPFR_RNDN);
    return r;
  }
  // num/den correctly rounded to prec bits (InputError when den == 0).
  static MpfrReal from_ratio(long num, long den, long prec) {
    MpfrReal r(detail::checked_precision(prec), Raw{});
    detail::set_ratio(r.value_, num, den, MPFR_RNDN);
    return r;
  }
  // x exactly: its value and its precision (whatever that is).
  static MpfrReal exact_copy(mpfr_srcptr x) {
    MpfrReal r(mpfr_get_prec(x), Raw{});
    mpfr_set(r.value_, x, MPFR_RNDN);
    return r;
  }

  MpfrReal(const MpfrReal& o) : MpfrReal(mpfr_get_prec(o.value_), Raw{}) {
    mpfr_set(value_, o.value_, MPFR_RNDN);
  }
  MpfrReal(MpfrReal&& o) noexcept {
    detail::move_storage(value_, &own_limb_, o.value_, &o.own_limb_);
  }
  // Value and precision of o, exactly; no allocation when precisions match.
  MpfrReal& operator=(const MpfrReal& o) {
    detail::copy_storage(value_, &own_limb_, o.value_);
    return *this;
  }
  MpfrReal& operator=(MpfrReal&& o) noexcept {
    if (this != &o) {
      detail::free_storage(value_, &own_limb_);
      detail::move_storage(value_, &own_limb_, o.value_, &o.own_limb_);
    }
    return *this;
  }
  ~MpfrReal() { detail::free_storage(value_, &own_limb_); }

  mpfr_srcptr data() const { return value_; }
  mpfr_ptr data() { return value_; }

 private:
  friend class detail::MpfrArithmetic<MpfrReal>;
  // Its binary operators return the value (the precision of the result is
  // known only then).
  static constexpr bool kDeferredResults = false;
  struct Raw {};
  // NaN at precision p (unchecked: p comes from existing values or was checked).
  MpfrReal(mpfr_prec_t p, Raw) { detail::init_storage(value_, &own_limb_, p); }

  static MpfrReal result_for(const MpfrReal& a) { return MpfrReal(mpfr_get_prec(a.value_), Raw{}); }
  static MpfrReal result_for(const MpfrReal& a, const MpfrReal& b) {
    return MpfrReal(std::max(mpfr_get_prec(a.value_), mpfr_get_prec(b.value_)), Raw{});
  }
  static MpfrReal result_for(const MpfrReal& a, const MpfrReal& b, const MpfrReal& c) {
    return MpfrReal(
        std::max({mpfr_get_prec(a.value_), mpfr_get_prec(b.value_), mpfr_get_prec(c.value_)}),
        Raw{});
  }
  void widen_for(const MpfrReal& b) {
    detail::widen_storage(value_, &own_limb_, mpfr_get_prec(b.value_));
  }

  mpfr_t value_;
  mp_limb_t own_limb_ = 0;  // the significand of values of <= 64 bits
};

// MPFR keeps per-thread caches (constants, exp tables) that a thread must
// free itself before it ends; a worker thread that computes with MPFR holds
// one of these for its lifetime.
class MpfrThreadCacheGuard {
 public:
  MpfrThreadCacheGuard() = default;
  ~MpfrThreadCacheGuard() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }
  MpfrThreadCacheGuard(const MpfrThreadCacheGuard&) = delete;
  MpfrThreadCacheGuard& operator=(const MpfrThreadCacheGuard&) = delete;
};

}  // namespace glasses::numerics
