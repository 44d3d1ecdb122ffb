// The vector kernels of fast_matvec.hpp, written once with GCC vector
// extensions and compiled twice: for the baseline instruction set
// (fast_matvec.cpp) and with AVX-512 (fast_matvec_avx512.cpp).
//
// Everything here has internal linkage (an unnamed namespace) and calls
// nothing from the standard library, only compiler builtins: an inline
// function compiled for AVX-512 in one unit could otherwise be chosen by the
// linker for the portable unit too, and run on a CPU without AVX-512.
//
// Each operation below is one IEEE binary32 operation per lane (the
// project builds with -ffp-contract=off, so w·x + acc is never fused).
#pragma once

#include <cstddef>
#include <cstdint>

#include "glasses/model/fast_matvec.hpp"

namespace glasses::model::detail {
namespace {

typedef float Floats __attribute__((vector_size(64)));       // 16 binary32 lanes
typedef std::uint32_t Bits __attribute__((vector_size(64)));  // their bit patterns

constexpr std::size_t kLanes = 16;
constexpr std::size_t kPanel = 64;  // rows of a full panel (fast_matvec.hpp "Layout")

// Vectors are passed by reference: by value, 64-byte vectors have a
// different ABI with and without AVX-512, which GCC warns about.
[[gnu::always_inline]] inline void load(Floats& v, const float* p) { __builtin_memcpy(&v, p, sizeof v); }

// R = nothing: binary32 results.
struct KeepBinary32 {
  [[gnu::always_inline]] static void apply(Floats&) {}
};

// R = to nearest even into bf16. bf16 has binary32's exponent range and
// keeps the top 16 bits of the pattern, subnormals included (its quantum
// 2^-133 is 2^16 binary32 quanta), so rounding is the add-bias trick on the
// whole pattern: add 2^15 - 1 plus the last kept bit, clear the low 16 bits.
// The carry runs into the exponent exactly when the value rounds up to the
// next binade, and to the infinity pattern when it overflows; the sign bit
// is never reached. NaN is kept as it is (the trick could make it inf).
struct RoundToBf16 {
  [[gnu::always_inline]] static void apply(Floats& x) {
    const Bits b = __builtin_bit_cast(Bits, x);
    const Bits rounded = (b + 0x7FFFu + ((b >> 16) & 1u)) & 0xFFFF0000u;
    x = x != x ? x : __builtin_bit_cast(Floats, rounded);
  }
};

// R = to nearest even into fp16 (p = 11, normal from 2^-14, quantum 2^-24,
// largest finite 65504): from 2^-14 up the add-bias trick dropping 13 bits;
// below it (|x| + 1/2) - 1/2, exact in binary32 whose spacing in [1/2, 1)
// is 2^-24, fp16's quantum (the method of round_nearest_even_fast); above
// 65504, which is on the grid, only overflows to inf remain. NaN is kept.
struct RoundToFp16 {
  [[gnu::always_inline]] static void apply(Floats& x) {
    const Bits b = __builtin_bit_cast(Bits, x);
    const Bits sign = b & 0x80000000u;
    const Bits magnitude = b ^ sign;
    const Bits normal = (magnitude + 0x0FFFu + ((magnitude >> 13) & 1u)) & 0xFFFFE000u;
    const Floats subnormal = (__builtin_bit_cast(Floats, magnitude) + 0.5f) - 0.5f;
    const Floats infinity = Floats{} + __builtin_inff();
    Floats r = magnitude >= 0x38800000u ? __builtin_bit_cast(Floats, normal) : subnormal;  // 2^-14
    r = r > 65504.0f ? infinity : r;
    x = x != x ? x : __builtin_bit_cast(Floats, __builtin_bit_cast(Bits, r) | sign);
  }
};

// kPanels consecutive panels of kBlocks · 16 rows each (panel s at
// w + s · kBlocks · 16 · cols, its column c kBlocks · 16 further per c),
// in the steps of `dot`:  acc = R(w_0 · x_0);  p = R(w_c · x_c);  acc = R(acc + p).
// Several panels at once read several streams of memory at once, which a
// single core needs to approach its memory bandwidth. The loops over s and
// b are unrolled so that the sums stay in registers.
template <class Round, std::size_t kPanels, std::size_t kBlocks>
[[gnu::always_inline]] inline void panels(const float* w, std::size_t cols, const float* x,
                                          Floats (&acc)[kPanels][kBlocks]) {
  constexpr std::size_t kHeight = kBlocks * kLanes;
#pragma GCC unroll 4
  for (std::size_t s = 0; s < kPanels; ++s) {
#pragma GCC unroll 4
    for (std::size_t b = 0; b < kBlocks; ++b) {
      load(acc[s][b], w + s * kHeight * cols + b * kLanes);
      acc[s][b] *= x[0];
      Round::apply(acc[s][b]);
    }
  }
  for (std::size_t c = 1; c < cols; ++c) {
    const float xc = x[c];
#pragma GCC unroll 4
    for (std::size_t s = 0; s < kPanels; ++s) {
      const float* wc = w + (s * cols + c) * kHeight;
#pragma GCC unroll 4
      for (std::size_t b = 0; b < kBlocks; ++b) {
        Floats p;
        load(p, wc + b * kLanes);
        p *= xc;
        Round::apply(p);
        acc[s][b] += p;
        Round::apply(acc[s][b]);
      }
    }
  }
}

// y for the rows of kPanels panels of kBlocks · 16 rows starting at row r
// (at most `rows` rows in all: the padding rows of the last panel are
// dropped). Returns the rows done.
template <class Round, std::size_t kPanels, std::size_t kBlocks>
std::size_t panel_rows(const float* w, std::size_t r, std::size_t rows, std::size_t cols, const float* x, float* y) {
  Floats acc[kPanels][kBlocks];
  panels<Round>(w, cols, x, acc);
  const std::size_t n = rows - r < kPanels * kBlocks * kLanes ? rows - r : kPanels * kBlocks * kLanes;
  __builtin_memcpy(y + r, acc, n * sizeof(float));
  return n;
}

// Panels of 64 rows, four at a time, then the rest of them together, then
// the panels of 16 rows (at most four; the last one padded) together. The
// panel holding row r starts at w + r · cols.
template <class Round>
void dot_rows(const float* w, std::size_t rows, std::size_t cols, const float* x, float* y) {
  constexpr std::size_t kGroup = 4, kBlocks = kPanel / kLanes;
  std::size_t r = 0;
  while (r + kGroup * kPanel <= rows) r += panel_rows<Round, kGroup, kBlocks>(w + r * cols, r, rows, cols, x, y);
  switch ((rows - r) / kPanel) {
    case 3: r += panel_rows<Round, 3, kBlocks>(w + r * cols, r, rows, cols, x, y); break;
    case 2: r += panel_rows<Round, 2, kBlocks>(w + r * cols, r, rows, cols, x, y); break;
    case 1: r += panel_rows<Round, 1, kBlocks>(w + r * cols, r, rows, cols, x, y); break;
    default: break;
  }
  switch ((rows - r + kLanes - 1) / kLanes) {
    case 4: panel_rows<Round, 4, 1>(w + r * cols, r, rows, cols, x, y); break;
    case 3: panel_rows<Round, 3, 1>(w + r * cols, r, rows, cols, x, y); break;
    case 2: panel_rows<Round, 2, 1>(w + r * cols, r, rows, cols, x, y); break;
    case 1: panel_rows<Round, 1, 1>(w + r * cols, r, rows, cols, x, y); break;
    default: break;
  }
}

// o_i = Σ_j a_j V_ji for kBlocks · 16 consecutive i at once (row j of V at
// V + j·stride), in the steps of the generic loop:
//   acc = R(a_0 · V_0i);  p = R(a_j · V_ji);  acc = R(acc + p).
// `last_bytes` < 64 loads and stores only part of the last vector (the
// tail of a row), the rest of it zero.
template <class Round, std::size_t kBlocks>
[[gnu::always_inline]] inline void combine_block(const float* a, const float* V, std::size_t stride, std::size_t m,
                                                 std::size_t last_bytes, float* o) {
  Floats acc[kBlocks];
#pragma GCC unroll 4
  for (std::size_t b = 0; b < kBlocks; ++b) {
    acc[b] = Floats{};
    __builtin_memcpy(&acc[b], V + b * kLanes, b + 1 < kBlocks ? sizeof(Floats) : last_bytes);
    acc[b] *= a[0];
    Round::apply(acc[b]);
  }
  for (std::size_t j = 1; j < m; ++j) {
    const float* vj = V + j * stride;
    const float aj = a[j];
#pragma GCC unroll 4
    for (std::size_t b = 0; b < kBlocks; ++b) {
      Floats p{};
      __builtin_memcpy(&p, vj + b * kLanes, b + 1 < kBlocks ? sizeof(Floats) : last_bytes);
      p *= aj;
      Round::apply(p);
      acc[b] += p;
      Round::apply(acc[b]);
    }
  }
#pragma GCC unroll 4
  for (std::size_t b = 0; b < kBlocks; ++b) {
    __builtin_memcpy(o + b * kLanes, &acc[b], b + 1 < kBlocks ? sizeof(Floats) : last_bytes);
  }
}

// Outputs in groups of 64 (four sums in flight), then the rest together.
template <class Round>
void combine_rows(const float* a, const float* V, std::size_t stride, std::size_t m, std::size_t n, float* o) {
  constexpr std::size_t kFull = sizeof(Floats);
  std::size_t i = 0;
  for (; i + kPanel <= n; i += kPanel) combine_block<Round, 4>(a, V + i, stride, m, kFull, o + i);
  const std::size_t rest = n - i;
  const std::size_t last = (rest % kLanes == 0 ? kLanes : rest % kLanes) * sizeof(float);
  switch ((rest + kLanes - 1) / kLanes) {
    case 1: combine_block<Round, 1>(a, V + i, stride, m, last, o + i); break;
    case 2: combine_block<Round, 2>(a, V + i, stride, m, last, o + i); break;
    case 3: combine_block<Round, 3>(a, V + i, stride, m, last, o + i); break;
    case 4: combine_block<Round, 4>(a, V + i, stride, m, last, o + i); break;
    default: break;
  }
}

// The entry points of one compilation (KernelSet in fast_matvec.hpp).
void dot_rows_with(const float* panels, std::size_t rows, std::size_t cols, PackedRounding rounding, const float* x,
                   float* y) {
  switch (rounding) {
    case PackedRounding::none: dot_rows<KeepBinary32>(panels, rows, cols, x, y); return;
    case PackedRounding::bf16: dot_rows<RoundToBf16>(panels, rows, cols, x, y); return;
    case PackedRounding::fp16: dot_rows<RoundToFp16>(panels, rows, cols, x, y); return;
  }
}

void combine_rows_with(const float* a, const float* V, std::size_t stride, std::size_t m, std::size_t n,
                       PackedRounding rounding, float* o) {
  switch (rounding) {
    case PackedRounding::none: combine_rows<KeepBinary32>(a, V, stride, m, n, o); return;
    case PackedRounding::bf16: combine_rows<RoundToBf16>(a, V, stride, m, n, o); return;
    case PackedRounding::fp16: combine_rows<RoundToFp16>(a, V, stride, m, n, o); return;
  }
}

}  // namespace
}  // namespace glasses::model::detail
