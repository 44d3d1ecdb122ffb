// The kernels of the forward pass: one templated set for every scalar type,
// with one fixed evaluation order.
//
// What is guaranteed
// ------------------
// Each kernel performs the same sequence of elementary operations (+ - * /
// sqrt exp tanh erf sin cos pow) on every scalar type, in the order written
// in its comment, so runs in different types differ by rounding and nothing
// else. Sums run left to right from the first term (Σ_{i<n} t_i =
// (((t_0 + t_1) + t_2) + …)); no sum is split, reordered or fused, unless
// the policy gives the sum's site another SumOrder (policy.hpp), which
// `reduce` below then follows on every type. After each
// operation the result is handed to the site rounder: a no-op for uniform
// runs, a rounding into the site's format for site policies (policy.hpp).
//
// Scalars are handled in place with scratch values (`p = a; p *= b;`) so
// that multiprecision types allocate nothing in inner loops. Generic code
// never names float or double; constants come from ScalarTraits.
//
// Speed: for float and Emulated bf16/fp16, the products of the projections
// and of attention (`matvec`, `dot_rows`, `combine_rows`) may go to the
// vector kernels of fast_matvec.hpp, which compute 16 outputs per vector
// and, output by output, the same operations in the same order as `dot`:
// the same bits, with nothing split or reordered.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "glasses/model/config.hpp"
#include "glasses/model/fast_matvec.hpp"
#include "glasses/model/policy.hpp"
#include "glasses/model/weights.hpp"
#include "glasses/numerics/bulk_round.hpp"
#include "glasses/numerics/scalar_traits.hpp"

namespace glasses::model {

// A site rounder has `active` (whether it may change values) and rounds one
// value, round(site, x), or n values in order, round(site, x, n).
//
// Uniform runs: rounding at sites does nothing and compiles to nothing.
struct NoSiteRounding {
  static constexpr bool active = false;
  template <class T>
  void operator()(Site, T&) {}
  template <class T>
  void operator()(Site, T*, std::size_t) {}
};

// Site policies: rounds each result into its site's format when that
// differs from the carrier type's own format.
template <class T>
class SiteRounding {
 public:
  static constexpr bool active = true;
  using Traits = numerics::ScalarTraits<T>;

  SiteRounding(const Policy& policy, const typename Traits::Context& ctx, std::uint64_t seed) {
    const numerics::Format carrier = Traits::format(ctx);
    for (std::size_t i = 0; i < kSiteCount; ++i) {
      formats_[i] = policy.sites[i].format;
      modes_[i] = policy.sites[i].rounding;
      needed_[i] = !(formats_[i] == carrier && modes_[i] == numerics::Rounding::near_even);
    }
    seed_ = seed;
    rc_.random.state = seed;
  }
  // Restarts the stochastic stream from a key that identifies the step
  // (position prefix, layer, phase), so each step draws the same random
  // bits whichever driver runs it and in whatever order.
  void reseed(std::uint64_t key) { rc_.random.state = seed_ ^ key; }
  void operator()(Site s, T& x) {
    const auto i = static_cast<std::size_t>(s);
    if (!needed_[i]) return;
    rc_.mode = modes_[i];
    Traits::round_to(formats_[i], rc_, x);
  }
  // x_0 … x_(n-1) in order: what n calls of the above do, float and double
  // carriers through numerics::round_array (vectorised; the same values and
  // the same random stream).
  void operator()(Site s, T* x, std::size_t n) {
    const auto i = static_cast<std::size_t>(s);
    if (!needed_[i]) return;
    rc_.mode = modes_[i];
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const bool bulk = std::is_same_v<T, float> ? numerics::fits_binary32(formats_[i]) : formats_[i].p <= 53;
      if (bulk) {
        numerics::round_array(formats_[i], std::span<const T>(x, n), std::span<T>(x, n), rc_);
        return;
      }
    }
    for (std::size_t k = 0; k < n; ++k) Traits::round_to(formats_[i], rc_, x[k]);
  }
  // The format a site rounds into (for rounding double inputs directly),
  // and in which mode.
  const numerics::Format& format(Site s) const { return formats_[static_cast<std::size_t>(s)]; }
  numerics::Rounding mode(Site s) const { return modes_[static_cast<std::size_t>(s)]; }
  bool needed(Site s) const { return needed_[static_cast<std::size_t>(s)]; }
  numerics::RoundingContext& context() { return rc_; }

 private:
  std::array<numerics::Format, kSiteCount> formats_{};
  std::array<numerics::Rounding, kSiteCount> modes_{};
  std::array<bool, kSiteCount> needed_{};
  numerics::RoundingContext rc_{};
  std::uint64_t seed_ = 0;
};

// A hash of a sequence prefix: h_t = mix(h_(t-1), token_t), the token being
// an id or the bits of a raw row.
inline std::uint64_t mix_hash(std::uint64_t h, std::uint64_t token) {
  numerics::SplitMix64 m{h ^ (token * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull)};
  return m.next();
}

// The environment of a computation in T: the context for making constants,
// the site rounder, and which compilation of the vector kernels runs
// (fast_matvec.hpp; the bits do not depend on it).
template <class T, class R>
struct Env {
  using Traits = numerics::ScalarTraits<T>;
  typename Traits::Context ctx;
  R& round;
  PackedKernel kernel = PackedKernel::automatic();
  std::array<SumOrder, kSiteCount> orders{};  // the summation order of each site's sums

  const SumOrder& order(Site site) const { return orders[static_cast<std::size_t>(site)]; }

  // 0, 1, 2 and 1/2: exact in every format, so no site rounds them. Every
  // other constant must name its site (constant below).
  T zero() const { return Traits::from_ratio(ctx, 0, 1); }
  T one() const { return Traits::from_ratio(ctx, 1, 1); }
  T two() const { return Traits::from_ratio(ctx, 2, 1); }
  T half() const { return Traits::from_ratio(ctx, 1, 2); }
  // A constant that enters the computation at `site` (a position, θ's
  // exponent, √d_h's radicand): n/d into T, then rounded into the site's
  // format, so that a site policy on a wider carrier holds the value
  // Emulated<F> makes instead of keeping the carrier's precision.
  T constant(Site site, long numerator, long denominator = 1) {
    T x = Traits::from_ratio(ctx, numerator, denominator);
    round(site, x);
    return x;
  }

  // Restarts stochastic rounding for one step (no-op without site rounding).
  void reseed(std::uint64_t prefix_hash, int layer, int phase) {
    if constexpr (R::active) {
      round.reseed(mix_hash(mix_hash(prefix_hash, static_cast<std::uint64_t>(layer + 1)), static_cast<std::uint64_t>(phase)));
    }
  }
  T from_double(double x) const { return Traits::from_double(ctx, x); }

  // A double input (weight, row) brought into T: rounded straight into the
  // site's format (one rounding from the double), then held exactly in T.
  T input(Site site, double x) {
    if constexpr (R::active) {
      if (round.needed(site)) {
        numerics::RoundingContext& rc = round.context();
        rc.mode = round.mode(site);  // the site's own mode, not the last one used
        return Traits::from_double(ctx, numerics::round(round.format(site), x, rc));
      }
    }
    return Traits::from_double(ctx, x);
  }
};

// out = a · b, one rounding, without temporaries (MPFR multiplies straight
// into out instead of copying a first).
template <class T>
void mul_into(T& out, const T& a, const T& b) {
  out = a;
  out *= b;
}
namespace detail {
// out at precision prec, reusing its limbs when it has that precision.
inline void set_precision(numerics::MpfrReal& out, mpfr_prec_t prec) {
  if (mpfr_get_prec(out.data()) != prec) out = numerics::MpfrReal(0L, prec);
}
}  // namespace detail
inline void mul_into(numerics::MpfrReal& out, const numerics::MpfrReal& a, const numerics::MpfrReal& b) {
  detail::set_precision(out, std::max(mpfr_get_prec(a.data()), mpfr_get_prec(b.data())));
  mpfr_mul(out.data(), a.data(), b.data(), MPFR_RNDN);
}

// out = w · b for a weight w held as binary32 or binary64 (WeightMatrix):
// the value of w in T is w itself (the weights site rounded it when the
// model was prepared), so this is mul_into(out, T(w), b) without making
// T(w) -- for MPFR a single mpfr_mul_d.
template <class T>
void mul_weight(T& out, double w, const T& b, const typename numerics::ScalarTraits<T>::Context& ctx) {
  out = numerics::ScalarTraits<T>::from_double(ctx, w);
  out *= b;
}
// For MPFR, w = m · 2^e with an integer |m| < 2^53: out = (b · m) · 2^e,
// mpfr_mul_si then an exact scaling, is mpfr_mul_d(out, b, w) with the
// same single rounding (a power of two commutes with it), without
// mpfr_mul_d's conversion of w and its general mixed-precision multiply
// (about 20% less time for a multiply-add at 256 bits). Zero, inf and NaN
// weights, and b near MPFR's exponent limits, take mpfr_mul_d.
inline void mul_weight(numerics::MpfrReal& out, double w, const numerics::MpfrReal& b,
                       const numerics::ScalarTraits<numerics::MpfrReal>::Context&) {
  detail::set_precision(out, mpfr_get_prec(b.data()));
  int e = 0;
  const double f = std::frexp(w, &e);  // w = f · 2^e, 1/2 <= |f| < 1 for finite w != 0
  constexpr mpfr_exp_t kFar = mpfr_exp_t{1} << 24;
  if (w == 0 || !std::isfinite(w) || (mpfr_regular_p(b.data()) && (mpfr_get_exp(b.data()) > kFar ||
                                                                    mpfr_get_exp(b.data()) < -kFar))) {
    mpfr_mul_d(out.data(), b.data(), w, MPFR_RNDN);
    return;
  }
  mpfr_mul_si(out.data(), b.data(), static_cast<long>(std::ldexp(f, 53)), MPFR_RNDN);
  mpfr_mul_2si(out.data(), out.data(), e - 53, MPFR_RNDN);
}

// Asks the cache for the limbs of x[0..n) (MPFR values keep them on the
// heap, one allocation each, so a walk over a row of keys would otherwise
// wait on every one); nothing for other types.
template <class T>
void prefetch_limbs(const T*, std::size_t) {}
inline void prefetch_limbs(const numerics::MpfrReal* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) __builtin_prefetch(x[i].data()->_mpfr_d);
}

// out = a / b, out = -a, out = exp(a): one rounding each (none for -a), and
// out may be the operand (MPFR computes straight into out, in place, where
// the operators would allocate the result).
template <class T>
void div_into(T& out, const T& a, const T& b) {
  out = a / b;
}
template <class T>
void neg_into(T& out, const T& a) {
  out = -a;
}
template <class T>
void exp_into(T& out, const T& a) {
  using numerics::exp;
  out = exp(a);
}
inline void div_into(numerics::MpfrReal& out, const numerics::MpfrReal& a, const numerics::MpfrReal& b) {
  detail::set_precision(out, std::max(mpfr_get_prec(a.data()), mpfr_get_prec(b.data())));
  mpfr_div(out.data(), a.data(), b.data(), MPFR_RNDN);
}
inline void neg_into(numerics::MpfrReal& out, const numerics::MpfrReal& a) {
  detail::set_precision(out, mpfr_get_prec(a.data()));
  mpfr_neg(out.data(), a.data(), MPFR_RNDN);
}
inline void exp_into(numerics::MpfrReal& out, const numerics::MpfrReal& a) {
  detail::set_precision(out, mpfr_get_prec(a.data()));
  mpfr_exp(out.data(), a.data(), MPFR_RNDN);
}

namespace detail {
// Σ t[lo, lo+m) into t[lo] by recursive halving (SumOrder pairwise).
template <class T, class R>
void pairwise_sum(Env<T, R>& env, Site site, T* t, std::size_t m) {
  if (m == 1) return;
  const std::size_t left = (m + 1) / 2;
  pairwise_sum(env, site, t, left);
  pairwise_sum(env, site, t + left, m - left);
  t[0] += t[left];
  env.round(site, t[0]);
}
// Σ t[0, m) left to right into t[0].
template <class T, class R>
void sequential_sum(Env<T, R>& env, Site site, T* t, std::size_t m) {
  for (std::size_t i = 1; i < m; ++i) {
    t[0] += t[i];
    env.round(site, t[0]);
  }
}
}  // namespace detail

// out = Σ_{i<n} t_i in the order env gives `site` (SumOrder, policy.hpp),
// every partial sum rounded at `site`; term(r, i) sets r = t_i, already
// rounded. n >= 1. `p` is scratch. Sequential: out = t_0, then p = t_i,
// out = out + p for i = 1 … n-1 (the terms made in turn, so a stochastic
// stream draws in the same order as before orders existed). The other
// orders make all n terms first, in order i = 0 … n-1, then sum them.
template <class T, class R, class Term>
void reduce(Env<T, R>& env, Site site, std::size_t n, Term&& term, T& out, T& p) {
  using Kind = SumOrder::Kind;
  const SumOrder& order = env.order(site);
  if (order.kind == Kind::sequential) {
    term(out, 0);
    for (std::size_t i = 1; i < n; ++i) {
      term(p, i);
      out += p;
      env.round(site, out);
    }
    return;
  }
  if (order.kind == Kind::kahan) {
    // S = t_0, c = 0; then y = t_i − c; u = S + y; c = (u − S) − y; S = u.
    term(out, 0);
    T c = env.zero(), y = out, u = out;
    for (std::size_t i = 1; i < n; ++i) {
      term(p, i);
      y = p;
      y -= c;
      env.round(site, y);
      u = out;
      u += y;
      env.round(site, u);
      c = u;
      c -= out;
      env.round(site, c);
      c -= y;
      env.round(site, c);
      out = u;
    }
    return;
  }
  std::vector<T> t(n, out);
  for (std::size_t i = 0; i < n; ++i) term(t[i], i);
  if (order.kind == Kind::pairwise) {
    detail::pairwise_sum(env, site, t.data(), n);
  } else {
    // blocked:k, or splitk:s as blocks of ⌈n/s⌉: each block into its first
    // term, then the block sums left to right.
    const std::size_t block = order.kind == Kind::blocked ? order.k : (n + order.k - 1) / order.k;
    for (std::size_t b = 0; b < n; b += block) detail::sequential_sum(env, site, t.data() + b, std::min(block, n - b));
    for (std::size_t b = block; b < n; b += block) {
      t[0] += t[b];
      env.round(site, t[0]);
    }
  }
  out = t[0];
}

// out = Σ_{i<n} a_i b_i in the site's order (reduce); products and partial
// sums rounded at `site`. n >= 1. `p` is scratch. a may be a row of weights
// as stored (binary32 or binary64, exactly their values in T).
template <class T, class R, class A>
void dot(Env<T, R>& env, Site site, const A* a, const T* b, std::size_t n, T& out, T& p) {
  reduce(
      env, site, n,
      [&](T& r, std::size_t i) {
        if constexpr (std::is_same_v<A, T>) {
          mul_into(r, a[i], b[i]);
        } else {
          mul_weight(r, static_cast<double>(a[i]), b[i], env.ctx);
        }
        env.round(site, r);
      },
      out, p);
}

// The rounding R with which the vector kernels (fast_matvec.hpp) compute
// what `dot` computes in T at `site`: none for float (or a site of a float
// carrier that does not round), bf16 or fp16 to nearest even; nullopt when
// they cannot (other types, formats or modes) or the Env asks for none.
template <class T, class R>
std::optional<PackedRounding> packed_rounding(const Env<T, R>& env, Site site) {
  if constexpr (!PackedScalar<T>::served) {
    return std::nullopt;
  } else {
    if (!resolve(env.kernel) || !env.order(site).sequential()) return std::nullopt;  // they sum in sequence
    if constexpr (R::active) {  // float carrier of a site policy
      if (env.round.needed(site)) return packed_rounding_for(env.round.format(site), env.round.mode(site));
    }
    return PackedScalar<T>::rounding;
  }
}

namespace detail {
// n values of a served T as binary32 (exact), rows j < m taken at a stride:
// the array itself for float, else a copy in `buffer` (stride n).
template <class T>
const float* as_floats(const T* x, std::size_t stride, std::size_t m, std::size_t n, std::vector<float>& buffer) {
  if constexpr (std::is_same_v<T, float>) {
    return x;
  } else {
    buffer.resize(m * n);
    for (std::size_t j = 0; j < m; ++j) {
      for (std::size_t i = 0; i < n; ++i) buffer[j * n + i] = PackedScalar<T>::to_float(x[j * stride + i]);
    }
    return buffer.data();
  }
}
// Runs kernel(out) with out = y itself for float, else a binary32 buffer
// copied into y afterwards (exact).
template <class T, class Kernel>
void into(T* y, std::size_t n, Kernel kernel) {
  if constexpr (std::is_same_v<T, float>) {
    kernel(y);
  } else {
    std::vector<float> out(n);
    kernel(out.data());
    for (std::size_t i = 0; i < n; ++i) y[i] = PackedScalar<T>::from_float(out[i]);
  }
}
}  // namespace detail

// y_r = Σ_c W_rc x_c for every row r of W's packed copy, each exactly as
// `dot` at `site` computes it, by the vector kernels: when packed_rounding
// allows and W has a packed copy. Returns false, having done nothing,
// otherwise.
template <class T, class R>
bool dot_rows(Env<T, R>& env, Site site, const PackedMatrix& W, const T* x, T* y) {
  if constexpr (!PackedScalar<T>::served) {
    return false;
  } else {
    const std::optional<PackedRounding> rounding = packed_rounding(env, site);
    if (!rounding || W.empty()) return false;
    std::vector<float> xf;
    const float* xs = detail::as_floats(x, W.cols, 1, W.cols, xf);
    detail::into(y, W.rows, [&](float* out) { packed_dot_rows(env.kernel, *rounding, W, xs, out); });
    return true;
  }
}

// The same for rows first … first+m-1 of packed rows K (the keys of an
// attention head): y_j = Σ_i K_(first+j),i x_i.
template <class T, class R>
bool dot_rows(Env<T, R>& env, Site site, const PackedRows& K, std::size_t first, std::size_t m, const T* x, T* y) {
  if constexpr (!PackedScalar<T>::served) {
    return false;
  } else {
    const std::optional<PackedRounding> rounding = packed_rounding(env, site);
    if (!rounding || K.rows == 0) return false;
    std::vector<float> xf;
    const float* xs = detail::as_floats(x, K.cols, 1, K.cols, xf);
    detail::into(y, m, [&](float* out) { packed_dot_rows(env.kernel, *rounding, K, first, m, xs, out); });
    return true;
  }
}

// Row r of packed rows K := row (n values of T), for the types the vector
// kernels serve; nothing otherwise.
template <class T>
void pack_row(PackedRows& K, std::size_t r, const T* row, std::size_t n) {
  if constexpr (PackedScalar<T>::served) {
    std::vector<float> buffer;
    set_row(K, r, detail::as_floats(row, n, 1, n, buffer), n);
  }
}

// o_i = Σ_j a_j V_ji for i < n (row j of V at V + j·stride, m >= 1 terms),
// over j in sum_site's order (reduce; sequential: o_i = a_0 V_0i;
// p = a_j V_ji;  o_i = o_i + p), products and partial sums at `sum_site`,
// o_i rounded at `store_site`. The sequential sums may come from the vector
// kernels, when packed_rounding allows, with the same bits.
template <class T, class R>
void combine_rows(Env<T, R>& env, Site sum_site, Site store_site, const T* a, const T* V, std::size_t stride,
                  std::size_t m, std::size_t n, T* o, T& p) {
  if constexpr (PackedScalar<T>::served) {
    if (const std::optional<PackedRounding> rounding = packed_rounding(env, sum_site)) {
      std::vector<float> af, vf;
      const float* as = detail::as_floats(a, m, 1, m, af);
      const float* vs = detail::as_floats(V, stride, m, n, vf);
      const std::size_t v_stride = std::is_same_v<T, float> ? stride : n;
      detail::into(o, n,
                   [&](float* out) { strided_combine_rows(env.kernel, *rounding, as, vs, v_stride, m, n, out); });
      // The sums rounded to nearest (no random draws): the stores together.
      env.round(store_site, o, n);
      return;
    }
  }
  if (!R::active && env.order(sum_site).sequential()) {
    // No rounder, so no random stream whose order matters: the same sums,
    // each still left to right over j, with V read row by row (for MPFR
    // types a column walk misses the cache on every value's limbs).
    for (std::size_t j = 0; j < m; ++j) {
      for (std::size_t i = 0; i < n; ++i) {
        if (j == 0) {
          mul_into(o[i], a[0], V[i]);
        } else {
          mul_into(p, a[j], V[j * stride + i]);
          o[i] += p;
        }
      }
    }
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    reduce(
        env, sum_site, m,
        [&](T& r, std::size_t j) {
          mul_into(r, a[j], V[j * stride + i]);
          env.round(sum_site, r);
        },
        o[i], p);
    env.round(store_site, o[i]);
  }
}

namespace detail {
// Runs kernel(xs) on the n values of x as binary32, in place (exact both
// ways for a served T): x itself for float, else through a buffer.
template <class T, class Kernel>
void on_floats(T* x, std::size_t n, Kernel kernel) {
  if constexpr (std::is_same_v<T, float>) {
    kernel(x);
  } else {
    std::vector<float> buffer(n);
    for (std::size_t i = 0; i < n; ++i) buffer[i] = PackedScalar<T>::to_float(x[i]);
    kernel(buffer.data());
    for (std::size_t i = 0; i < n; ++i) x[i] = PackedScalar<T>::from_float(buffer[i]);
  }
}
}  // namespace detail

// x_i = x_i - c, rounded at `site`, for i < n by the vector kernels, when
// packed_rounding allows (it never draws random bits). Returns false,
// having done nothing, otherwise.
template <class T, class R>
bool shift_row(Env<T, R>& env, Site site, T* x, std::size_t n, const T& c) {
  if constexpr (!PackedScalar<T>::served) {
    return false;
  } else {
    const std::optional<PackedRounding> rounding = packed_rounding(env, site);
    if (!rounding) return false;
    const float cf = PackedScalar<T>::to_float(c);
    detail::on_floats(x, n, [&](float* xs) { packed_shift(env.kernel, *rounding, xs, n, cf); });
    return true;
  }
}

// x_i = x_i / z at `site` for i < n by the vector kernels: float carriers
// whose site does not round (binary32 division is the loop's). Returns
// false, having done nothing, otherwise.
template <class T, class R>
bool divide_row(Env<T, R>& env, Site site, T* x, std::size_t n, const T& z) {
  if constexpr (!std::is_same_v<T, float>) {
    return false;
  } else {
    if (packed_rounding(env, site) != PackedRounding::none) return false;
    packed_divide(env.kernel, x, n, z);
    return true;
  }
}

// The last step of a norm (normalize): y_i = x_i · s, then · g_i (when g
// is not empty), then + b_i (when b is not empty), each rounded at `norm`,
// by the vector kernels when packed_rounding allows. Returns false, having
// done nothing, otherwise. The caller rounds the stores.
template <class T, class R>
bool scale_row(Env<T, R>& env, const T* x, std::size_t n, const T& s, const Vector<T>& g, const Vector<T>& b,
               T* y) {
  if constexpr (!PackedScalar<T>::served) {
    return false;
  } else {
    const std::optional<PackedRounding> rounding = packed_rounding(env, Site::norm);
    if (!rounding) return false;
    std::vector<float> gf, bf;
    const float* gs = g.empty() ? nullptr : detail::as_floats(g.data(), n, 1, n, gf);
    const float* bs = b.empty() ? nullptr : detail::as_floats(b.data(), n, 1, n, bf);
    if (x != y) std::copy(x, x + n, y);
    const float sf = PackedScalar<T>::to_float(s);
    detail::on_floats(y, n, [&](float* ys) { packed_scale(env.kernel, *rounding, ys, n, sf, gs, bs, ys); });
    return true;
  }
}

// y_r = (Σ_c W_rc x_c) + b_r for rows r in [from, to) of W: the dot product
// at `sum_site`, the bias (when present) added last at `sum_site`, y_r
// rounded at `store_site`. Rows are independent: two threads may take a
// range each (without a site rounder's random stream) and get the same bits.
template <class T, class R>
void matvec_rows(Env<T, R>& env, Site sum_site, Site store_site, const WeightMatrix& W, const Vector<T>& bias,
                 const T* x, T* y, T& p, std::size_t from, std::size_t to) {
  for (std::size_t r = from; r < to; ++r) {
    W.with_row(r, [&](const auto* row) { dot(env, sum_site, row, x, W.cols, y[r], p); });
    if (!bias.empty()) {
      y[r] += bias[r];
      env.round(sum_site, y[r]);
    }
    env.round(store_site, y[r]);
  }
}

// Every row of y = W x + b, as matvec_rows computes it. `packed` is W's
// packed copy, if it has one: the dot products may then come from the
// vector kernels (dot_rows), with the same bits.
template <class T, class R>
void matvec(Env<T, R>& env, Site sum_site, Site store_site, const WeightMatrix& W, const Vector<T>& bias,
            const T* x, T* y, T& p, const PackedMatrix& packed = {}) {
  if (!dot_rows(env, sum_site, packed, x, y)) {
    matvec_rows(env, sum_site, store_site, W, bias, x, y, p, 0, W.rows);
    return;
  }
  if (!bias.empty()) {
    for (std::size_t r = 0; r < W.rows; ++r) {
      y[r] += bias[r];
      env.round(sum_site, y[r]);
    }
  }
  // With the vector kernels the sums round to nearest (no random draws), so
  // the stores can be rounded all together: the same values and stream.
  env.round(store_site, y, W.rows);
}

// Normalisation statistics of one row, kept for the frozen-statistics
// Jacobians of THEORY B.5: y = (x - shift) · scale ⊙ g + b.
template <class T>
struct NormStats {
  T shift;  // μ for LayerNorm, 0 for RMSNorm
  T scale;  // 1/sqrt(σ² + eps) or 1/sqrt(mean(x²) + eps); 1 for no norm
};

// RMSNorm:   m = (Σ_i x_i x_i) / d;  s = 1 / sqrt(m + eps);  y_i = (x_i s) g_i (+ b_i)
// LayerNorm: μ = (Σ_i x_i) / d;  c_i = x_i - μ;  σ² = (Σ_i c_i c_i) / d;
//            s = 1 / sqrt(σ² + eps);  y_i = (c_i s) g_i + b_i
// none:      y = x
// Everything at site `norm`, y_i stored at `activations`. Returns (μ, s).
template <class T, class R>
NormStats<T> normalize(Env<T, R>& env, NormKind kind, const T* x, std::size_t d, const Vector<T>& gain,
                       const Vector<T>& bias, const T& eps, const T& d_scalar, T* y, std::vector<T>& scratch) {
  const T zero = env.zero();
  const T one = env.one();
  if (kind == NormKind::none) {
    for (std::size_t i = 0; i < d; ++i) y[i] = x[i];
    return {zero, one};
  }
  T p = zero, s = zero;
  T shift = zero;
  const T* centred = x;
  if (kind == NormKind::layernorm) {
    reduce(env, Site::norm, d, [&](T& r, std::size_t i) { r = x[i]; }, shift, p);
    shift /= d_scalar;
    env.round(Site::norm, shift);
    scratch.resize(d, zero);
    for (std::size_t i = 0; i < d; ++i) {
      scratch[i] = x[i];
      scratch[i] -= shift;
      env.round(Site::norm, scratch[i]);
    }
    centred = scratch.data();
  }
  dot(env, Site::norm, centred, centred, d, s, p);  // Σ c_i c_i
  s /= d_scalar;
  env.round(Site::norm, s);
  s += eps;
  env.round(Site::norm, s);
  using numerics::sqrt;
  s = sqrt(s);
  env.round(Site::norm, s);
  T scale = one;
  scale /= s;
  env.round(Site::norm, scale);
  if (scale_row(env, centred, d, scale, gain, bias, y)) {
    env.round(Site::activations, y, d);  // no random draws at `norm`: the stores together, in order
    return {shift, scale};
  }
  for (std::size_t i = 0; i < d; ++i) {
    y[i] = centred[i];
    y[i] *= scale;
    env.round(Site::norm, y[i]);
    if (!gain.empty()) {
      y[i] *= gain[i];
      env.round(Site::norm, y[i]);
    }
    if (!bias.empty()) {
      y[i] += bias[i];
      env.round(Site::norm, y[i]);
    }
    env.round(Site::activations, y[i]);
  }
  return {shift, scale};
}

// Constants of the activation functions, rounded once into T.
template <class T>
struct ActivationConstants {
  T zero, one, half;
  T inv_sqrt2;       // 1/sqrt(2) for the exact GELU
  T sqrt_2_over_pi;  // sqrt(2/π) for the tanh GELU
  T cubic;           // 0.044715
};

// Each operation is rounded at site `mlp`, as the activations that use them,
// so that a site policy on a wider carrier computes what Emulated<F> does
// (forward_test's uniform_policy_on_double_carrier_equals_emulated, with
// Gemma-2's GeGLU): 1/√2 = 1 / sqrt(2), √(2/π) = sqrt(2 / π), 0.044715.
template <class T, class R>
ActivationConstants<T> activation_constants(Env<T, R>& env) {
  using numerics::sqrt;
  const T two = env.two();
  T root2 = sqrt(two);
  env.round(Site::mlp, root2);
  T inv_sqrt2 = env.one();
  inv_sqrt2 /= root2;
  env.round(Site::mlp, inv_sqrt2);
  T pi = numerics::ScalarTraits<T>::pi(env.ctx);
  env.round(Site::mlp, pi);
  T ratio = two;
  ratio /= pi;
  env.round(Site::mlp, ratio);
  T root_ratio = sqrt(ratio);
  env.round(Site::mlp, root_ratio);
  T cubic = env.constant(Site::mlp, 44715, 1000000);
  return {env.zero(), env.one(), env.half(), inv_sqrt2, root_ratio, cubic};
}

// t = 1 + tanh(√(2/π) · (x + ((0.044715 · x) · x) · x)), tanh-GELU's factor
// (site `mlp`).
template <class T, class R>
void gelu_tanh_factor(Env<T, R>& env, const ActivationConstants<T>& c, const T& x, T& t) {
  using numerics::tanh;
  t = c.cubic;
  t *= x;
  env.round(Site::mlp, t);
  t *= x;
  env.round(Site::mlp, t);
  t *= x;
  env.round(Site::mlp, t);
  t += x;
  env.round(Site::mlp, t);
  t *= c.sqrt_2_over_pi;
  env.round(Site::mlp, t);
  t = tanh(t);
  env.round(Site::mlp, t);
  t += c.one;
  env.round(Site::mlp, t);
}

// ψ's nonlinearity applied in place to h (site `mlp`), with the gate for SwiGLU:
//   relu(x)      = max(x, 0)
//   gelu(x)      = (x · 0.5) · (1 + erf(x · (1/√2)))                     (PyTorch's order)
//   gelu_tanh(x) = (0.5 · x) · (1 + tanh(√(2/π) · (x + ((0.044715 · x) · x) · x)))   (llm.c's order)
//   swiglu       h_k = (g_k · (1 / (1 + exp(-g_k)))) · h_k                (silu(gate) ⊙ up)
//   geglu_tanh   h_k = gelu_tanh(g_k) · h_k, gelu_tanh(g_k) in the order above   (Gemma's GeGLU:
//                down(act(gate(x)) * up(x)), transformers modeling_gemma.py GemmaMLP.forward)
template <class T, class R>
void activate(Env<T, R>& env, Activation kind, const ActivationConstants<T>& c, T* h, const T* gate,
              std::size_t n, T& t) {
  using numerics::erf;
  using numerics::max;
  // GeGLU's gelu(g) is formed apart from h_k: one scratch per call, not per entry.
  std::optional<T> gelu_gate;
  if (kind == Activation::geglu_tanh) gelu_gate.emplace(c.half);
  for (std::size_t k = 0; k < n; ++k) {
    T& x = h[k];
    switch (kind) {
      case Activation::none: break;
      case Activation::relu:
        x = max(x, c.zero);
        break;
      case Activation::gelu:
        t = x;
        t *= c.inv_sqrt2;
        env.round(Site::mlp, t);
        t = erf(t);
        env.round(Site::mlp, t);
        t += c.one;
        env.round(Site::mlp, t);
        x *= c.half;
        env.round(Site::mlp, x);
        x *= t;
        env.round(Site::mlp, x);
        break;
      case Activation::gelu_tanh: {
        gelu_tanh_factor(env, c, x, t);
        T& y = x;
        y *= c.half;  // 0.5 · x is exact unless it underflows
        env.round(Site::mlp, y);
        y *= t;
        env.round(Site::mlp, y);
        break;
      }
      case Activation::geglu_tanh: {
        const T& g = gate[k];
        gelu_tanh_factor(env, c, g, t);
        T& y = *gelu_gate;
        y = c.half;
        y *= g;  // 0.5 · g
        env.round(Site::mlp, y);
        y *= t;  // gelu_tanh(g)
        env.round(Site::mlp, y);
        x *= y;  // h_k = gelu_tanh(g_k) · up_k
        env.round(Site::mlp, x);
        break;
      }
      case Activation::swiglu: {
        neg_into(t, gate[k]);
        exp_into(t, t);
        env.round(Site::mlp, t);
        t += c.one;
        env.round(Site::mlp, t);
        div_into(t, c.one, t);  // s = 1 / (1 + e^-g)
        env.round(Site::mlp, t);
        t *= gate[k];  // silu(g) = g · s (t · g: the same product)
        env.round(Site::mlp, t);
        x *= t;
        env.round(Site::mlp, x);
        break;
      }
    }
    env.round(Site::activations, x);
  }
}

// Soft-capping (Gemma-2), x ← c · tanh(x / c) in place, each step rounded at
// `site`, in transformers' order (modeling_gemma2.py eager_attention_forward:
// attn_weights / softcap, tanh, * softcap; Gemma2ForCausalLM.forward the same
// on the logits with final_logit_softcapping).
template <class T, class R>
void soft_cap(Env<T, R>& env, Site site, T& x, const T& cap) {
  using numerics::tanh;
  x /= cap;
  env.round(site, x);
  x = tanh(x);
  env.round(site, x);
  x *= cap;
  env.round(site, x);
}

// Softmax over s_0..s_{m-1} in place (site `softmax`):
//   c = shift(s);  e_j = exp(s_j - c);  Z = Σ_j e_j (the site's order: reduce);  α_j = e_j / Z
// The shift is the traits hook (the maximum; for intervals a point near it).
// The shifts may come from the vector kernels (shift_row) and, on float
// carriers, the divisions too (divide_row): the same bits. exp stays
// scalar: no vector exp is correctly rounded like the scalar one.
template <class T, class R>
void softmax(Env<T, R>& env, T* s, std::size_t m, T& z) {
  const T c = numerics::ScalarTraits<T>::softmax_shift(s, m);
  const bool shifted = shift_row(env, Site::softmax, s, m, c);  // rounds nearest-even: no random draws
  for (std::size_t j = 0; j < m; ++j) {
    if (!shifted) {
      s[j] -= c;
      env.round(Site::softmax, s[j]);
    }
    exp_into(s[j], s[j]);
    env.round(Site::softmax, s[j]);
  }
  T p = z;
  reduce(env, Site::softmax, m, [&](T& r, std::size_t j) { r = s[j]; }, z, p);
  if (divide_row(env, Site::softmax, s, m, z)) return;
  for (std::size_t j = 0; j < m; ++j) {
    s[j] /= z;
    env.round(Site::softmax, s[j]);
  }
}

// The same with α apart from the scores: α_j = softmax(s)_j, s unchanged
// (the same operations on a copy, so the same bits).
template <class T, class R>
void softmax(Env<T, R>& env, const T* s, std::size_t m, T* alpha, T& z) {
  std::copy(s, s + m, alpha);
  softmax(env, alpha, m, z);
}

// The adaptive temperature of Veličković et al., "softmax is not enough"
// (arXiv 2410.01104, their adaptive_temperature_softmax): scores s_0..s_{m-1}
// of one head and query multiplied in place by the inverse temperature
//   α = softmax(s),  H = −Σ_j α_j log α_j,
//   β = max(1, P(H)) when H > 0.5, else 1,
//   P(H) = −0.037 H⁴ + 0.481 H³ − 2.3 H² + 4.917 H − 1.791   (the paper's fit, Horner's order)
// and returns β. H is formed as log Z − Σ_j α_j (s_j − c), with c the
// softmax shift and Z its denominator (the same number in exact arithmetic,
// and no log of a weight that rounded to 0). Every step is rounded at
// `attention-scores`, the coefficients are inputs at that site; the two
// comparisons are decided on the nearest double (intervals: the midpoint,
// as the softmax shift is). `alpha` and `p` are scratch.
template <class T, class R>
T adaptive_temperature(Env<T, R>& env, T* s, std::size_t m, std::vector<T>& alpha, T& p) {
  using Traits = numerics::ScalarTraits<T>;
  using numerics::log;
  constexpr Site site = Site::attention_scores;
  const T c = Traits::softmax_shift(s, m);
  alpha.assign(s, s + m);
  T z = c, h = c;
  softmax(env, alpha.data(), m, z);
  reduce(
      env, site, m,
      [&](T& r, std::size_t j) {
        r = s[j];
        r -= c;
        env.round(site, r);
        r *= alpha[j];
        env.round(site, r);
      },
      h, p);
  T entropy = log(z);
  env.round(site, entropy);
  entropy -= h;
  env.round(site, entropy);
  T beta = env.one();
  if (!(Traits::to_double(entropy) > 0.5)) return beta;
  T poly = env.input(site, -0.037);
  for (double coefficient : {0.481, -2.3, 4.917, -1.791}) {
    poly *= entropy;
    env.round(site, poly);
    poly += env.input(site, coefficient);
    env.round(site, poly);
  }
  if (!(Traits::to_double(poly) > 1)) return beta;
  beta = poly;
  for (std::size_t j = 0; j < m; ++j) {
    s[j] *= beta;
    env.round(site, s[j]);
  }
  return beta;
}

// x + y stored at `activations` (the residual adds).
template <class T, class R>
void add_into(Env<T, R>& env, T* x, const T* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    x[i] += y[i];
    env.round(Site::activations, x[i]);
  }
}

}  // namespace glasses::model
