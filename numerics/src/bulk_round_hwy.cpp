// The bf16 kernel of bulk rounding (bulk_round.hpp, BulkKernel::simd_bf16):
// binary32 to bf16, nearest even, written once with Highway and compiled
// for every target of simd.hpp.
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

// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/bulk_round_hwy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// clang-format on

#include <cstddef>
#include <cstdint>

#include "glasses/numerics/bulk_round.hpp"

HWY_BEFORE_NAMESPACE();
namespace glasses::numerics::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <bool kFlags>
std::uint8_t RoundBf16With(const float* HWY_RESTRICT in, float* HWY_RESTRICT out, std::size_t n,
                           std::uint32_t tiny_below) {
  const hn::ScalableTag<float> df;
  const hn::RebindToUnsigned<decltype(df)> du;
  const hn::RebindToSigned<decltype(df)> di;
  using VU = hn::Vec<decltype(du)>;
  using VI = hn::Vec<decltype(di)>;
  const VU one = hn::Set(du, 1u), bias = hn::Set(du, 0x7FFFu), high = hn::Set(du, 0xFFFF0000u);
  const VU low = hn::Set(du, 0xFFFFu), magnitude_bits = hn::Set(du, 0x7FFFFFFFu);
  const VI infinity = hn::Set(di, 0x7F800000), tiny = hn::Set(di, static_cast<std::int32_t>(tiny_below));
  const auto zero = hn::Zero(df);
  VU inexact = hn::Zero(du), underflow = hn::Zero(du);
  VI largest = hn::Zero(di);  // the largest finite magnitude seen
  const auto round = [&](hn::Vec<decltype(df)> x) {
    const VU b = hn::BitCast(du, x);
    const VU rounded = hn::And(hn::Add(b, hn::Add(bias, hn::And(hn::ShiftRight<16>(b), one))), high);
    // Magnitudes have the sign cleared, so signed comparisons order them.
    const VI a = hn::BitCast(di, hn::And(b, magnitude_bits));
    const auto special = hn::Gt(a, hn::Sub(infinity, hn::Set(di, 1)));  // inf or NaN
    if constexpr (kFlags) {
      const VU dropped = hn::IfThenZeroElse(hn::RebindMask(du, special), hn::And(b, low));
      inexact = hn::Or(inexact, dropped);
      underflow = hn::Or(underflow, hn::IfThenElseZero(hn::RebindMask(du, hn::Lt(a, tiny)), dropped));
      largest = hn::Max(largest, hn::IfThenZeroElse(special, a));
    }
    // inf + 0 = inf; NaN + 0 is the same NaN with its quiet bit set.
    return hn::IfThenElse(hn::RebindMask(df, special), hn::Add(x, zero), hn::BitCast(df, rounded));
  };
  const std::size_t lanes = hn::Lanes(df);
  std::size_t i = 0;
  for (; i + 4 * lanes <= n; i += 4 * lanes) {
    const auto x0 = hn::LoadU(df, in + i), x1 = hn::LoadU(df, in + i + lanes);
    const auto x2 = hn::LoadU(df, in + i + 2 * lanes), x3 = hn::LoadU(df, in + i + 3 * lanes);
    hn::StoreU(round(x0), df, out + i);
    hn::StoreU(round(x1), df, out + i + lanes);
    hn::StoreU(round(x2), df, out + i + 2 * lanes);
    hn::StoreU(round(x3), df, out + i + 3 * lanes);
  }
  if (i < n) {  // the tail through a buffer, the rest of it zero
    HWY_ALIGN float buffer[4 * HWY_MAX_BYTES / sizeof(float)] = {};
    const std::size_t rest = n - i;
    for (std::size_t k = 0; k < rest; ++k) buffer[k] = in[i + k];
    for (std::size_t k = 0; k < rest; k += lanes) hn::Store(round(hn::Load(df, buffer + k)), df, buffer + k);
    for (std::size_t k = 0; k < rest; ++k) out[i + k] = buffer[k];
  }
  if constexpr (!kFlags) {
    return 0;
  } else {
    const auto any = [&](VU v) { return !hn::AllTrue(du, hn::Eq(v, hn::Zero(du))); };
    // Finite values from (2 - 2^-8) 2^127, the midpoint above bf16's
    // largest finite value (its last bit odd: the tie goes up), overflow.
    const bool overflow = hn::GetLane(hn::MaxOfLanes(di, largest)) >= 0x7F7F8000;
    return static_cast<std::uint8_t>((any(inexact) ? Flags::inexact : 0) | (any(underflow) ? Flags::underflow : 0) |
                                     (overflow ? Flags::overflow : 0));
  }
}

std::uint8_t RoundBf16(const float* in, float* out, std::size_t n, std::uint32_t tiny_below, bool flags) {
  return flags ? RoundBf16With<true>(in, out, n, tiny_below) : RoundBf16With<false>(in, out, n, tiny_below);
}

}  // namespace HWY_NAMESPACE
}  // namespace glasses::numerics::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "glasses/numerics/simd_dispatch.hpp"

namespace glasses::numerics::detail {

HWY_EXPORT(RoundBf16);

std::uint8_t simd_round_bf16(simd::Target target, const float* in, float* out, std::size_t n,
                             std::uint32_t tiny_below, bool flags) {
  return simd::pick(HWY_DISPATCH_TABLE(RoundBf16), target)(in, out, n, tiny_below, flags);
}

}  // namespace glasses::numerics::detail
#endif  // HWY_ONCE
