// Which compilation of the vector kernels runs: one source per kernel,
// compiled by Highway (github.com/google/highway) for several instruction
// sets ("targets") and chosen at run time.
//
// What is guaranteed
// ------------------
// The vector kernels of glasses (model/fast_matvec.hpp, bulk_round.hpp)
// return the same bits on every target: each vector lane computes its own
// output with the same operations in the same order (lanes are outputs,
// never terms of one sum; no fused multiply-add). The tests run every
// target this binary holds and this CPU runs, on the same inputs, and
// compare the bits.
//
// Choosing the target: GLASSES_SIMD
// ---------------------------------
// By default the best target the CPU runs is used. The environment variable
// GLASSES_SIMD, read once per process, restricts that choice (for tests and
// benchmarks; results do not change, only speed):
//   best      the default
//   avx512    AVX-512 F/BW/DQ/VL (x86-64)
//   avx2      AVX2 + FMA (x86-64-v3; the kernels do not fuse)
//   sse4      SSE4.2 (x86-64-v2)
//   neon      NEON (Arm)
//   portable  plain C++, 128-bit vectors emulated (any CPU)
//   none      no vector kernels: the loops of model/kernels.hpp, the reference
// An unknown name, or a target this binary or CPU lacks, is an InputError
// naming GLASSES_SIMD. Scalable targets (SVE, RVV) are not compiled: the
// kernels keep arrays of vectors, which sizeless vector types cannot form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glasses::numerics::simd {

// One Highway target: its bit (HWY_AVX3, HWY_AVX2, HWY_EMU128, ...).
struct Target {
  std::int64_t bit = 0;
  bool operator==(const Target&) const = default;
};

// The name of `t` in GLASSES_SIMD ("avx512", "avx2", ..., "portable").
std::string to_string(Target t);

// The targets compiled into this binary that this CPU runs, best first; the
// last is `portable`, which runs everywhere.
const std::vector<Target>& available();

// The target GLASSES_SIMD chooses (the best available one by default);
// nullopt for GLASSES_SIMD=none. Throws InputError for a bad value.
std::optional<Target> chosen();

// The value of GLASSES_SIMD resolved as `chosen` does (for a given value).
std::optional<Target> parse(std::string_view value);

// For tests that run a whole computation (a sweep, on its own threads) on
// each target: while it lives, `chosen` returns `target` in every thread.
// Not for concurrent use with another ScopedTarget.
class ScopedTarget {
 public:
  explicit ScopedTarget(Target target);
  ~ScopedTarget();
  ScopedTarget(const ScopedTarget&) = delete;
  ScopedTarget& operator=(const ScopedTarget&) = delete;

 private:
  std::int64_t previous_;
};

}  // namespace glasses::numerics::simd
