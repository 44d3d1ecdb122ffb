// Bulk rounding: the plan (per-call constants), the portable scalar kernel,
// and the run-time choice of kernel. The method is described in
// bulk_round.hpp; the numbered special cases referenced here are its.
#include "glasses/numerics/bulk_round.hpp"

#include <algorithm>
#include <bit>
#include <functional>
#include <string>

#include "glasses/numerics/error.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define GLASSES_BULK_X86 1
#else
#define GLASSES_BULK_X86 0
#endif

namespace glasses::numerics {
namespace {

using detail::BulkKernel;
using detail::BulkPlan;

// The carrier's encoding: magnitude patterns are monotone in the value.
template <class T>
struct Carrier;

template <>
struct Carrier<float> {
  using Bits = std::uint32_t;
  static constexpr int p = 24;
  static constexpr int trailing_bits = 23;
  static constexpr int emin = -126;
  static constexpr int emax = 127;
  static constexpr int bias = 127;
  static constexpr int ulp_offset = 150;  // ulp exponent u = max(E, 1) - 150
  static constexpr Bits sign = 0x8000'0000u;
  static constexpr Bits infinity = 0x7F80'0000u;
  static constexpr Bits quiet = 0x0040'0000u;
  static constexpr Bits trailing = 0x007F'FFFFu;
  static constexpr Bits hidden = 0x0080'0000u;
  static constexpr const char* name = "binary32";
};

template <>
struct Carrier<double> {
  using Bits = std::uint64_t;
  static constexpr int p = 53;
  static constexpr int trailing_bits = 52;
  static constexpr int emin = -1022;
  static constexpr int emax = 1023;
  static constexpr int bias = 1023;
  static constexpr int ulp_offset = 1075;
  static constexpr Bits sign = 0x8000'0000'0000'0000ull;
  static constexpr Bits infinity = 0x7FF0'0000'0000'0000ull;
  static constexpr Bits quiet = 0x0008'0000'0000'0000ull;
  static constexpr Bits trailing = 0x000F'FFFF'FFFF'FFFFull;
  static constexpr Bits hidden = 0x0010'0000'0000'0000ull;
  static constexpr const char* name = "binary64";
};

// A carrier pattern computed exactly: the smallest pattern whose value is
// >= m 2^e (m >= 0), and whether it equals m 2^e. Integer arithmetic only,
// so building a plan costs tens of nanoseconds (short arrays are common).
template <class T>
struct CeilPattern {
  typename Carrier<T>::Bits bits;
  bool exact;
};

template <class T>
CeilPattern<T> ceil_pattern(std::uint64_t m, std::int64_t e) {
  using C = Carrier<T>;
  using Bits = typename C::Bits;
  if (m == 0) return {0, true};
  const std::int64_t top = e + std::bit_width(m) - 1;  // exponent of the leading bit
  if (top > C::emax) return {C::infinity, false};
  // The carrier's quantum at m 2^e, and m 2^e rounded up to it in units.
  const std::int64_t q = std::max<std::int64_t>(top, C::emin) - (C::p - 1);
  std::uint64_t units;
  bool exact;
  if (e >= q) {
    units = m << (e - q);
    exact = true;
  } else if (q - e >= 64) {
    units = 1;
    exact = false;
  } else {
    const std::uint64_t dropped = m & ((std::uint64_t{1} << (q - e)) - 1);
    units = (m >> (q - e)) + (dropped != 0 ? 1 : 0);
    exact = dropped == 0;
  }
  // Normal: exponent field top + bias above the fraction units - 2^(p-1),
  // i.e. ((q + p - 2 + bias) << (p - 1)) + units, which is also right for
  // subnormals (first term 0) and for a carry to the next binade.
  const auto field = static_cast<Bits>(q + C::p - 2 + C::bias);
  const Bits bits = static_cast<Bits>((field << (C::p - 1)) + units);
  return {std::min(bits, C::infinity), exact && bits < C::infinity};
}

// Clamps an exponent of f (the ranges of mpfr:<bits> are +-2^30) to where
// the carrier patterns no longer change: below every subnormal, above
// every finite value.
std::int64_t clamp_exponent(std::int64_t e) { return std::clamp<std::int64_t>(e, -5000, 5000); }

template <class T>
BulkPlan<typename Carrier<T>::Bits> make_plan(const Format& f, Rounding mode) {
  using C = Carrier<T>;
  using Bits = typename C::Bits;
  BulkPlan<Bits> plan;
  plan.mode = mode;
  plan.p = f.p;
  plan.k_normal = C::p - f.p;
  const std::int64_t emin = clamp_exponent(f.emin);
  const std::int64_t emax = clamp_exponent(f.emax);
  const std::int64_t p = f.p;
  // Exponent of f's quantum below 2^emin (with and without subnormals).
  const std::int64_t q_below = f.subnormals ? emin - p + 1 : emin;
  plan.k_below = static_cast<int>(q_below + C::ulp_offset);
  plan.k_unbounded = static_cast<int>(emin - p + C::ulp_offset);
  plan.uniform = f.emin == C::emin && f.subnormals;
  plan.wide_subnormal = f.emin < C::emin;
  plan.p_emin = ceil_pattern<T>(1, emin).bits;
  plan.p_quantum = ceil_pattern<T>(1, q_below).bits;
  plan.p_half_quantum = ceil_pattern<T>(1, q_below - 1).bits;
  // max_finite(f) = (2^p - 1 - [finite_nan]) 2^(emax-p+1) (format.hpp note 3);
  // the infinity pattern when beyond the carrier (mpfr:<bits>: no overflow).
  const std::uint64_t max_units = (std::uint64_t{1} << p) - (f.specials == Specials::finite_nan ? 2 : 1);
  plan.p_max = ceil_pattern<T>(max_units, emax - p + 1).bits;
  plan.p_overflows = ceil_pattern<T>(1, emax + 1).bits;
  // (2^p - 1) 2^(emin-p): the largest p-bit value below 2^emin; and the
  // midpoint (2^(p+1) - 1) 2^(emin-p-1) between it and 2^emin.
  const CeilPattern<T> last_below = ceil_pattern<T>((std::uint64_t{1} << p) - 1, emin - p);
  const CeilPattern<T> mid_below = ceil_pattern<T>((std::uint64_t{1} << (p + 1)) - 1, emin - p - 1);
  plan.p_last_below_emin = last_below.bits;
  // Special cases 2 and 5 of rounding.hpp, as detail::infinity_in and
  // detail::overflow_result map them (the tests compare with those).
  const Bits nan = C::infinity | C::quiet;  // std::numeric_limits<double>::quiet_NaN(), positive
  for (int negative = 0; negative < 2; ++negative) {
    const Bits sign = negative != 0 ? C::sign : 0;
    const bool away = (mode == Rounding::max && negative == 0) || (mode == Rounding::min && negative != 0);
    // Special case 3: tiny iff |x| < threshold.
    Bits threshold = plan.p_emin;  // toward zero: everything below 2^emin is tiny
    if (mode == Rounding::near_even || mode == Rounding::near_max_mag) {
      threshold = mid_below.bits;
    } else if (away) {
      threshold = static_cast<Bits>(last_below.bits + (last_below.exact ? 1 : 0));  // tiny iff <= last_below
    } else if (mode == Rounding::stochastic) {
      threshold = plan.p_last_below_emin;  // and above it, decided per draw
    }
    plan.tiny_below[negative] = std::min(threshold, plan.p_emin);
    Bits infinity_result = nan;
    if (f.overflow == Overflow::saturate) {
      infinity_result = sign | plan.p_max;
    } else if (f.has_infinity()) {
      infinity_result = sign | C::infinity;
    }
    const bool to_infinity = mode == Rounding::near_even || mode == Rounding::near_max_mag ||
                             mode == Rounding::stochastic || away;
    plan.infinity_to[negative] = infinity_result;
    plan.overflow_to[negative] = to_infinity ? infinity_result : (sign | plan.p_max);
  }
  return plan;
}

// Special case 4: stochastic "up" for draw r when k bits with value rem are
// dropped, i.e. r < rem 2^(64-k) (and r < floor(rem 2^(64-k)) for k > 64).
bool stochastic_up(std::uint64_t r, int k, std::uint64_t rem) {
  if (k <= 0) return false;
  std::uint64_t threshold;
  if (k <= 64) {
    threshold = k == 64 ? rem : rem << (64 - k);
  } else {
    threshold = k - 64 >= 64 ? 0 : rem >> (k - 64);
  }
  return r < threshold;
}

// c ? a : b by mask arithmetic: the compiler keeps it free of branches,
// which a ternary on random data would mispredict.
template <class U>
[[gnu::always_inline]] inline U select(bool c, U a, U b) {
  return static_cast<U>(b ^ ((a ^ b) & (U{0} - static_cast<U>(c))));
}

// One element, exactly as round(f, x, ctx); `state` is the SplitMix64 state.
// Special cases as in bulk_round.hpp; no data-dependent branches.
template <class T, Rounding M>
typename Carrier<T>::Bits round_bits(
    const BulkPlan<typename Carrier<T>::Bits>& plan, typename Carrier<T>::Bits u, std::uint64_t& state,
    std::uint8_t& flags) {
  using C = Carrier<T>;
  using Bits = typename C::Bits;
  const Bits s = u & C::sign;
  const Bits a = u ^ s;
  const unsigned negative = s != 0 ? 1u : 0u;
  const bool special = a >= C::infinity;
  const bool finite_nonzero = (a != 0) & !special;
  std::uint64_t r = 0;
  if constexpr (M == Rounding::stochastic) {
    // One draw per finite nonzero element, as the scalar reference.
    SplitMix64 stream{state};
    r = stream.next();
    state = finite_nonzero ? stream.state : state;
  }
  const int E = static_cast<int>(a >> C::trailing_bits);
  const int E1 = std::max(E, 1);
  const bool below = a < plan.p_emin;
  unsigned k = select<unsigned>(below, static_cast<unsigned>(std::max(plan.k_below - E1, 0)),
                                static_cast<unsigned>(plan.k_normal));
  if (plan.wide_subnormal && !below && E == 0) {  // special case 5 (a per-call constant branch)
    k = static_cast<unsigned>(std::max(static_cast<int>(std::bit_width(a)) - plan.p, 0));
  }
  const bool tiny = k >= static_cast<unsigned>(C::p);  // special case 1
  const unsigned kk = select<unsigned>(tiny, C::p - 1, k);
  const Bits unit = Bits{1} << kk;
  const Bits mask = unit - 1;
  const Bits rem = a & mask;
  const Bits half = unit >> 1;
  const bool rem_nonzero = rem != 0;
  bool up = false, up_tiny = false;
  if constexpr (M == Rounding::near_even) {
    // Parity of the kept count: bit k of the significand, which for
    // k = carrier p - 1 is the hidden bit, not the exponent field's.
    const bool odd = ((kk == C::p - 1) & (E != 0)) | ((kk != C::p - 1) & (((a >> kk) & 1) != 0));
    up = (rem > half) | ((rem == half) & odd & rem_nonzero);
    up_tiny = a > plan.p_half_quantum;
  } else if constexpr (M == Rounding::near_max_mag) {
    up = (rem >= half) & rem_nonzero;
    up_tiny = a >= plan.p_half_quantum;
  } else if constexpr (M == Rounding::min || M == Rounding::max) {
    const bool away = (M == Rounding::min) == (negative != 0);
    up = away & rem_nonzero;
    up_tiny = away;
  } else if constexpr (M == Rounding::stochastic) {
    const Bits significand = (a & C::trailing) | (E != 0 ? C::hidden : 0);
    up = stochastic_up(r, static_cast<int>(k), tiny ? significand : rem);  // special case 4
    up_tiny = up;
  }
  const Bits rounded_main = static_cast<Bits>((a & ~mask) + select<Bits>(up, unit, 0));
  const Bits rounded_tiny = select<Bits>(up_tiny & finite_nonzero, plan.p_quantum, 0);
  const Bits rounded = select<Bits>(tiny, rounded_tiny, rounded_main);
  const bool inexact = finite_nonzero & (rem_nonzero | tiny);
  const bool overflow = (rounded > plan.p_max) & !special;  // special case 2
  bool tiny_result = a < plan.tiny_below[negative];           // special case 3
  if constexpr (M == Rounding::stochastic) {
    const int k_unbounded = plan.k_unbounded - E1;
    const Bits rem_unbounded =
        k_unbounded >= 1 && k_unbounded < C::p ? a & ((Bits{1} << k_unbounded) - 1) : 0;
    tiny_result = tiny_result | (below & !stochastic_up(r, k_unbounded, rem_unbounded));
  }
  const bool underflow = inexact & tiny_result;
  const Bits special_result = select<Bits>(a == C::infinity, plan.infinity_to[negative], u | C::quiet);
  Bits result = select<Bits>(overflow, plan.overflow_to[negative], s | rounded);
  result = select<Bits>(special, special_result, result);
  flags = static_cast<std::uint8_t>(static_cast<unsigned>(inexact | overflow) * Flags::inexact +
                                    static_cast<unsigned>(underflow) * Flags::underflow +
                                    static_cast<unsigned>(overflow) * Flags::overflow);
  return result;
}

// The loop, with short paths for what needs neither k nor thresholds, in
// every deterministic mode:
//   2^emin <= |x| <= max_finite(f)  k = k_normal, no underflow, no overflow
//                                   (max_finite is on the grid, so nothing at
//                                   or below it rounds above it);
//   2^(emax+1) <= |x| < infinity    overflows (special case 2);
//   0 < |x| < 2^(Q-1)               0, or 2^Q away from zero; inexact and
//                                   tiny in every mode (special cases 1, 3).
// The rest, and stochastic rounding, go through round_bits.
template <class T, Rounding M, bool kEach>
std::uint8_t portable_kernel(const BulkPlan<typename Carrier<T>::Bits>& plan, const T* in, T* out,
                             std::size_t n, std::uint64_t& state, std::uint8_t* flags_each) {
  using C = Carrier<T>;
  using Bits = typename C::Bits;
  constexpr bool kDeterministic = M != Rounding::stochastic;
  // Normal range [normal_low, normal_low + normal_span]: no zeros, no carrier
  // subnormals of special case 5, no infinity or NaN (p_max is the infinity
  // pattern for mpfr:<bits>).
  const Bits normal_low = plan.wide_subnormal ? std::max(plan.p_emin, C::hidden) : std::max(plan.p_emin, Bits{1});
  const Bits normal_high = std::min(plan.p_max, static_cast<Bits>(C::infinity - 1));
  const bool normal_enabled = kDeterministic && normal_high >= normal_low;
  const Bits normal_span = normal_enabled ? normal_high - normal_low : 0;
  const bool overflow_enabled = kDeterministic && plan.p_overflows < C::infinity;
  const Bits overflow_span = overflow_enabled ? C::infinity - 1 - plan.p_overflows : 0;
  const bool tiny_enabled = kDeterministic && plan.p_half_quantum > 1 && plan.p_half_quantum <= plan.p_emin;
  const Bits tiny_span = tiny_enabled ? plan.p_half_quantum - 2 : 0;  // [1, p_half_quantum)
  const int k = plan.k_normal;  // <= carrier p - 2: the parity bit is a trailing bit
  const Bits unit = Bits{1} << k;
  const Bits mask = unit - 1;
  const Bits half = unit >> 1;
  const Bits bias = k > 0 ? half - 1 : 0;
  const Bits parity_bit = k > 0 ? 1 : 0;
  unsigned all = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Bits u = std::bit_cast<Bits>(in[i]);
    const Bits s = u & C::sign;
    const Bits a = u ^ s;
    const bool away = (M == Rounding::min && s != 0) || (M == Rounding::max && s == 0);
    Bits r;
    std::uint8_t flags;
    if (normal_enabled && a - normal_low <= normal_span) {
      Bits rounded;
      if constexpr (M == Rounding::near_even) {
        rounded = (a + bias + ((a >> k) & parity_bit)) & ~mask;
      } else if constexpr (M == Rounding::near_max_mag) {
        rounded = (a + half) & ~mask;
      } else {
        rounded = (a + (away ? mask : 0)) & ~mask;
      }
      r = s | rounded;
      flags = (a & mask) != 0 ? Flags::inexact : 0;
    } else if (overflow_enabled && a - plan.p_overflows <= overflow_span) {
      r = plan.overflow_to[s != 0 ? 1 : 0];
      flags = Flags::overflow | Flags::inexact;
    } else if (tiny_enabled && a - 1 <= tiny_span) {
      r = s | (away ? plan.p_quantum : 0);
      flags = Flags::underflow | Flags::inexact;
    } else {
      r = round_bits<T, M>(plan, u, state, flags);
    }
    out[i] = std::bit_cast<T>(r);
    all |= flags;
    if constexpr (kEach) flags_each[i] = flags;
  }
  return static_cast<std::uint8_t>(all);
}

template <class T, Rounding M>
std::uint8_t portable_mode(const BulkPlan<typename Carrier<T>::Bits>& plan, const T* in, T* out, std::size_t n,
                           std::uint64_t& state, std::uint8_t* flags_each) {
  if (flags_each != nullptr) return portable_kernel<T, M, true>(plan, in, out, n, state, flags_each);
  return portable_kernel<T, M, false>(plan, in, out, n, state, flags_each);
}

template <class T>
std::uint8_t portable_round(const BulkPlan<typename Carrier<T>::Bits>& plan, const T* in, T* out, std::size_t n,
                            std::uint64_t& state, std::uint8_t* flags_each) {
  switch (plan.mode) {
    case Rounding::near_even: return portable_mode<T, Rounding::near_even>(plan, in, out, n, state, flags_each);
    case Rounding::near_max_mag:
      return portable_mode<T, Rounding::near_max_mag>(plan, in, out, n, state, flags_each);
    case Rounding::min_mag: return portable_mode<T, Rounding::min_mag>(plan, in, out, n, state, flags_each);
    case Rounding::min: return portable_mode<T, Rounding::min>(plan, in, out, n, state, flags_each);
    case Rounding::max: return portable_mode<T, Rounding::max>(plan, in, out, n, state, flags_each);
    case Rounding::stochastic:
      return portable_mode<T, Rounding::stochastic>(plan, in, out, n, state, flags_each);
  }
  return 0;
}

bool cpu_has_avx512() {
#if GLASSES_BULK_X86
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
#else
  return false;
#endif
}

// vcvtps2ph/vcvtph2ps are exact only without denormals-are-zero (MXCSR
// bit 6) and flush-to-zero (bit 15).
bool f16c_exact() {
#if GLASSES_BULK_X86
  constexpr unsigned kDazFtz = (1u << 6) | (1u << 15);
  return (_mm_getcsr() & kDazFtz) == 0;
#else
  return false;
#endif
}

bool simd_bf16_serves(const Format& f, Rounding mode, bool binary32_input) {
  return binary32_input && f == formats::bf16 && mode == Rounding::near_even;
}

bool simd_fp16_serves(const Format& f, Rounding mode, bool binary32_input) {
  return binary32_input && f == formats::fp16 && mode == Rounding::near_even;
}

// Whether a Highway kernel serves the request.
bool simd_serves(const Format& f, Rounding mode, bool binary32_input) {
  return simd_bf16_serves(f, mode, binary32_input) || simd_fp16_serves(f, mode, binary32_input);
}

// The Highway kernel for f (bf16 or fp16) on `target`.
std::uint8_t simd_round(const Format& f, simd::Target target, const float* in, float* out, std::size_t n,
                        std::uint32_t tiny_below, bool flags) {
  if (f == formats::bf16) return detail::simd_round_bf16(target, in, out, n, tiny_below, flags);
  return detail::simd_round_fp16(target, in, out, n, tiny_below, flags, f16c_exact());
}

// The target of the Highway kernels: GLASSES_SIMD's, or the portable one
// when it says none (only an explicit request runs them then).
simd::Target simd_target() { return simd::chosen().value_or(simd::available().back()); }

// The AVX-512 kernels are hand-written; they run only where GLASSES_SIMD
// allows AVX-512.
bool simd_allows_avx512() {
  const std::optional<simd::Target> t = simd::chosen();
  return t && simd::to_string(*t) == "avx512";
}

// Each element's flags for a Highway kernel's output (as it computes their
// OR): inexact when a finite input changed, overflow when it became infinite.
void simd_flags_each(const BulkPlan<std::uint32_t>& plan, const float* in, const float* out, std::size_t n,
                     std::uint8_t* flags_each) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t a = std::bit_cast<std::uint32_t>(in[i]) & 0x7FFF'FFFFu;
    const std::uint32_t result = std::bit_cast<std::uint32_t>(out[i]) & 0x7FFF'FFFFu;
    const bool finite = a < 0x7F80'0000u;
    const bool inexact = finite && result != a;
    const bool overflow = finite && result == 0x7F80'0000u;
    flags_each[i] = static_cast<std::uint8_t>((inexact ? Flags::inexact : 0) |
                                              (inexact && a < plan.tiny_below[0] ? Flags::underflow : 0) |
                                              (overflow ? Flags::overflow : 0));
  }
}

std::string describe_kernel(BulkKernel kernel) {
  switch (kernel) {
    case BulkKernel::portable: return "portable";
    case BulkKernel::avx512: return "avx512";
    case BulkKernel::simd_bf16: return "simd_bf16";
    case BulkKernel::simd_fp16: return "simd_fp16";
    case BulkKernel::automatic: return "automatic";
  }
  return "?";
}

template <class T>
void validate(const Format& f, std::span<const T> in, std::span<T> out, std::span<std::uint8_t> flags_each) {
  using C = Carrier<T>;
  if (in.size() != out.size()) {
    throw InputError("round_array: the input has " + std::to_string(in.size()) + " elements but the output has " +
                     std::to_string(out.size()));
  }
  const auto* in_begin = reinterpret_cast<const unsigned char*>(in.data());
  const auto* out_begin = reinterpret_cast<const unsigned char*>(out.data());
  const std::size_t bytes = in.size_bytes();
  if (in_begin != out_begin && bytes != 0 && std::less<>{}(in_begin, out_begin + bytes) &&
      std::less<>{}(out_begin, in_begin + bytes)) {
    throw InputError("round_array: input and output overlap without being the same buffer");
  }
  if (!flags_each.empty() && flags_each.size() != in.size()) {
    throw InputError("round_array: flags_each has " + std::to_string(flags_each.size()) +
                     " elements, expected " + std::to_string(in.size()));
  }
  if constexpr (C::p == 24) {
    if (!fits_binary32(f)) {
      throw InputError("round_array: format '" + to_string(f) +
                       "' does not fit binary32 input (needs p <= 24, emin >= -126, emax <= 127); "
                       "round binary64 values instead");
    }
  } else {
    if (f.p < 2 || f.p > 53) {
      throw InputError("round_array: format '" + to_string(f) + "' has precision " + std::to_string(f.p) +
                       "; binary64 input needs 2 <= p <= 53");
    }
  }
}

template <class T>
Flags run(BulkKernel kernel, const Format& f, std::span<const T> in, std::span<T> out, RoundingContext& ctx,
          std::span<std::uint8_t> flags_each) {
  constexpr bool binary32 = Carrier<T>::p == 24;
  validate(f, in, out, flags_each);
  if (kernel == BulkKernel::automatic) kernel = detail::bulk_kernel_for(f, ctx.mode, binary32);
  if (!detail::bulk_kernel_available(kernel) ||
      (kernel == BulkKernel::simd_bf16 && !simd_bf16_serves(f, ctx.mode, binary32)) ||
      (kernel == BulkKernel::simd_fp16 && !simd_fp16_serves(f, ctx.mode, binary32))) {
    throw InputError("round_array: kernel " + describe_kernel(kernel) + " cannot round " + Carrier<T>::name +
                     " values to '" + to_string(f) + "' in mode " + std::string(to_string(ctx.mode)) +
                     " on this machine");
  }
  if (in.empty()) return Flags{};
  const auto plan = make_plan<T>(f, ctx.mode);
  std::uint8_t* each = flags_each.empty() ? nullptr : flags_each.data();
  std::uint64_t state = ctx.random.state;
  std::uint8_t bits = 0;
  switch (kernel) {
    case BulkKernel::avx512:
      if constexpr (binary32) {
        bits = detail::avx512_round_f32(plan, in.data(), out.data(), in.size(), &state, each);
      } else {
        bits = detail::avx512_round_f64(plan, in.data(), out.data(), in.size(), &state, each);
      }
      break;
    case BulkKernel::simd_bf16:
    case BulkKernel::simd_fp16:
      if constexpr (binary32) {
        bits = simd_round(f, simd_target(), in.data(), out.data(), in.size(), plan.tiny_below[0], true);
        if (each != nullptr) simd_flags_each(plan, in.data(), out.data(), in.size(), each);
      }
      break;
    case BulkKernel::portable:
    case BulkKernel::automatic:
      bits = portable_round<T>(plan, in.data(), out.data(), in.size(), state, each);
      break;
  }
  ctx.random.state = state;
  const Flags flags{bits};
  ctx.flags.raise(bits);
  return flags;
}

void refuse_stochastic(Rounding mode) {
  if (mode == Rounding::stochastic) {
    throw InputError(
        "round_array: stochastic rounding needs a seed; pass a RoundingContext with its random stream seeded");
  }
}

}  // namespace

bool fits_binary32(const Format& f) { return f.p >= 2 && f.p <= 24 && f.emin >= -126 && f.emax <= 127; }

Flags round_array(const Format& f, Rounding mode, std::span<const float> in, std::span<float> out) {
  refuse_stochastic(mode);
  RoundingContext ctx{mode};
  return run(BulkKernel::automatic, f, in, out, ctx, {});
}

Flags round_array(const Format& f, Rounding mode, std::span<const double> in, std::span<double> out) {
  refuse_stochastic(mode);
  RoundingContext ctx{mode};
  return run(BulkKernel::automatic, f, in, out, ctx, {});
}

void round_array_values(const Format& f, Rounding mode, std::span<const float> in, std::span<float> out) {
  if (simd_serves(f, mode, true) && simd::chosen()) {
    validate(f, in, out, {});
    simd_round(f, *simd::chosen(), in.data(), out.data(), in.size(), 0, false);
  } else {
    round_array(f, mode, in, out);
  }
}

Flags round_array(const Format& f, std::span<const float> in, std::span<float> out, RoundingContext& ctx) {
  return run(BulkKernel::automatic, f, in, out, ctx, {});
}

Flags round_array(const Format& f, std::span<const double> in, std::span<double> out, RoundingContext& ctx) {
  return run(BulkKernel::automatic, f, in, out, ctx, {});
}

namespace detail {

bool bulk_kernel_available(BulkKernel kernel) {
  switch (kernel) {
    case BulkKernel::portable:
    case BulkKernel::automatic: return true;
    case BulkKernel::avx512: return cpu_has_avx512();
    case BulkKernel::simd_bf16:
    case BulkKernel::simd_fp16: return true;
  }
  return false;
}

BulkKernel bulk_kernel_for(const Format& f, Rounding mode, bool binary32_input) {
  if (!simd::chosen()) return BulkKernel::portable;  // GLASSES_SIMD=none
  if (simd_bf16_serves(f, mode, binary32_input)) return BulkKernel::simd_bf16;
  if (simd_fp16_serves(f, mode, binary32_input)) return BulkKernel::simd_fp16;
  if (simd_allows_avx512() && cpu_has_avx512()) return BulkKernel::avx512;
  return BulkKernel::portable;
}

Flags round_array_with(BulkKernel kernel, const Format& f, std::span<const float> in, std::span<float> out,
                       RoundingContext& ctx, std::span<std::uint8_t> flags_each) {
  return run(kernel, f, in, out, ctx, flags_each);
}

Flags round_array_with(BulkKernel kernel, const Format& f, std::span<const double> in, std::span<double> out,
                       RoundingContext& ctx, std::span<std::uint8_t> flags_each) {
  return run(kernel, f, in, out, ctx, flags_each);
}

}  // namespace detail
}  // namespace glasses::numerics
