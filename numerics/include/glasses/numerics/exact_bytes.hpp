// Exact bytes of multiprecision values, for rows that travel between the
// processes sharing one forward (parallel.hpp's RowGroup). A value is its
// MPFR kind and sign, exponent, precision and limbs, read and restored
// through MPFR's documented custom interface (mpfr_custom_*), so that the
// value restored is the value sent, bit for bit, NaN, infinities and signed
// zeros included. Both ends are the same build on the same kind of machine
// (limb size and byte order are not converted).
#pragma once

#include <gmp.h>
#include <mpfr.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/numerics/mpfr.hpp"

namespace glasses::numerics {

namespace detail {
struct ExactHeader {
  std::int32_t kind;  // mpfr_custom_get_kind: ±(MPFR_NAN_KIND … MPFR_REGULAR_KIND), negative when negative
  std::int64_t exponent;
  std::int64_t precision;
};

inline std::size_t limb_count(std::int64_t precision) {
  return static_cast<std::size_t>((precision + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS);
}

inline void append_exact(std::string& out, mpfr_srcptr x) {
  ExactHeader h{};
  h.kind = static_cast<std::int32_t>(mpfr_custom_get_kind(x));
  h.precision = mpfr_get_prec(x);
  const bool regular = h.kind == MPFR_REGULAR_KIND || h.kind == -MPFR_REGULAR_KIND;
  h.exponent = regular ? mpfr_custom_get_exp(x) : 0;
  out.append(reinterpret_cast<const char*>(&h), sizeof h);
  if (regular) {
    out.append(static_cast<const char*>(mpfr_custom_get_significand(x)), limb_count(h.precision) * sizeof(mp_limb_t));
  }
}

// Restores into x (whose precision must be the value's) and returns the
// bytes after the value.
inline std::string_view read_exact(std::string_view in, mpfr_ptr x) {
  ExactHeader h{};
  if (in.size() < sizeof h) throw Error("exact bytes: a value is cut short");
  std::memcpy(&h, in.data(), sizeof h);
  in.remove_prefix(sizeof h);
  if (h.precision != mpfr_get_prec(x)) {
    throw Error("exact bytes: a value of " + std::to_string(h.precision) + " bits for a " +
                std::to_string(mpfr_get_prec(x)) + "-bit destination");
  }
  const int sign = h.kind < 0 ? -1 : 1;
  switch (h.kind * sign) {
    case MPFR_NAN_KIND: mpfr_set_nan(x); return in;
    case MPFR_INF_KIND: mpfr_set_inf(x, sign); return in;
    case MPFR_ZERO_KIND: mpfr_set_zero(x, sign); return in;
    case MPFR_REGULAR_KIND: break;
    default: throw Error("exact bytes: unknown kind " + std::to_string(h.kind));
  }
  const std::size_t limbs = limb_count(h.precision);
  if (in.size() < limbs * sizeof(mp_limb_t)) throw Error("exact bytes: a significand is cut short");
  // The bytes may not be aligned for limbs: copied out (on the stack up to 4096 bits).
  std::array<mp_limb_t, 64> small;
  std::vector<mp_limb_t> large(limbs > small.size() ? limbs : 0);
  mp_limb_t* significand = limbs > small.size() ? large.data() : small.data();
  std::memcpy(significand, in.data(), limbs * sizeof(mp_limb_t));
  in.remove_prefix(limbs * sizeof(mp_limb_t));
  mpfr_t view;
  mpfr_custom_init_set(view, h.kind, static_cast<mpfr_exp_t>(h.exponent), static_cast<mpfr_prec_t>(h.precision),
                       significand);
  mpfr_set(x, view, MPFR_RNDN);  // same precision: exact
  return in;
}
}  // namespace detail

// Whether rows of T can travel as exact bytes (the MPFR-based types).
template <class T>
inline constexpr bool kExactBytes = std::is_same_v<T, MpfrReal> || std::is_same_v<T, Interval>;

// Appends the exact bytes of x[0..n).
template <class T>
void append_exact(std::string& out, const T* x, std::size_t n) {
  static_assert(kExactBytes<T>, "exact bytes exist for MpfrReal and Interval only");
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, MpfrReal>) {
      detail::append_exact(out, x[i].data());
    } else {
      detail::append_exact(out, &x[i].data()->left);
      detail::append_exact(out, &x[i].data()->right);
    }
  }
}

// Restores x[0..n) (each already at the precision sent) from `in`; returns what follows.
template <class T>
std::string_view read_exact(std::string_view in, T* x, std::size_t n) {
  static_assert(kExactBytes<T>, "exact bytes exist for MpfrReal and Interval only");
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, MpfrReal>) {
      in = detail::read_exact(in, x[i].data());
    } else {
      in = detail::read_exact(in, &x[i].data()->left);
      in = detail::read_exact(in, &x[i].data()->right);
    }
  }
  return in;
}

}  // namespace glasses::numerics
