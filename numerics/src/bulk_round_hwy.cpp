// The Highway kernels of bulk rounding (bulk_round.hpp): binary32 to bf16
// (BulkKernel::simd_bf16) and to fp16 (BulkKernel::simd_fp16), nearest
// even, written once with integer operations and compiled for every target
// of simd.hpp, so every target gives the same bits.
//
// bf16 has binary32's exponent range and keeps the top 16 bits of the
// pattern, subnormals included (its quantum 2^-133 is 2^16 binary32
// quanta), so rounding is the add-bias trick on the whole pattern: add
// 2^15 - 1 plus the last kept bit, clear the low 16 bits. The carry runs
// into the exponent exactly when the value rounds up to the next binade,
// and to the infinity pattern when it overflows (bf16 overflows to inf);
// the sign bit is never reached. NaN gets its quiet bit (x + 0 in binary32,
// which keeps the payload), infinities stay.
// Only the OR of the flags is computed here, and only when asked:
//   inexact    a finite input with a nonzero low half;
//   overflow   a finite input that became infinite;
//   underflow  inexact and |x| below the tininess threshold of the plan
//              (tininess after rounding, bulk_round.hpp special case 3).
//
// fp16 (p = 11, emin = -14, emax = 15) drops k = 13 bits at and above 2^-14
// and k = 126 - E (E = binary32 exponent field) below it, where its quantum
// 2^-24 stays; the add-bias trick with a per-lane k (variable shifts) is
// right while k <= 23 (bulk_round.hpp). Below 2^-24 (k >= 24, special case
// 1) the result is 0 up to the tie 2^-25 (even), else 2^-24. Rounded
// magnitudes above 65504 overflow to infinity. The flags are as for bf16,
// inexact meaning "the result differs from the input". On x86 targets
// from AVX2 up, which include F16C, the caller may ask for the hardware
// conversion instead (vcvtps2ph, nearest even, then vcvtph2ps): the same
// correctly rounded values, subnormals included, when MXCSR's DAZ and FTZ
// bits are clear, and faster; NaN is handled as above either way.

// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/bulk_round_hwy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// clang-format on

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "glasses/numerics/bulk_round.hpp"

HWY_BEFORE_NAMESPACE();
namespace glasses::numerics::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// out[i] = round(in[i]) for i < n (round_no_nan(in[i]) in the blocks
// without NaN), four vectors per step and the tail
// through a buffer (the rest of it zero, which rounds without flags). `in`
// and `out` may be the same array (bulk_round.hpp), so they are not
// restrict: which also keeps the compiler from loading every input again
// for each instruction that reads it, after stores to `out` that may
// alias the loads in the cache's eyes (4K aliasing).
template <class D, class Round, class RoundNoNan>
HWY_INLINE void ForEachVector(D df, const float* in, float* out, std::size_t n, Round& round,
                              RoundNoNan& round_no_nan) {
  const std::size_t lanes = hn::Lanes(df);
  std::size_t i = 0;
  for (; i + 4 * lanes <= n; i += 4 * lanes) {
    const auto x0 = hn::LoadU(df, in + i), x1 = hn::LoadU(df, in + i + lanes);
    const auto x2 = hn::LoadU(df, in + i + 2 * lanes), x3 = hn::LoadU(df, in + i + 3 * lanes);
    // The sum is NaN when an input is (or for inf - inf, rarely: then the
    // block merely takes the general path).
    constexpr bool kOneWay = std::is_same_v<Round, RoundNoNan>;
    if (kOneWay || hn::AllFalse(df, hn::IsNaN(hn::Add(hn::Add(x0, x1), hn::Add(x2, x3))))) {
      hn::StoreU(round_no_nan(x0), df, out + i);
      hn::StoreU(round_no_nan(x1), df, out + i + lanes);
      hn::StoreU(round_no_nan(x2), df, out + i + 2 * lanes);
      hn::StoreU(round_no_nan(x3), df, out + i + 3 * lanes);
    } else {
      hn::StoreU(round(x0), df, out + i);
      hn::StoreU(round(x1), df, out + i + lanes);
      hn::StoreU(round(x2), df, out + i + 2 * lanes);
      hn::StoreU(round(x3), df, out + i + 3 * lanes);
    }
  }
  if (i < n) {
    HWY_ALIGN float buffer[4 * HWY_MAX_BYTES / sizeof(float)] = {};
    const std::size_t rest = n - i;
    for (std::size_t k = 0; k < rest; ++k) buffer[k] = in[i + k];
    for (std::size_t k = 0; k < rest; k += lanes) hn::Store(round(hn::Load(df, buffer + k)), df, buffer + k);
    for (std::size_t k = 0; k < rest; ++k) out[i + k] = buffer[k];
  }
}

// The same with one way to round every vector.
template <class D, class Round>
HWY_INLINE void ForEachVector(D df, const float* in, float* out, std::size_t n, Round& round) {
  ForEachVector(df, in, out, n, round, round);
}

// The flag bits from what a kernel accumulated.
template <class DU>
HWY_INLINE std::uint8_t FlagBits(DU du, hn::Vec<DU> inexact, hn::Vec<DU> underflow, bool overflow) {
  const auto any = [&](hn::Vec<DU> v) { return !hn::AllTrue(du, hn::Eq(v, hn::Zero(du))); };
  return static_cast<std::uint8_t>((any(inexact) ? Flags::inexact : 0) | (any(underflow) ? Flags::underflow : 0) |
                                   (overflow ? Flags::overflow : 0));
}

template <bool kFlags>
std::uint8_t RoundBf16With(const float* in, float* out, std::size_t n,
                           std::uint32_t tiny_below) {
  const hn::ScalableTag<float> df;
  const hn::RebindToUnsigned<decltype(df)> du;
  const hn::RebindToSigned<decltype(df)> di;
  using VU = hn::Vec<decltype(du)>;
  const VU one = hn::Set(du, 1u), bias = hn::Set(du, 0x7FFFu), high = hn::Set(du, 0xFFFF0000u);
  const VU magnitude_bits = hn::Set(du, 0x7FFFFFFFu);
  // The finite values that overflow, from (2 - 2^-8) 2^127 (the midpoint
  // above bf16's largest finite value, whose last bit is odd: the tie goes
  // up) to the largest binary32 value, are the magnitudes whose bits 15-30
  // are those of 0x7F7F8000: a ^ 0x7F7F8000 < 2^15.
  const VU overflow_bits = hn::Set(du, 0x7F7F8000u);
  const auto tiny = hn::Set(di, static_cast<std::int32_t>(tiny_below));
  const auto zero = hn::Zero(df);
  // Accumulated (flags only): the OR of the inputs other than NaN, whose
  // low 16 bits are nonzero exactly when a finite input was inexact
  // (infinities have none); the same below the tininess threshold; the
  // smallest a ^ 0x7F7F8000.
  VU changed = hn::Zero(du), changed_tiny = hn::Zero(du), nearest_overflow = hn::Set(du, 0xFFFFFFFFu);
  // Five integer operations round every pattern but NaN (inf + 2^15 - 1
  // clears back to inf); NaN then takes x + 0 (one compare, one blend).
  const auto round_no_nan = [&](hn::Vec<decltype(df)> x) {
    const VU b = hn::BitCast(du, x);
    return hn::BitCast(df, hn::And(hn::Add(hn::Add(b, bias), hn::And(hn::ShiftRight<16>(b), one)), high));
  };
  const auto round = [&](hn::Vec<decltype(df)> x) {
    const VU b = hn::BitCast(du, x);
    const auto rounded = round_no_nan(x);
    const auto nan = hn::IsNaN(x);
    // NaN + 0 is the same NaN with its quiet bit set.
    const auto result = hn::IfThenElse(nan, hn::Add(x, zero), rounded);
    if constexpr (kFlags) {
      const VU a = hn::And(b, magnitude_bits);
      changed = hn::IfThenElse(hn::RebindMask(du, nan), changed, hn::Or(changed, b));
      // Magnitudes have the sign cleared, so signed comparisons order them.
      changed_tiny = hn::IfThenElse(hn::RebindMask(du, hn::Lt(hn::BitCast(di, a), tiny)), hn::Or(changed_tiny, b),
                                    changed_tiny);
      nearest_overflow = hn::Min(nearest_overflow, hn::Xor(a, overflow_bits));
    }
    return result;
  };
  if constexpr (!kFlags) {
    // Blocks without NaN (checked once per four vectors) skip the fix-up.
    ForEachVector(df, in, out, n, round, round_no_nan);
    return 0;
  } else {
    ForEachVector(df, in, out, n, round);
    const VU low = hn::Set(du, 0xFFFFu);
    const bool overflow = hn::GetLane(hn::MinOfLanes(du, nearest_overflow)) < 0x8000u;
    return FlagBits(du, hn::And(changed, low), hn::And(changed_tiny, low), overflow);
  }
}

// Whether this target has the F16C conversions.
constexpr bool kHasF16c = HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2;

template <bool kFlags, bool kHardware>
std::uint8_t RoundFp16With(const float* in, float* out, std::size_t n,
                           std::uint32_t tiny_below) {
  const hn::ScalableTag<float> df;
  const hn::RebindToUnsigned<decltype(df)> du;
  const hn::RebindToSigned<decltype(df)> di;
  using VU = hn::Vec<decltype(du)>;
  using VI = hn::Vec<decltype(di)>;
  const VU one = hn::Set(du, 1u), magnitude_bits = hn::Set(du, 0x7FFFFFFFu), quiet = hn::Set(du, 0x00400000u);
  const VI k_normal = hn::Set(di, 13), k_last = hn::Set(di, 23), k_offset = hn::Set(di, 126);
  const VI infinity = hn::Set(di, 0x7F800000), tiny = hn::Set(di, static_cast<std::int32_t>(tiny_below));
  const VI max_finite = hn::Set(di, 0x477FE000);                           // 65504
  const VI quantum = hn::Set(di, 0x33800000), half_quantum = hn::Set(di, 0x33000000);  // 2^-24, 2^-25
  VU inexact = hn::Zero(du), underflow = hn::Zero(du);
  VI largest = hn::Zero(di);  // the largest finite magnitude seen
  const auto round = [&](hn::Vec<decltype(df)> x) {
    const VU b = hn::BitCast(du, x);
    const VU sign = hn::AndNot(magnitude_bits, b);
    // Magnitudes have the sign cleared, so signed comparisons order them.
    const VI a = hn::BitCast(di, hn::And(b, magnitude_bits));
    const VU au = hn::BitCast(du, a);
    VI r;  // the rounded magnitude (not for NaN)
    if constexpr (kHardware) {
      const hn::Rebind<hwy::float16_t, decltype(df)> dh;
      r = hn::BitCast(di, hn::And(hn::BitCast(du, hn::PromoteTo(df, hn::DemoteTo(dh, x))), magnitude_bits));
    } else {
      const VI k = hn::Min(hn::Max(hn::Sub(k_offset, hn::ShiftRight<23>(a)), k_normal), k_last);
      const VU ku = hn::BitCast(du, k);
      const VU unit = hn::Shl(one, ku);
      const VU bias = hn::Sub(hn::ShiftRight<1>(unit), one);
      const VU rounded =
          hn::AndNot(hn::Sub(unit, one), hn::Add(au, hn::Add(bias, hn::And(hn::Shr(au, ku), one))));
      r = hn::BitCast(di, rounded);
      r = hn::IfThenElse(hn::Gt(r, max_finite), infinity, r);                                           // overflow
      r = hn::IfThenElse(hn::Lt(a, quantum), hn::IfThenElseZero(hn::Gt(a, half_quantum), quantum), r);  // case 1
    }
    const auto special = hn::Gt(a, hn::Sub(infinity, hn::Set(di, 1)));  // inf or NaN
    if constexpr (kFlags) {
      const VU changed = hn::IfThenZeroElse(hn::RebindMask(du, special), hn::Xor(hn::BitCast(du, r), au));
      inexact = hn::Or(inexact, changed);
      underflow = hn::Or(underflow, hn::IfThenElseZero(hn::RebindMask(du, hn::Lt(a, tiny)), changed));
      largest = hn::Max(largest, hn::IfThenZeroElse(special, a));
    }
    // Infinities stay; NaN keeps its sign and payload with the quiet bit set.
    const VU nan_quiet = hn::IfThenElseZero(hn::RebindMask(du, hn::Gt(a, infinity)), quiet);
    const VU result = hn::IfThenElse(hn::RebindMask(du, special), hn::Or(b, nan_quiet), hn::Or(sign, hn::BitCast(du, r)));
    return hn::BitCast(df, result);
  };
  ForEachVector(df, in, out, n, round);
  if constexpr (!kFlags) {
    return 0;
  } else {
    // Finite values from 65520, the midpoint above fp16's largest finite
    // value 65504 (its last bit odd: the tie goes up), overflow.
    return FlagBits(du, inexact, underflow, hn::GetLane(hn::MaxOfLanes(di, largest)) >= 0x477FF000);
  }
}

std::uint8_t RoundBf16(const float* in, float* out, std::size_t n, std::uint32_t tiny_below, bool flags) {
  return flags ? RoundBf16With<true>(in, out, n, tiny_below) : RoundBf16With<false>(in, out, n, tiny_below);
}

std::uint8_t RoundFp16(const float* in, float* out, std::size_t n, std::uint32_t tiny_below, bool flags,
                       bool hardware) {
  if constexpr (kHasF16c) {
    if (hardware) {
      return flags ? RoundFp16With<true, true>(in, out, n, tiny_below)
                   : RoundFp16With<false, true>(in, out, n, tiny_below);
    }
  }
  return flags ? RoundFp16With<true, false>(in, out, n, tiny_below)
               : RoundFp16With<false, false>(in, out, n, tiny_below);
}

}  // namespace HWY_NAMESPACE
}  // namespace glasses::numerics::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "glasses/numerics/simd_dispatch.hpp"

namespace glasses::numerics::detail {

HWY_EXPORT(RoundBf16);
HWY_EXPORT(RoundFp16);

std::uint8_t simd_round_bf16(simd::Target target, const float* in, float* out, std::size_t n,
                             std::uint32_t tiny_below, bool flags) {
  return simd::pick(HWY_DISPATCH_TABLE(RoundBf16), target)(in, out, n, tiny_below, flags);
}

std::uint8_t simd_round_fp16(simd::Target target, const float* in, float* out, std::size_t n,
                             std::uint32_t tiny_below, bool flags, bool hardware) {
  return simd::pick(HWY_DISPATCH_TABLE(RoundFp16), target)(in, out, n, tiny_below, flags, hardware);
}

}  // namespace glasses::numerics::detail
#endif  // HWY_ONCE
