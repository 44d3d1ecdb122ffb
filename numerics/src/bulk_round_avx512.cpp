// AVX-512 kernels of bulk rounding. bulk_round.hpp describes the method and
// numbers the special cases referenced here; the portable kernel in
// bulk_round.cpp is the same computation one element at a time.
//
// This file is compiled with -mavx512f -mavx512bw -mavx512vl -mavx512dq,
// and its functions are called only after bulk_round.cpp has checked at run
// time that the CPU has those extensions. Nothing here reads or changes the
// floating-point environment.
#include "glasses/numerics/bulk_round.hpp"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512DQ__)
#define GLASSES_BULK_AVX512 1
// GCC 12's AVX-512 headers initialise pass-through operands with themselves
// (`__m512i __Y = __Y;`), which -Wuninitialized reports once inlined (GCC
// bug 105593, fixed in GCC 13); the pragma covers only the header's lines.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#ifndef __clang__  // a GCC-only warning group (clang: -Wunknown-warning-option)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <bit>
#else
#define GLASSES_BULK_AVX512 0
#endif

namespace glasses::numerics::detail {

#if GLASSES_BULK_AVX512
namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ull;  // SplitMix64's increment

// SplitMix64's output function on 8 states.
__m512i splitmix_output(__m512i z) {
  z = _mm512_xor_si512(z, _mm512_srli_epi64(z, 30));
  z = _mm512_mullo_epi64(z, _mm512_set1_epi64(static_cast<long long>(0xBF58476D1CE4E5B9ull)));
  z = _mm512_xor_si512(z, _mm512_srli_epi64(z, 27));
  z = _mm512_mullo_epi64(z, _mm512_set1_epi64(static_cast<long long>(0x94D049BB133111EBull)));
  return _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
}

// Draws for the lanes in `take`, in lane order: the j-th selected lane gets
// the (j+1)-th next() after `state`, as a sequential loop would.
__m512i draws(__mmask8 take, std::uint64_t& state) {
  const __m512i steps = _mm512_set_epi64(static_cast<long long>(8 * kGolden), static_cast<long long>(7 * kGolden),
                                         static_cast<long long>(6 * kGolden), static_cast<long long>(5 * kGolden),
                                         static_cast<long long>(4 * kGolden), static_cast<long long>(3 * kGolden),
                                         static_cast<long long>(2 * kGolden), static_cast<long long>(kGolden));
  const __m512i states = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(state)),
                                          _mm512_maskz_expand_epi64(take, steps));
  state += static_cast<std::uint64_t>(std::popcount(static_cast<unsigned>(take))) * kGolden;
  return splitmix_output(states);
}

// Special case 4 on 64-bit lanes: up iff r < rem 2^(64-k), or r < rem >> (k-64)
// for k > 64. Shift counts of 64 or more (negative ones included) give 0.
__mmask8 stochastic_up(__m512i r, __m512i k, __m512i rem) {
  const __m512i s64 = _mm512_set1_epi64(64);
  const __m512i threshold = _mm512_or_si512(_mm512_sllv_epi64(rem, _mm512_sub_epi64(s64, k)),
                                            _mm512_srlv_epi64(rem, _mm512_sub_epi64(k, s64)));
  return _mm512_cmplt_epu64_mask(r, threshold);
}

// Per-element flag bytes for `lanes` lanes.
__m128i flag_bytes(__mmask16 inexact, __mmask16 underflow, __mmask16 overflow) {
  return _mm_or_si128(_mm_or_si128(_mm_maskz_mov_epi8(inexact, _mm_set1_epi8(Flags::inexact)),
                                   _mm_maskz_mov_epi8(underflow, _mm_set1_epi8(Flags::underflow))),
                      _mm_maskz_mov_epi8(overflow, _mm_set1_epi8(Flags::overflow)));
}

// binary32 carrier: 16 lanes of 32 bits.
struct Lanes32 {
  using Bits = std::uint32_t;
  using Mask = __mmask16;
  static constexpr std::size_t kLanes = 16;
  static constexpr Mask kAll = 0xFFFF;
  static constexpr int kCarrierP = 24;
  static constexpr Bits kSign = 0x8000'0000u;
  static constexpr Bits kInfinity = 0x7F80'0000u;
  static constexpr Bits kQuiet = 0x0040'0000u;
  static constexpr Bits kTrailing = 0x007F'FFFFu;
  static constexpr Bits kHidden = 0x0080'0000u;

  static Mask tail(std::size_t count) { return static_cast<Mask>((1u << count) - 1); }
  static __m512i set1(Bits v) { return _mm512_set1_epi32(static_cast<int>(v)); }
  static __m512i set1_int(int v) { return _mm512_set1_epi32(v); }
  static __m512i load(const void* p) { return _mm512_loadu_si512(p); }
  static __m512i load(const void* p, Mask m) { return _mm512_maskz_loadu_epi32(m, p); }
  static void store(void* p, __m512i v) { _mm512_storeu_si512(p, v); }
  static void store(void* p, Mask m, __m512i v) { _mm512_mask_storeu_epi32(p, m, v); }
  static __m512i add(__m512i a, __m512i b) { return _mm512_add_epi32(a, b); }
  static __m512i sub(__m512i a, __m512i b) { return _mm512_sub_epi32(a, b); }
  static __m512i mask_add(__m512i src, Mask m, __m512i a, __m512i b) { return _mm512_mask_add_epi32(src, m, a, b); }
  static __m512i srlv(__m512i a, __m512i k) { return _mm512_srlv_epi32(a, k); }
  static __m512i sllv(__m512i a, __m512i k) { return _mm512_sllv_epi32(a, k); }
  static __m512i shift_right_1(__m512i a) { return _mm512_srli_epi32(a, 1); }
  static __m512i exponent_field(__m512i a) { return _mm512_srli_epi32(a, 23); }
  static __m512i max_signed(__m512i a, __m512i b) { return _mm512_max_epi32(a, b); }
  static Mask lt(__m512i a, __m512i b) { return _mm512_cmplt_epu32_mask(a, b); }
  static Mask gt(__m512i a, __m512i b) { return _mm512_cmpgt_epu32_mask(a, b); }
  static Mask ge(__m512i a, __m512i b) { return _mm512_cmpge_epu32_mask(a, b); }
  static Mask mask_ge(Mask m, __m512i a, __m512i b) { return _mm512_mask_cmpge_epu32_mask(m, a, b); }
  static Mask eq(__m512i a, __m512i b) { return _mm512_cmpeq_epi32_mask(a, b); }
  static Mask gt_signed(__m512i a, __m512i b) { return _mm512_cmpgt_epi32_mask(a, b); }
  static Mask test(__m512i a, __m512i b) { return _mm512_test_epi32_mask(a, b); }
  static Mask sign_of(__m512i u) { return _mm512_movepi32_mask(u); }
  static __m512i blend(Mask m, __m512i if_clear, __m512i if_set) { return _mm512_mask_blend_epi32(m, if_clear, if_set); }
  static __m512i mask_mov(__m512i src, Mask m, __m512i a) { return _mm512_mask_mov_epi32(src, m, a); }
  static __m512i maskz_mov(Mask m, __m512i a) { return _mm512_maskz_mov_epi32(m, a); }
  static __m512i bit_length(__m512i) { return _mm512_setzero_si512(); }  // never needed (emin >= -126)
  static void store_flags(std::uint8_t* p, Mask live, Mask inexact, Mask underflow, Mask overflow) {
    _mm_mask_storeu_epi8(p, live, flag_bytes(inexact, underflow, overflow));
  }
  // Stochastic decisions of the finite nonzero lanes, drawing in lane order.
  static void stochastic(Mask take, __m512i k, __m512i rem, __m512i k_unbounded, __m512i rem_unbounded,
                         std::uint64_t& state, Mask& up, Mask& up_unbounded) {
    up = 0;
    up_unbounded = 0;
    for (unsigned half = 0; half < 2; ++half) {
      auto widen_signed = [half](__m512i v) {
        return _mm512_cvtepi32_epi64(half == 0 ? _mm512_castsi512_si256(v) : _mm512_extracti64x4_epi64(v, 1));
      };
      auto widen = [half](__m512i v) {
        return _mm512_cvtepu32_epi64(half == 0 ? _mm512_castsi512_si256(v) : _mm512_extracti64x4_epi64(v, 1));
      };
      const __m512i r = draws(static_cast<__mmask8>(take >> (8 * half)), state);
      up = static_cast<Mask>(up | (stochastic_up(r, widen_signed(k), widen(rem)) << (8 * half)));
      up_unbounded = static_cast<Mask>(
          up_unbounded | (stochastic_up(r, widen_signed(k_unbounded), widen(rem_unbounded)) << (8 * half)));
    }
  }
};

// binary64 carrier: 8 lanes of 64 bits.
struct Lanes64 {
  using Bits = std::uint64_t;
  using Mask = __mmask8;
  static constexpr std::size_t kLanes = 8;
  static constexpr Mask kAll = 0xFF;
  static constexpr int kCarrierP = 53;
  static constexpr Bits kSign = 0x8000'0000'0000'0000ull;
  static constexpr Bits kInfinity = 0x7FF0'0000'0000'0000ull;
  static constexpr Bits kQuiet = 0x0008'0000'0000'0000ull;
  static constexpr Bits kTrailing = 0x000F'FFFF'FFFF'FFFFull;
  static constexpr Bits kHidden = 0x0010'0000'0000'0000ull;

  static Mask tail(std::size_t count) { return static_cast<Mask>((1u << count) - 1); }
  static __m512i set1(Bits v) { return _mm512_set1_epi64(static_cast<long long>(v)); }
  static __m512i set1_int(int v) { return _mm512_set1_epi64(v); }
  static __m512i load(const void* p) { return _mm512_loadu_si512(p); }
  static __m512i load(const void* p, Mask m) { return _mm512_maskz_loadu_epi64(m, p); }
  static void store(void* p, __m512i v) { _mm512_storeu_si512(p, v); }
  static void store(void* p, Mask m, __m512i v) { _mm512_mask_storeu_epi64(p, m, v); }
  static __m512i add(__m512i a, __m512i b) { return _mm512_add_epi64(a, b); }
  static __m512i sub(__m512i a, __m512i b) { return _mm512_sub_epi64(a, b); }
  static __m512i mask_add(__m512i src, Mask m, __m512i a, __m512i b) { return _mm512_mask_add_epi64(src, m, a, b); }
  static __m512i srlv(__m512i a, __m512i k) { return _mm512_srlv_epi64(a, k); }
  static __m512i sllv(__m512i a, __m512i k) { return _mm512_sllv_epi64(a, k); }
  static __m512i shift_right_1(__m512i a) { return _mm512_srli_epi64(a, 1); }
  static __m512i exponent_field(__m512i a) { return _mm512_srli_epi64(a, 52); }
  static __m512i max_signed(__m512i a, __m512i b) { return _mm512_max_epi64(a, b); }
  static Mask lt(__m512i a, __m512i b) { return _mm512_cmplt_epu64_mask(a, b); }
  static Mask gt(__m512i a, __m512i b) { return _mm512_cmpgt_epu64_mask(a, b); }
  static Mask ge(__m512i a, __m512i b) { return _mm512_cmpge_epu64_mask(a, b); }
  static Mask mask_ge(Mask m, __m512i a, __m512i b) { return _mm512_mask_cmpge_epu64_mask(m, a, b); }
  static Mask eq(__m512i a, __m512i b) { return _mm512_cmpeq_epi64_mask(a, b); }
  static Mask gt_signed(__m512i a, __m512i b) { return _mm512_cmpgt_epi64_mask(a, b); }
  static Mask test(__m512i a, __m512i b) { return _mm512_test_epi64_mask(a, b); }
  static Mask sign_of(__m512i u) { return _mm512_movepi64_mask(u); }
  static __m512i blend(Mask m, __m512i if_clear, __m512i if_set) { return _mm512_mask_blend_epi64(m, if_clear, if_set); }
  static __m512i mask_mov(__m512i src, Mask m, __m512i a) { return _mm512_mask_mov_epi64(src, m, a); }
  static __m512i maskz_mov(Mask m, __m512i a) { return _mm512_maskz_mov_epi64(m, a); }
  // Bit length of a carrier subnormal a < 2^52 (special case 5): the integer
  // converts to double exactly, and its exponent field is bit_length + 1022.
  static __m512i bit_length(__m512i a) {
    return _mm512_sub_epi64(_mm512_srli_epi64(_mm512_castpd_si512(_mm512_cvtepi64_pd(a)), 52),
                            _mm512_set1_epi64(1022));
  }
  static void store_flags(std::uint8_t* p, Mask live, Mask inexact, Mask underflow, Mask overflow) {
    _mm_mask_storeu_epi8(p, live, flag_bytes(inexact, underflow, overflow));
  }
  static void stochastic(Mask take, __m512i k, __m512i rem, __m512i k_unbounded, __m512i rem_unbounded,
                         std::uint64_t& state, Mask& up, Mask& up_unbounded) {
    const __m512i r = draws(take, state);
    up = stochastic_up(r, k, rem);
    up_unbounded = stochastic_up(r, k_unbounded, rem_unbounded);
  }
};

template <class Mask>
constexpr Mask and_not(Mask a, Mask b) {
  return static_cast<Mask>(a & ~b);
}

// The integer kernel. kUniform: k == k_normal >= 1 for every lane (emin at
// the carrier's, with subnormals), no tiny lanes. kWide: special case 5.
template <class L, Rounding M, bool kUniform, bool kWide, bool kEach>
std::uint8_t integer_kernel(const BulkPlan<typename L::Bits>& plan, const void* in_bits, void* out_bits,
                            std::size_t n, std::uint64_t& state, std::uint8_t* flags_each) {
  static_assert(!(kUniform && (kWide || M == Rounding::stochastic)), "uniform kernels are deterministic");
  using Bits = typename L::Bits;
  using Mask = typename L::Mask;
  const auto* in = static_cast<const Bits*>(in_bits);
  auto* out = static_cast<Bits*>(out_bits);

  const __m512i v_sign = L::set1(L::kSign);
  const __m512i v_magnitude = L::set1(~L::kSign);
  const __m512i v_infinity = L::set1(L::kInfinity);
  const __m512i v_quiet = L::set1(L::kQuiet);
  const __m512i v_trailing = L::set1(L::kTrailing);
  const __m512i v_hidden = L::set1(L::kHidden);
  const __m512i v_zero = _mm512_setzero_si512();
  const __m512i v_one = L::set1_int(1);
  const __m512i v_p = L::set1_int(plan.p);
  const __m512i v_k_normal = L::set1_int(plan.k_normal);
  const __m512i v_k_below = L::set1_int(plan.k_below);
  const __m512i v_k_unbounded = L::set1_int(plan.k_unbounded);
  const __m512i v_largest_k = L::set1_int(L::kCarrierP - 1);
  const __m512i v_emin = L::set1(plan.p_emin);
  const __m512i v_max = L::set1(plan.p_max);
  const __m512i v_quantum = L::set1(plan.p_quantum);
  const __m512i v_half_quantum = L::set1(plan.p_half_quantum);
  const __m512i v_last_below = L::set1(plan.p_last_below_emin);
  const __m512i v_tiny_positive = L::set1(plan.tiny_below[0]);
  const __m512i v_tiny_negative = L::set1(plan.tiny_below[1]);
  const __m512i v_overflow_positive = L::set1(plan.overflow_to[0]);
  const __m512i v_overflow_negative = L::set1(plan.overflow_to[1]);
  const __m512i v_infinity_positive = L::set1(plan.infinity_to[0]);
  const __m512i v_infinity_negative = L::set1(plan.infinity_to[1]);
  // Uniform kernels: one k for all lanes.
  const __m512i v_uniform_unit = L::sllv(v_one, v_k_normal);
  const __m512i v_uniform_mask = L::sub(v_uniform_unit, v_one);

  Mask any_inexact = 0, any_underflow = 0, any_overflow = 0;

  auto round_vector = [&](__m512i u, Mask live, std::uint8_t* each) {
    const __m512i a = _mm512_and_si512(u, v_magnitude);
    const Mask negative = L::sign_of(u);
    const Mask special = L::ge(a, v_infinity);
    const Mask finite_nonzero = static_cast<Mask>(and_not(L::test(a, a), special) & live);

    __m512i k = v_k_normal, unit = v_uniform_unit, mask = v_uniform_mask, e1 = v_one;
    Mask tiny = 0;
    if constexpr (!kUniform) {
      const __m512i exponent = L::exponent_field(a);
      e1 = L::max_signed(exponent, v_one);
      const Mask below = L::lt(a, v_emin);
      k = L::mask_mov(v_k_normal, below, L::max_signed(L::sub(v_k_below, e1), v_zero));
      if constexpr (kWide) {
        const Mask wide = and_not(L::eq(exponent, v_zero), below);
        k = L::mask_mov(k, wide, L::max_signed(L::sub(L::bit_length(a), v_p), v_zero));
      }
      unit = L::sllv(v_one, k);
      mask = L::sub(unit, v_one);
      tiny = static_cast<Mask>(L::gt_signed(k, v_largest_k) & finite_nonzero);  // special case 1
    }
    const Mask rem_nonzero = L::test(a, mask);
    const Mask inexact = static_cast<Mask>((rem_nonzero | tiny) & finite_nonzero);

    __m512i rounded;
    Mask tiny_up = 0, up_unbounded = 0;
    if constexpr (M == Rounding::near_even) {
      // a + (2^(k-1) - 1) + bit_k, then clear the k low bits.
      __m512i odd = _mm512_and_si512(L::srlv(a, k), v_one);
      if constexpr (!kUniform) {
        // k = carrier p - 1 (values in [2^Q, 2^(Q+1)) below 2^emin): the
        // parity is the hidden bit, not the exponent field's lowest bit.
        const Mask hidden_is_parity = L::mask_ge(L::eq(k, v_largest_k), a, v_hidden);
        odd = L::mask_mov(odd, hidden_is_parity, v_one);
      }
      rounded = _mm512_andnot_si512(mask, L::add(a, L::add(L::shift_right_1(mask), odd)));
      if constexpr (!kUniform) rounded = L::mask_mov(a, rem_nonzero, rounded);  // k = 0: exact
      tiny_up = L::gt(a, v_half_quantum);
    } else if constexpr (M == Rounding::near_max_mag) {
      rounded = _mm512_andnot_si512(mask, L::add(a, L::shift_right_1(unit)));
      tiny_up = L::ge(a, v_half_quantum);
    } else if constexpr (M == Rounding::min_mag) {
      rounded = _mm512_andnot_si512(mask, a);
    } else if constexpr (M == Rounding::min || M == Rounding::max) {
      const Mask away = M == Rounding::min ? negative : static_cast<Mask>(~negative);
      rounded = _mm512_andnot_si512(mask, L::mask_add(a, away, a, mask));
      tiny_up = away;
    } else {
      // Stochastic: rem is the dropped bits, or the whole significand for tiny lanes.
      const __m512i trailing = _mm512_and_si512(a, v_trailing);
      const __m512i significand = L::mask_mov(trailing, L::ge(a, v_hidden), _mm512_or_si512(trailing, v_hidden));
      const __m512i rem = L::mask_mov(_mm512_and_si512(a, mask), tiny, significand);
      const __m512i k_unbounded = L::sub(v_k_unbounded, e1);
      const __m512i rem_unbounded = _mm512_and_si512(a, L::sub(L::sllv(v_one, k_unbounded), v_one));
      Mask up;
      L::stochastic(finite_nonzero, k, rem, k_unbounded, rem_unbounded, state, up, up_unbounded);
      const __m512i truncated = _mm512_andnot_si512(mask, a);
      rounded = L::mask_add(truncated, and_not(up, tiny), truncated, unit);
      tiny_up = up;
    }
    if constexpr (!kUniform) {
      rounded = L::mask_mov(rounded, tiny, L::maskz_mov(tiny_up, v_quantum));
    }

    // Special case 2: overflow.
    const Mask overflow = static_cast<Mask>(and_not(L::gt(rounded, v_max), special) & live);
    __m512i result = _mm512_or_si512(rounded, _mm512_and_si512(u, v_sign));
    result = L::mask_mov(result, overflow, L::blend(negative, v_overflow_positive, v_overflow_negative));
    if (special != 0) {
      const Mask infinite = L::eq(a, v_infinity);
      result = L::mask_mov(result, infinite, L::blend(negative, v_infinity_positive, v_infinity_negative));
      result = L::mask_mov(result, and_not(special, infinite), _mm512_or_si512(u, v_quiet));
    }

    // Special case 3: underflow.
    Mask tiny_result;
    if constexpr (M == Rounding::stochastic) {
      tiny_result = static_cast<Mask>(L::lt(a, v_last_below) | and_not(L::lt(a, v_emin), up_unbounded));
    } else if constexpr (M == Rounding::min || M == Rounding::max) {
      tiny_result = L::lt(a, L::blend(negative, v_tiny_positive, v_tiny_negative));
    } else {
      tiny_result = L::lt(a, v_tiny_positive);
    }
    const Mask underflow = static_cast<Mask>(inexact & tiny_result);
    const Mask inexact_or_overflow = static_cast<Mask>(inexact | overflow);

    any_inexact = static_cast<Mask>(any_inexact | inexact_or_overflow);
    any_underflow = static_cast<Mask>(any_underflow | underflow);
    any_overflow = static_cast<Mask>(any_overflow | overflow);
    if constexpr (kEach) L::store_flags(each, live, inexact_or_overflow, underflow, overflow);
    return result;
  };

  std::size_t i = 0;
  for (; i + L::kLanes <= n; i += L::kLanes) {
    L::store(out + i, round_vector(L::load(in + i), L::kAll, kEach ? flags_each + i : nullptr));
  }
  if (i < n) {
    const Mask live = L::tail(n - i);
    L::store(out + i, live, round_vector(L::load(in + i, live), live, kEach ? flags_each + i : nullptr));
  }
  std::uint8_t flags = 0;
  if (any_inexact != 0) flags |= Flags::inexact;
  if (any_underflow != 0) flags |= Flags::underflow;
  if (any_overflow != 0) flags |= Flags::overflow;
  return flags;
}

template <class L, Rounding M, bool kWide>
std::uint8_t choose_variant(const BulkPlan<typename L::Bits>& plan, const void* in, void* out, std::size_t n,
                            std::uint64_t& state, std::uint8_t* flags_each) {
  if constexpr (!kWide && M != Rounding::stochastic) {
    if (plan.uniform && plan.k_normal >= 1) {
      if (flags_each != nullptr) return integer_kernel<L, M, true, false, true>(plan, in, out, n, state, flags_each);
      return integer_kernel<L, M, true, false, false>(plan, in, out, n, state, flags_each);
    }
  }
  if (flags_each != nullptr) return integer_kernel<L, M, false, kWide, true>(plan, in, out, n, state, flags_each);
  return integer_kernel<L, M, false, kWide, false>(plan, in, out, n, state, flags_each);
}

template <class L, bool kWide>
std::uint8_t choose_mode(const BulkPlan<typename L::Bits>& plan, const void* in, void* out, std::size_t n,
                         std::uint64_t& state, std::uint8_t* flags_each) {
  switch (plan.mode) {
    case Rounding::near_even:
      return choose_variant<L, Rounding::near_even, kWide>(plan, in, out, n, state, flags_each);
    case Rounding::near_max_mag:
      return choose_variant<L, Rounding::near_max_mag, kWide>(plan, in, out, n, state, flags_each);
    case Rounding::min_mag: return choose_variant<L, Rounding::min_mag, kWide>(plan, in, out, n, state, flags_each);
    case Rounding::min: return choose_variant<L, Rounding::min, kWide>(plan, in, out, n, state, flags_each);
    case Rounding::max: return choose_variant<L, Rounding::max, kWide>(plan, in, out, n, state, flags_each);
    case Rounding::stochastic:
      return choose_variant<L, Rounding::stochastic, kWide>(plan, in, out, n, state, flags_each);
  }
  return 0;
}

}  // namespace

std::uint8_t avx512_round_f32(const BulkPlan<std::uint32_t>& plan, const float* in, float* out, std::size_t n,
                              std::uint64_t* random_state, std::uint8_t* flags_each) {
  return choose_mode<Lanes32, false>(plan, in, out, n, *random_state, flags_each);
}

std::uint8_t avx512_round_f64(const BulkPlan<std::uint64_t>& plan, const double* in, double* out, std::size_t n,
                              std::uint64_t* random_state, std::uint8_t* flags_each) {
  if (plan.wide_subnormal) return choose_mode<Lanes64, true>(plan, in, out, n, *random_state, flags_each);
  return choose_mode<Lanes64, false>(plan, in, out, n, *random_state, flags_each);
}

#else  // not compiled for AVX-512: never called (bulk_kernel_available is false)

std::uint8_t avx512_round_f32(const BulkPlan<std::uint32_t>&, const float*, float*, std::size_t, std::uint64_t*,
                              std::uint8_t*) {
  return 0;
}
std::uint8_t avx512_round_f64(const BulkPlan<std::uint64_t>&, const double*, double*, std::size_t,
                              std::uint64_t*, std::uint8_t*) {
  return 0;
}

#endif

}  // namespace glasses::numerics::detail
