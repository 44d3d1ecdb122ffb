// Vector kernels for the dot products of the forward pass: many independent
// sums at once, each computed exactly as `dot` (kernels.hpp) computes it.
//
// What is guaranteed
// ------------------
// Every kernel evaluates, for each of its outputs, the recurrence
//
//   acc = R(a_0 · b_0);  acc = R(acc + R(a_k · b_k))  for k = 1, …, n-1
//
// where every · and + is one binary32 operation rounded to nearest even, and
// R is nothing (`PackedRounding::none`) or the rounding to nearest even of
// that binary32 result into bf16 or fp16. That is, operation for operation,
// what `dot` does on a float carrier (with a site rounder into bf16/fp16 for
// the other two). The kernels differ only in what a_k and b_k are:
//
//   packed_dot_rows       y_r = Σ_c W_rc x_c   rows of a PackedMatrix (matvec), or of
//                                              PackedRows (the scores q·k_j)
//   strided_combine_rows  o_i = Σ_j a_j V_ji   terms down the rows (o = Σ_j α_j v_j)
//
// Nothing is reordered or fused: a vector register holds different
// outputs (16, 8 or 4 by target), never terms of one sum, and each
// output's sum runs left to right from its first product. The bits do not
// depend on the target (numerics/simd.hpp) or the CPU. Assumes the floating-point environment
// the whole project assumes: round to nearest, no flush-to-zero, no
// denormals-are-zero.
//
// Why binary32 arithmetic reproduces Emulated<bf16> and Emulated<fp16>
// ---------------------------------------------------------------------
// Emulated<F> computes a+b and a·b in double and rounds once into F
// (emulated.hpp note 4): the correctly rounded result. Here both are
// computed in binary32 and rounded once into F; for F = bf16 (p = 8) and
// F = fp16 (p = 11) this too is the correctly rounded result, so the bits
// agree (tested on random data with subnormals, overflow and NaN, and on
// whole forward passes):
//  1. Products of two p-bit values have at most 2p <= 22 bits, so they are
//     exact in binary32 within its normal range. fp16 products lie in
//     [2^-48, 2^32): always exact. A bf16 product beyond FLT_MAX is beyond
//     bf16's overflow threshold (2 - 2^-8)·2^127 too, and becomes inf either
//     way (binary32 gives inf or FLT_MAX, which R takes to inf). A bf16
//     product v below 2^-126 is rounded twice, to binary32's subnormal grid
//     2^-149, then to bf16's 2^-133. That can differ from one rounding only
//     if the first lands on a bf16 midpoint M (an odd multiple of 2^-134)
//     that v is not: then 0 < |v - M| <= 2^-150, and a 16-bit v that close
//     to M >= 2^-134 must be v = 2^-134 - 2^-150 (bits 2^-135 … 2^-150;
//     anything from 2^-134 up is on the binary32 grid), which binary32
//     rounds up to M (ties to even) and bf16 then to 0 (ties to even): v's
//     own correct rounding, since v < 2^-134.
//  2. Sums: binary32 has 24 >= 2p + 2 bits, so rounding a+b to binary32 and
//     then into F is the correctly rounded sum (Figueroa 1995, the argument
//     of policy.hpp), wherever F rounds as with an unbounded exponent. Below
//     F's smallest normal the sum of two values of F is a small multiple of
//     F's quantum, exact in F and in binary32; beyond FLT_MAX it is inf
//     either way, as for products.
//  3. NaN stays NaN and ±inf stays ±inf, as in round_nearest_even_fast.
//
// Layout
// ------
// `PackedMatrix` holds the rows in panels of 64 rows (the last rows in
// panels of 16, padded with zero rows), each panel column-major: the 64 (or
// 16) weights of one column are contiguous, so a kernel streams a panel
// from start to end, loading per column the vectors of 64 (or 16) rows and
// multiplying them by x_c. It runs several panels at once where the
// registers allow (four with AVX-512's 32 registers, one with AVX2's 16):
// independent sums hide the latency of the additions, and several streams
// through memory let one core come near its memory bandwidth, which bounds
// fp32 decoding (every weight is read once per token). `PackedRows` grows
// one row at a time (the keys of an attention head, one per position) in
// full 64-row panels, so each key is packed once, not once per query.
//
// Kernels
// -------
// One source (src/fast_matvec_hwy.cpp, Highway) compiled for every target
// of numerics/simd.hpp: AVX-512, AVX2, SSE4, NEON and a portable C++
// fallback. A vector holds as many outputs as it has lanes (16, 8 or 4),
// each panel height is a whole number of vectors, and every lane computes
// its own sum: the bits are the same on every target. `automatic` runs the
// target numerics::simd::chosen() picks (the best this CPU runs, or what
// GLASSES_SIMD asks for); it is what a run uses unless its Env (kernels.hpp)
// asks for a given target, or for `none`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "glasses/model/weights.hpp"
#include "glasses/numerics/emulated.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/numerics/rounding.hpp"
#include "glasses/numerics/simd.hpp"

namespace glasses::model {

// What R is in the recurrence above.
enum class PackedRounding : std::uint8_t {
  none,  // binary32 results as they are
  bf16,  // each result rounded to nearest even into bf16
  fp16,  // into IEEE binary16
};

// The rounding of the packed kernels that equals rounding into `f` in
// `mode`, if there is one (nearest-even bf16 or fp16).
std::optional<PackedRounding> packed_rounding_for(const numerics::Format& f, numerics::Rounding mode);

// Which vector kernels run: none (the loops of kernels.hpp, the
// reference), automatic (the target numerics::simd::chosen() picks), or the
// kernels of one target.
struct PackedKernel {
  enum class Kind : std::uint8_t { none, automatic, target };
  Kind kind = Kind::automatic;
  numerics::simd::Target target{};  // for Kind::target
  static PackedKernel none() { return {Kind::none, {}}; }
  static PackedKernel automatic() { return {Kind::automatic, {}}; }
  static PackedKernel on(numerics::simd::Target t) { return {Kind::target, t}; }
  bool operator==(const PackedKernel&) const = default;
};

// The target `kernel` runs; nullopt for none (and for automatic under
// GLASSES_SIMD=none). Throws InputError for a target this CPU or build
// does not run, or a bad GLASSES_SIMD.
std::optional<numerics::simd::Target> resolve(PackedKernel kernel);
std::string to_string(PackedKernel kernel);  // "none", "automatic" or the target's name

namespace detail {
// std::allocator with 64-byte alignment: panels start on cache lines.
template <class U>
struct CacheLineAllocator {
  using value_type = U;
  static constexpr std::align_val_t kAlignment{64};
  CacheLineAllocator() = default;
  template <class V>
  CacheLineAllocator(const CacheLineAllocator<V>&) {}
  U* allocate(std::size_t n) { return static_cast<U*>(::operator new(n * sizeof(U), kAlignment)); }
  void deallocate(U* p, std::size_t) { ::operator delete(p, kAlignment); }
  template <class V>
  bool operator==(const CacheLineAllocator<V>&) const {
    return true;
  }
};
}  // namespace detail

// Panel heights of the layout: full panels, and the panels of the last rows.
inline constexpr std::size_t kPanelRows = 64;
inline constexpr std::size_t kTailPanelRows = 16;

// A rows × cols matrix of binary32 values in panels (see "Layout").
// Empty: no packed copy.
struct PackedMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float, detail::CacheLineAllocator<float>> data;  // panels, zero-padded
  bool empty() const { return rows == 0; }
};

// Packs a row-major rows × cols matrix (cols >= 1).
PackedMatrix pack_rows(const float* w, std::size_t rows, std::size_t cols);

// Rows of `cols` values set one at a time, in panels of 64 rows (the last
// one partly used).
struct PackedRows {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float, detail::CacheLineAllocator<float>> data;  // ceil(rows/64) panels of 64 × cols
};

// Sets row r of K to `row` (cols >= 1 values): r <= K.rows, and the rows
// after r are dropped (a KV cache truncated to r positions and extended).
// The first call fixes K.cols; InputError if a later call differs.
void set_row(PackedRows& K, std::size_t r, const float* row, std::size_t cols);

// The kernels. Each throws InputError if `kernel` is none or does not run
// on this CPU.
//
// y_r = Σ_c W_rc x_c for r < W.rows: a_k = W_rk, b_k = x_k.
void packed_dot_rows(PackedKernel kernel, PackedRounding rounding, const PackedMatrix& W, const float* x, float* y);
// y_j = Σ_i K_(first+j),i x_i for j < count (rows first … first+count-1 of K).
void packed_dot_rows(PackedKernel kernel, PackedRounding rounding, const PackedRows& K, std::size_t first,
                     std::size_t count, const float* x, float* y);
// o_i = Σ_j a_j V_ji for i < n, row j of V at V + j·stride (m >= 1 terms):
// the k-th term is a_k · V_ki.
void strided_combine_rows(PackedKernel kernel, PackedRounding rounding, const float* a, const float* V,
                          std::size_t stride, std::size_t m, std::size_t n, float* o);

// Elementwise rows (the softmax's and the norms' loops over independent
// values; their sums stay in the loops of kernels.hpp): each lane one
// value, one binary32 operation then R per step, as the loops do it.
//
// x_i = R(x_i - c) for i < n (the softmax's shift).
void packed_shift(PackedKernel kernel, PackedRounding rounding, float* x, std::size_t n, float c);
// y_i = R(x_i · s); then y_i = R(y_i · g_i) if g; then y_i = R(y_i + b_i)
// if b (a norm's scale, gain and bias). y may be x.
void packed_scale(PackedKernel kernel, PackedRounding rounding, const float* x, std::size_t n, float s,
                  const float* g, const float* b, float* y);
// x_i = x_i / z in binary32, for float carriers only: a binary32 quotient
// rounded again into bf16/fp16 is not covered by the argument above.
void packed_divide(PackedKernel kernel, float* x, std::size_t n, float z);

// Which scalar types the vector kernels serve, and how: their values as
// binary32 (exactly), and the rounding after each operation.
template <class T>
struct PackedScalar {
  static constexpr bool served = false;
};
template <>
struct PackedScalar<float> {
  static constexpr bool served = true;
  static constexpr PackedRounding rounding = PackedRounding::none;
  static float to_float(float x) { return x; }
  static float from_float(float x) { return x; }
};
// Emulated<bf16> and Emulated<fp16> hold values of their format in a double;
// every such value is a binary32 value.
template <numerics::Format F>
  requires(F == numerics::formats::bf16 || F == numerics::formats::fp16)
struct PackedScalar<numerics::Emulated<F, numerics::Rounding::near_even>> {
  using T = numerics::Emulated<F, numerics::Rounding::near_even>;
  static constexpr bool served = true;
  static constexpr PackedRounding rounding =
      F == numerics::formats::bf16 ? PackedRounding::bf16 : PackedRounding::fp16;
  static float to_float(T x) { return static_cast<float>(x.value()); }
  static T from_float(float x) { return T::from_exact(x); }
};

// The packed copy of W for a served T; an empty PackedMatrix otherwise.
// The weights of a served T are binary32 numbers (p <= 24), so W holds
// them as binary32.
template <class T>
PackedMatrix pack(const WeightMatrix& W) {
  if constexpr (!PackedScalar<T>::served) {
    return {};
  } else {
    if (W.empty()) return {};
    if (W.floats() == nullptr) throw Error("pack: weights of a binary32 kernel type not held row-major in binary32");
    return pack_rows(W.floats(), W.rows, W.cols);
  }
}

namespace detail {
// One target's kernels (src/fast_matvec_hwy.cpp). Raw pointers only;
// `panels` is the data of a rows × cols PackedMatrix.
struct KernelSet {
  void (*dot_rows)(const float* panels, std::size_t rows, std::size_t cols, PackedRounding rounding, const float* x,
                   float* y);
  void (*combine_rows)(const float* a, const float* V, std::size_t stride, std::size_t m, std::size_t n,
                       PackedRounding rounding, float* o);
  void (*shift)(float* x, std::size_t n, float c, PackedRounding rounding);
  void (*scale)(const float* x, std::size_t n, float s, const float* g, const float* b, PackedRounding rounding,
                float* y);
  void (*divide)(float* x, std::size_t n, float z);
};
KernelSet kernels_for(numerics::simd::Target target);  // a target of numerics::simd::available()
}  // namespace detail

}  // namespace glasses::model
