// Internal: picking one target's function from a Highway dispatch table
// (HWY_EXPORT), for the sources of the vector kernels only. Those compile
// with the same HWY_TARGETS as numerics/src/simd.cpp (the definitions that
// restrict it are PUBLIC on glasses::numerics), so every target that
// simd::available() lists has an entry.
#pragma once

#include <hwy/targets.h>

#include <cstddef>

#include "glasses/numerics/simd.hpp"

namespace glasses::numerics::simd {

// table[i] for target t, laid out as HWY_EXPORT lays it out: entry 0
// initialises Highway's own choice, then one entry per dynamic target
// (HWY_CHOSEN_TARGET_SHIFT), and the fallback (EMU128 or SCALAR) last.
template <class F, std::size_t N>
F pick(F const (&table)[N], Target t) {
  if constexpr (N == 1) {
    return table[0];  // a build without dynamic dispatch
  } else {
    if ((t.bit & (HWY_EMU128 | HWY_SCALAR)) != 0) return table[N - 1];
    return table[hwy::Num0BitsBelowLS1Bit_Nonzero64(static_cast<std::uint64_t>(HWY_CHOSEN_TARGET_SHIFT(t.bit)))];
  }
}

}  // namespace glasses::numerics::simd
