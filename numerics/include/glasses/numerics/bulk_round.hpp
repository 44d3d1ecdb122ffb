// Bulk rounding: a whole buffer of binary32 or binary64 values into a format.
//
// What is guaranteed
// ------------------
// `round_array(f, mode, in, out)` stores in out[i] exactly the value
// `round(f, in[i], ctx)` (rounding.hpp, tested against MPFR) returns in that
// mode, element by element: the same bits, signed zeros and subnormals
// included, overflow mapped by f's overflow and specials settings, infinities
// mapped like the scalar reference does (no flags), and NaN kept as the same
// NaN with its quiet bit set (what the scalar reference gives, since it
// carries the value in a double). It returns the OR of the scalar flags of
// all elements, exactly. The RoundingContext overloads also cover stochastic
// rounding: they behave as the loop `for i: out[i] = round(f, in[i], ctx)`,
// the same values, the same flags (OR-ed into ctx.flags) and the same random
// stream, one draw per finite nonzero element in order, on every path,
// vectorised or not. Same seed, same bits.
//
// How: rounding on the bit pattern
// --------------------------------
// For a finite carrier value with magnitude bits `a` (sign cleared), the
// pattern is linear in the value within each binade and across the carrier's
// subnormals, and the binade boundaries are multiples of the target quantum
// whenever fewer than the carrier's p bits are dropped. Rounding to f's grid
// is then an integer operation on `a`: drop the low k bits, where
//
//   k = Q - u,   u = exponent of the carrier ulp at |x|,
//   Q = exponent of f's quantum: max(e, emin) - p + 1 with subnormals,
//       e - p + 1 above 2^emin and emin below it without them,
//
// and add one unit 2^k when the mode says "up" (nearest-even: the add-bias
// trick a + (2^(k-1) - 1) + bit_k, then mask; the carry runs into the
// exponent field exactly when the value rounds up to the next binade).
// Special cases, referenced from the code:
//  1. k >= carrier p (values below half the smallest quantum of f, or below
//     2^emin without subnormals): the result is 0 or 2^Q, decided by comparing
//     a with the pattern of 2^(Q-1).
//  2. Overflow: the rounded pattern exceeds the pattern of max_finite(f);
//     the result is the scalar reference's overflow result for the mode and
//     sign (infinity, largest finite or NaN).
//  3. Underflow (tininess after rounding, x86 convention): an inexact result
//     below 2^emin is tiny unless rounding to p bits with unbounded exponent
//     reaches 2^emin; for a fixed mode and sign that is one threshold on a.
//     Stochastic rounding decides it with the element's own random draw.
//  4. Stochastic rounding rounds up when the draw r satisfies
//     r < rem * 2^(64-k) (rem = the dropped bits), which is the scalar
//     reference's comparison rewritten for the carrier's own significand.
//  5. binary64 subnormals above 2^emin (only for formats reaching below
//     2^-1022, such as mpfr:<bits>) drop k = bit_length(a) - p bits.
// For fp16 and round-to-nearest the vector path on x86 uses the F16C
// conversion (vcvtps2ph, immediate rounding, then back), which is the same
// correctly rounded conversion, subnormals included, when MXCSR's DAZ and
// FTZ bits are clear; otherwise it rounds with integer operations. The
// binary32 -> bf16 instruction (vcvtneps2bf16) flushes subnormals and is
// never used.
//
// Paths
// -----
// A portable scalar loop; AVX-512 kernels (F, BW, VL, DQ) chosen at run
// time when the CPU has them and GLASSES_SIMD (simd.hpp) allows AVX-512;
// and for the commonest requests, bf16 and fp16 to nearest even from
// binary32, dedicated Highway kernels on every target (flags only when
// asked). All compute the same function; the tests compare them with the
// scalar reference, exhaustively for fp16 and bf16, and the Highway kernels
// on every target bit for bit.
//
// Things you should know
//  1. binary32 input requires f to fit in binary32: p <= 24, emin >= -126,
//     emax <= 127 (every value of f is then a binary32 value, and the rounding
//     needs no normalisation). binary64 input accepts any f with p <= 53.
//  2. `in` and `out` must have equal sizes and may alias exactly (in place),
//     but must not overlap otherwise.
//  3. The mode overloads refuse Rounding::stochastic: stochastic rounding
//     needs a seed, which travels in a RoundingContext.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/rounding.hpp"
#include "glasses/numerics/simd.hpp"

namespace glasses::numerics {

// Whether every value of f is a binary32 value (p <= 24, emin >= -126,
// emax <= 127), as the binary32 overloads require.
bool fits_binary32(const Format& f);

// out[i] = round(f, in[i]) in `mode` (deterministic modes); returns the OR of
// the flags. Throws InputError for stochastic mode, mismatched sizes, partial
// overlap, or a format that does not fit the carrier.
Flags round_array(const Format& f, Rounding mode, std::span<const float> in, std::span<float> out);
Flags round_array(const Format& f, Rounding mode, std::span<const double> in, std::span<double> out);

// round_array without the flags, for callers that do not read them: the
// same values; bf16 to nearest even then skips computing the flags.
void round_array_values(const Format& f, Rounding mode, std::span<const float> in, std::span<float> out);

// for i in order: out[i] = round(f, in[i], ctx), in ctx.mode (any mode).
// Returns the flags of this call; they are also OR-ed into ctx.flags.
Flags round_array(const Format& f, std::span<const float> in, std::span<float> out, RoundingContext& ctx);
Flags round_array(const Format& f, std::span<const double> in, std::span<double> out, RoundingContext& ctx);

namespace detail {

// Which implementation runs. `automatic` is what the public functions use.
enum class BulkKernel : std::uint8_t {
  portable,     // scalar C++, any CPU
  avx512,       // integer bit manipulation, 16 (binary32) or 8 (binary64) lanes
  simd_bf16,    // Highway (simd.hpp): bf16, near_even, binary32 input; on the target simd::chosen()
  simd_fp16,    // Highway (simd.hpp): fp16, near_even, binary32 input; on the target simd::chosen()
  automatic,    // the fastest available kernel that serves the request
};

// Whether this CPU can run `kernel`.
bool bulk_kernel_available(BulkKernel kernel);

// The kernel `automatic` resolves to for this request on this machine.
BulkKernel bulk_kernel_for(const Format& f, Rounding mode, bool binary32_input);

// round_array with a chosen kernel (throws InputError if `kernel` cannot
// serve the request here). If `flags_each` is not empty it must have in.size()
// elements and receives each element's own flag bits (tests use this).
Flags round_array_with(BulkKernel kernel, const Format& f, std::span<const float> in, std::span<float> out,
                       RoundingContext& ctx, std::span<std::uint8_t> flags_each = {});
Flags round_array_with(BulkKernel kernel, const Format& f, std::span<const double> in, std::span<double> out,
                       RoundingContext& ctx, std::span<std::uint8_t> flags_each = {});

// Everything a kernel needs about (format, mode, carrier), precomputed once
// per call with integer arithmetic. `Bits` is the carrier's bit pattern type
// (uint32_t or uint64_t); every `p_*` is the magnitude pattern of the
// smallest carrier value >= the quantity named (the infinity pattern beyond
// the carrier's range, 1 below it).
template <class Bits>
struct BulkPlan {
  Rounding mode = Rounding::near_even;
  int p = 0;                   // precision of f
  int k_normal = 0;            // bits dropped at and above 2^emin: carrier_p - p
  int k_below = 0;             // below 2^emin: k = k_below - max(E, 1), E = exponent field
  int k_unbounded = 0;         // same, for p bits with unbounded exponent (tininess)
  bool uniform = false;        // k == k_normal for every finite value (emin at the carrier's)
  bool wide_subnormal = false;  // carrier subnormals above 2^emin (special case 5)
  Bits p_emin = 0;             // 2^emin
  Bits p_quantum = 0;          // 2^Q below 2^emin (special case 1)
  Bits p_half_quantum = 0;     // 2^(Q-1)
  Bits p_max = 0;              // max_finite(f) (the infinity pattern if beyond the carrier)
  Bits p_overflows = 0;        // 2^(emax+1): every finite value from here on overflows
  Bits p_last_below_emin = 0;  // ceil of (2^p - 1) 2^(emin-p): stochastic tininess
  Bits tiny_below[2] = {0, 0};  // [negative]: an inexact result is tiny iff a < this
  Bits overflow_to[2] = {0, 0};  // [negative]: result bits of an overflow
  Bits infinity_to[2] = {0, 0};  // [negative]: result bits for an infinite input
};

// The AVX-512 kernels (bulk_round_avx512.cpp); call only when
// bulk_kernel_available says so. They return the flag bits, write
// flags_each[i] when it is non-null, and advance *random_state by one
// SplitMix64 step per finite nonzero element in stochastic mode.
std::uint8_t avx512_round_f32(const BulkPlan<std::uint32_t>& plan, const float* in, float* out, std::size_t n,
                              std::uint64_t* random_state, std::uint8_t* flags_each);
std::uint8_t avx512_round_f64(const BulkPlan<std::uint64_t>& plan, const double* in, double* out, std::size_t n,
                              std::uint64_t* random_state, std::uint8_t* flags_each);
// The bf16 kernel (bulk_round_hwy.cpp) on `target`: out = in rounded to
// bf16, nearest even; the OR of the flags when `flags`, else 0.
// `tiny_below` is the plan's tininess threshold (tiny_below[0]).
std::uint8_t simd_round_bf16(simd::Target target, const float* in, float* out, std::size_t n,
                             std::uint32_t tiny_below, bool flags);
// The same for fp16: integer operations on every target, or with `hardware`
// on x86 targets from AVX2 up the F16C conversions (call it so only while
// MXCSR's DAZ and FTZ bits are clear); the same bits either way.
std::uint8_t simd_round_fp16(simd::Target target, const float* in, float* out, std::size_t n,
                             std::uint32_t tiny_below, bool flags, bool hardware);

}  // namespace detail
}  // namespace glasses::numerics
