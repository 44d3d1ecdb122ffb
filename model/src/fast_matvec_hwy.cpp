// The vector kernels of fast_matvec.hpp, written once with Highway and
// compiled for every target of numerics/simd.hpp (foreach_target.h
// re-includes this file once per target, in namespace N_<TARGET>).
//
// A lane is one output: a vector holds the sums of kLanes consecutive rows
// (or outputs of Σ_j a_j v_j), each running left to right over its own
// terms, so the bits do not depend on the vector width. Each operation is
// one IEEE binary32 operation per lane; Mul and Add stay apart (the project
// compiles with -ffp-contract=off, and MulAdd, which would fuse, is not
// used), matching `dot` in kernels.hpp.

// clang-format off
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/fast_matvec_hwy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
// clang-format on

#include <cstddef>
#include <cstring>

#include "glasses/model/fast_matvec.hpp"

HWY_BEFORE_NAMESPACE();
namespace glasses::model::detail {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Up to 16 lanes (the height of a tail panel, so that every panel height
// is a whole number of vectors): AVX-512 16, AVX2 8, SSE4/NEON/portable 4.
constexpr std::size_t kLanes = HWY_LANES(float) < 16 ? HWY_LANES(float) : 16;
using D = hn::FixedTag<float, kLanes>;
using DU = hn::RebindToUnsigned<D>;
using DI = hn::RebindToSigned<D>;
using V = hn::Vec<D>;
static_assert(kTailPanelRows % kLanes == 0 && kPanelRows % kLanes == 0);

// Sums in flight: half the vector registers (32 on AVX-512 and NEON, 16 on
// AVX2 and SSE4), the rest for products and the broadcast x_c.
#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SSE4
constexpr std::size_t kSums = 8;
#else
constexpr std::size_t kSums = 16;
#endif

// R = nothing: binary32 results.
struct KeepBinary32 {
  static HWY_INLINE V Apply(V x) { return x; }
};

// R = to nearest even into bf16. bf16 has binary32's exponent range and
// keeps the top 16 bits of the pattern, subnormals included (its quantum
// 2^-133 is 2^16 binary32 quanta), so rounding is the add-bias trick on the
// whole pattern: add 2^15 - 1 plus the last kept bit, clear the low 16 bits.
// The carry runs into the exponent exactly when the value rounds up to the
// next binade, and to the infinity pattern when it overflows; the sign bit
// is never reached. NaN is kept as it is (the trick could make it inf).
struct RoundToBf16 {
  static HWY_INLINE V Apply(V x) {
    const DU du;
    const auto b = hn::BitCast(du, x);
    const auto bias = hn::Add(hn::Set(du, 0x7FFFu), hn::And(hn::ShiftRight<16>(b), hn::Set(du, 1u)));
    const V rounded = hn::BitCast(D(), hn::And(hn::Add(b, bias), hn::Set(du, 0xFFFF0000u)));
    return hn::IfThenElse(hn::IsNaN(x), x, rounded);
  }
};

// R = to nearest even into fp16 (p = 11, normal from 2^-14, quantum 2^-24,
// largest finite 65504): from 2^-14 up the add-bias trick dropping 13 bits;
// below it (|x| + 1/2) - 1/2, exact in binary32 whose spacing in [1/2, 1)
// is 2^-24, fp16's quantum (the method of round_nearest_even_fast); above
// 65504, which is on the grid, only overflows to inf remain. NaN is kept.
struct RoundToFp16 {
  static HWY_INLINE V Apply(V x) {
    const D d;
    const DU du;
    const auto b = hn::BitCast(du, x);
    const auto sign = hn::And(b, hn::Set(du, 0x80000000u));
    const auto magnitude = hn::Xor(b, sign);
    const auto bias = hn::Add(hn::Set(du, 0x0FFFu), hn::And(hn::ShiftRight<13>(magnitude), hn::Set(du, 1u)));
    const V normal = hn::BitCast(d, hn::And(hn::Add(magnitude, bias), hn::Set(du, 0xFFFFE000u)));
    const V half = hn::Set(d, 0.5f);
    const V subnormal = hn::Sub(hn::Add(hn::BitCast(d, magnitude), half), half);
    // The sign is cleared, so a signed comparison orders the magnitudes.
    const auto is_normal = hn::RebindMask(d, hn::Gt(hn::BitCast(DI(), magnitude), hn::Set(DI(), 0x387FFFFF)));
    V r = hn::IfThenElse(is_normal, normal, subnormal);  // 2^-14
    r = hn::IfThenElse(hn::Gt(r, hn::Set(d, 65504.0f)), hn::BitCast(d, hn::Set(du, 0x7F800000u)), r);
    const V signed_r = hn::BitCast(d, hn::Or(hn::BitCast(du, r), sign));
    return hn::IfThenElse(hn::IsNaN(x), x, signed_r);
  }
};

// kPanels consecutive panels of kVectors · kLanes rows each (panel s at
// w + s · height · cols, its column c height further per c), in the steps
// of `dot`:  acc = R(w_0 · x_0);  p = R(w_c · x_c);  acc = R(acc + p).
// Several panels at once read several streams of memory at once, which a
// single core needs to approach its memory bandwidth.
template <class Round, std::size_t kPanels, std::size_t kVectors>
HWY_INLINE void Panels(const float* HWY_RESTRICT w, std::size_t cols, const float* HWY_RESTRICT x,
                       V (&acc)[kPanels][kVectors]) {
  const D d;
  constexpr std::size_t kHeight = kVectors * kLanes;
  const V x0 = hn::Set(d, x[0]);
  HWY_UNROLL(16)
  for (std::size_t s = 0; s < kPanels; ++s) {
    HWY_UNROLL(16)
    for (std::size_t b = 0; b < kVectors; ++b) {
      acc[s][b] = Round::Apply(hn::Mul(hn::LoadU(d, w + s * kHeight * cols + b * kLanes), x0));
    }
  }
  for (std::size_t c = 1; c < cols; ++c) {
    const V xc = hn::Set(d, x[c]);
    HWY_UNROLL(16)
    for (std::size_t s = 0; s < kPanels; ++s) {
      const float* wc = w + (s * cols + c) * kHeight;
      HWY_UNROLL(16)
      for (std::size_t b = 0; b < kVectors; ++b) {
        const V p = Round::Apply(hn::Mul(hn::LoadU(d, wc + b * kLanes), xc));
        acc[s][b] = Round::Apply(hn::Add(acc[s][b], p));
      }
    }
  }
}

// y for the rows of kPanels panels of `height` rows starting at row r (at
// most `rows` rows in all: the padding rows of the last panel are
// dropped). Returns the rows done.
template <class Round, std::size_t kPanels, std::size_t kHeight>
std::size_t PanelRows(const float* w, std::size_t r, std::size_t rows, std::size_t cols, const float* x, float* y) {
  constexpr std::size_t kVectors = kHeight / kLanes;
  V acc[kPanels][kVectors];
  Panels<Round>(w, cols, x, acc);
  HWY_ALIGN float out[kPanels * kHeight];
  for (std::size_t s = 0; s < kPanels; ++s) {
    for (std::size_t b = 0; b < kVectors; ++b) hn::Store(acc[s][b], D(), out + (s * kVectors + b) * kLanes);
  }
  const std::size_t n = rows - r < kPanels * kHeight ? rows - r : kPanels * kHeight;
  std::memcpy(y + r, out, n * sizeof(float));
  return n;
}

// Panels of 64 rows, kGroup at a time, then the rest of them, then the
// panels of 16 rows (at most four; the last one padded). The panel holding
// row r starts at w + r · cols.
template <class Round>
void DotRowsWith(const float* w, std::size_t rows, std::size_t cols, const float* x, float* y) {
  constexpr std::size_t kFull = kPanelRows, kTail = kTailPanelRows;
  constexpr std::size_t kGroup = kSums / (kFull / kLanes) > 0 ? kSums / (kFull / kLanes) : 1;
  std::size_t r = 0;
  while (r + kGroup * kFull <= rows) r += PanelRows<Round, kGroup, kFull>(w + r * cols, r, rows, cols, x, y);
  while (r + kFull <= rows) r += PanelRows<Round, 1, kFull>(w + r * cols, r, rows, cols, x, y);
  switch ((rows - r + kTail - 1) / kTail) {
    case 4: PanelRows<Round, 4, kTail>(w + r * cols, r, rows, cols, x, y); break;
    case 3: PanelRows<Round, 3, kTail>(w + r * cols, r, rows, cols, x, y); break;
    case 2: PanelRows<Round, 2, kTail>(w + r * cols, r, rows, cols, x, y); break;
    case 1: PanelRows<Round, 1, kTail>(w + r * cols, r, rows, cols, x, y); break;
    default: break;
  }
}

// o_i = Σ_j a_j V_ji for kVectors · kLanes consecutive i at once (row j of
// V at V + j·stride), in the steps of the generic loop:
//   acc = R(a_0 · V_0i);  p = R(a_j · V_ji);  acc = R(acc + p).
// `last` <= kLanes: the values of the last vector (the tail of a row),
// copied through a buffer, the rest of it zero (Highway 1.0's MaskedLoad
// and BlendedStore touch the whole vector on some targets).
template <class Round, std::size_t kVectors>
HWY_INLINE void CombineBlock(const float* a, const float* v, std::size_t stride, std::size_t m, std::size_t last,
                             float* o) {
  const D d;
  HWY_ALIGN float tail[kLanes] = {};
  const auto load = [&](const float* p, std::size_t b) {
    if (b + 1 < kVectors || last == kLanes) return hn::LoadU(d, p + b * kLanes);
    std::memcpy(tail, p + b * kLanes, last * sizeof(float));
    return hn::Load(d, tail);
  };
  V acc[kVectors];
  const V a0 = hn::Set(d, a[0]);
  HWY_UNROLL(16)
  for (std::size_t b = 0; b < kVectors; ++b) acc[b] = Round::Apply(hn::Mul(load(v, b), a0));
  for (std::size_t j = 1; j < m; ++j) {
    const float* vj = v + j * stride;
    const V aj = hn::Set(d, a[j]);
    HWY_UNROLL(16)
    for (std::size_t b = 0; b < kVectors; ++b) {
      const V p = Round::Apply(hn::Mul(load(vj, b), aj));
      acc[b] = Round::Apply(hn::Add(acc[b], p));
    }
  }
  for (std::size_t b = 0; b + 1 < kVectors; ++b) hn::StoreU(acc[b], d, o + b * kLanes);
  if (last == kLanes) return hn::StoreU(acc[kVectors - 1], d, o + (kVectors - 1) * kLanes);
  hn::Store(acc[kVectors - 1], d, tail);
  std::memcpy(o + (kVectors - 1) * kLanes, tail, last * sizeof(float));
}

// Outputs kSums vectors at a time, then the rest together.
template <class Round>
void CombineRowsWith(const float* a, const float* v, std::size_t stride, std::size_t m, std::size_t n, float* o) {
  std::size_t i = 0;
  for (; i + kSums * kLanes <= n; i += kSums * kLanes) CombineBlock<Round, kSums>(a, v + i, stride, m, kLanes, o + i);
  const std::size_t rest = n - i;
  if (rest == 0) return;
  const std::size_t last = rest % kLanes == 0 ? kLanes : rest % kLanes;
  const std::size_t vectors = (rest + kLanes - 1) / kLanes;
  // One instantiation per count below kSums.
  [&]<std::size_t... k>(std::index_sequence<k...>) {
    ((vectors == k + 1 ? CombineBlock<Round, k + 1>(a, v + i, stride, m, last, o + i) : void()), ...);
  }(std::make_index_sequence<kSums>{});
}

// The entry points of this target (KernelSet in fast_matvec.hpp).
void DotRows(const float* panels, std::size_t rows, std::size_t cols, PackedRounding rounding, const float* x,
             float* y) {
  switch (rounding) {
    case PackedRounding::none: DotRowsWith<KeepBinary32>(panels, rows, cols, x, y); return;
    case PackedRounding::bf16: DotRowsWith<RoundToBf16>(panels, rows, cols, x, y); return;
    case PackedRounding::fp16: DotRowsWith<RoundToFp16>(panels, rows, cols, x, y); return;
  }
}

void CombineRows(const float* a, const float* v, std::size_t stride, std::size_t m, std::size_t n,
                 PackedRounding rounding, float* o) {
  switch (rounding) {
    case PackedRounding::none: CombineRowsWith<KeepBinary32>(a, v, stride, m, n, o); return;
    case PackedRounding::bf16: CombineRowsWith<RoundToBf16>(a, v, stride, m, n, o); return;
    case PackedRounding::fp16: CombineRowsWith<RoundToFp16>(a, v, stride, m, n, o); return;
  }
}

// ---- elementwise rows: one value per lane ----------------------------------

// kLanes values from p, or the last `count` < kLanes through a zeroed buffer
// (no load beyond the row).
HWY_INLINE V LoadPart(const float* p, std::size_t count) {
  const D d;
  if (count >= kLanes) return hn::LoadU(d, p);
  HWY_ALIGN float part[kLanes] = {};
  std::memcpy(part, p, count * sizeof(float));
  return hn::Load(d, part);
}

// y_i = f(x_i, i, count) for i < n, a vector at a time (count values of it
// are the row's; the rest are padding and dropped).
template <class F>
HWY_INLINE void Map(const float* x, float* y, std::size_t n, F f) {
  const D d;
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) hn::StoreU(f(hn::LoadU(d, x + i), i, kLanes), d, y + i);
  if constexpr (kLanes > 1) {  // else nothing is left
    if (i == n) return;
    HWY_ALIGN float part[kLanes];
    hn::Store(f(LoadPart(x + i, n - i), i, n - i), d, part);
    std::memcpy(y + i, part, (n - i) * sizeof(float));
  }
}

template <class Round>
void ShiftWith(float* x, std::size_t n, float c) {
  const V cv = hn::Set(D(), c);
  Map(x, x, n, [&](V v, std::size_t, std::size_t) { return Round::Apply(hn::Sub(v, cv)); });
}

template <class Round>
void ScaleWith(const float* x, std::size_t n, float s, const float* g, const float* b, float* y) {
  const V sv = hn::Set(D(), s);
  Map(x, y, n, [&](V v, std::size_t i, std::size_t count) {
    v = Round::Apply(hn::Mul(v, sv));
    if (g != nullptr) v = Round::Apply(hn::Mul(v, LoadPart(g + i, count)));
    if (b != nullptr) v = Round::Apply(hn::Add(v, LoadPart(b + i, count)));
    return v;
  });
}

void Shift(float* x, std::size_t n, float c, PackedRounding rounding) {
  switch (rounding) {
    case PackedRounding::none: ShiftWith<KeepBinary32>(x, n, c); return;
    case PackedRounding::bf16: ShiftWith<RoundToBf16>(x, n, c); return;
    case PackedRounding::fp16: ShiftWith<RoundToFp16>(x, n, c); return;
  }
}

void Scale(const float* x, std::size_t n, float s, const float* g, const float* b, PackedRounding rounding,
           float* y) {
  switch (rounding) {
    case PackedRounding::none: ScaleWith<KeepBinary32>(x, n, s, g, b, y); return;
    case PackedRounding::bf16: ScaleWith<RoundToBf16>(x, n, s, g, b, y); return;
    case PackedRounding::fp16: ScaleWith<RoundToFp16>(x, n, s, g, b, y); return;
  }
}

void Divide(float* x, std::size_t n, float z) {
  const V zv = hn::Set(D(), z);
  Map(x, x, n, [&](V v, std::size_t, std::size_t) { return hn::Div(v, zv); });
}

}  // namespace HWY_NAMESPACE
}  // namespace glasses::model::detail
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "glasses/numerics/simd_dispatch.hpp"

namespace glasses::model::detail {

HWY_EXPORT(DotRows);
HWY_EXPORT(CombineRows);
HWY_EXPORT(Shift);
HWY_EXPORT(Scale);
HWY_EXPORT(Divide);

KernelSet kernels_for(numerics::simd::Target target) {
  return {numerics::simd::pick(HWY_DISPATCH_TABLE(DotRows), target),
          numerics::simd::pick(HWY_DISPATCH_TABLE(CombineRows), target),
          numerics::simd::pick(HWY_DISPATCH_TABLE(Shift), target),
          numerics::simd::pick(HWY_DISPATCH_TABLE(Scale), target),
          numerics::simd::pick(HWY_DISPATCH_TABLE(Divide), target)};
}

}  // namespace glasses::model::detail
#endif  // HWY_ONCE
