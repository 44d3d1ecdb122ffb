// Bit patterns: all 256 OCP fp8 values against the specification's
// formula, NaN conventions of x86 SSE (SoftFloat 8086-SSE) on hand-worked
// cases, encode/decode round trips, and conversions against the F16C
// hardware.
#include "glasses/numerics/bits.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <immintrin.h>
#include <random>

#include "glasses/numerics/error.hpp"
#include "support/bits.hpp"
#include "support/feature.hpp"

namespace gn = glasses::numerics;
using gn::ArithOp;
using gn::Flags;

namespace {

// The OCP OFP8 definition (v1.0, section 4), written independently of
// BitCodec: value = (-1)^S 2^(E - bias) (1 + M / 2^m) for E > 0 and
// (-1)^S 2^(1 - bias) (M / 2^m) for E = 0; E4M3 has NaN only at S.1111.111
// and no infinities; E5M2 has IEEE infinities (E = 31, M = 0) and NaNs.
double ocp_value(std::uint32_t bits, int exponent_bits, int mantissa_bits, bool ieee_specials) {
  const int bias = ieee_specials ? (1 << (exponent_bits - 1)) - 1 : (1 << (exponent_bits - 1)) - 1;
  const std::uint32_t s = bits >> (exponent_bits + mantissa_bits);
  const std::uint32_t e = (bits >> mantissa_bits) & ((1u << exponent_bits) - 1);
  const std::uint32_t m = bits & ((1u << mantissa_bits) - 1);
  const bool e_all_ones = e == (1u << exponent_bits) - 1;
  if (ieee_specials && e_all_ones) return m == 0 ? (s ? -INFINITY : INFINITY) : NAN;
  if (!ieee_specials && e_all_ones && m == (1u << mantissa_bits) - 1) return NAN;
  const double magnitude = e == 0 ? std::ldexp(m, 1 - bias - mantissa_bits)
                                  : std::ldexp((1u << mantissa_bits) + m, static_cast<int>(e) - bias - mantissa_bits);
  return s ? -magnitude : magnitude;
}

std::uint64_t run(ArithOp op, const gn::Format& f, std::initializer_list<std::uint64_t> operands,
                  std::uint8_t* flags = nullptr, gn::Rounding mode = gn::Rounding::near_even) {
  gn::RoundingContext ctx{mode};
  const std::vector<std::uint64_t> v(operands);
  const std::uint64_t r = gn::arith(op, f, v, ctx);
  if (flags) *flags = ctx.flags.bits;
  return r;
}

// F16C conversions, compiled for F16C only here and called only when the CPU has it.
__attribute__((target("f16c"))) float f16c_to_float(unsigned short h) { return _cvtsh_ss(h); }
__attribute__((target("f16c"))) unsigned short f16c_from_float(float f) {
  return static_cast<unsigned short>(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bits)

BOOST_AUTO_TEST_CASE(all_fp8_values_match_the_ocp_definition) {
  const gn::BitCodec e4m3(gn::formats::e4m3), e5m2(gn::formats::e5m2);
  for (std::uint32_t b = 0; b < 256; ++b) {
    const double want4 = ocp_value(b, 4, 3, false), want5 = ocp_value(b, 5, 2, true);
    BOOST_TEST(glasses::test::same_value(e4m3.decode(b), want4), "E4M3 " << glasses::test::hex(b, 2));
    BOOST_TEST(glasses::test::same_value(e5m2.decode(b), want5), "E5M2 " << glasses::test::hex(b, 2));
    if (!std::isnan(want4)) BOOST_TEST(e4m3.encode(want4) == b);
    if (!std::isnan(want5)) BOOST_TEST(e5m2.encode(want5) == b);
  }
  // Landmarks quoted in the OCP specification's table 1.
  BOOST_TEST(e4m3.decode(0x7E) == 448.0);
  BOOST_TEST(e4m3.decode(0x01) == std::ldexp(1.0, -9));
  BOOST_TEST(e4m3.decode(0x08) == std::ldexp(1.0, -6));
  BOOST_TEST(e5m2.decode(0x7B) == 57344.0);
  BOOST_TEST(e5m2.decode(0x01) == std::ldexp(1.0, -16));
  BOOST_TEST(std::isinf(e5m2.decode(0x7C)));
  BOOST_TEST(e4m3.is_nan(0x7F));
  BOOST_TEST(e4m3.is_nan(0xFF));
  BOOST_TEST(!e4m3.is_nan(0x7E));
  BOOST_TEST(e5m2.is_signaling_nan(0x7D));
  BOOST_TEST(!e5m2.is_signaling_nan(0x7E));
}

BOOST_AUTO_TEST_CASE(all_16_bit_patterns_round_trip) {
  for (const gn::Format& f : {gn::formats::fp16, gn::formats::bf16}) {
    const gn::BitCodec c(f);
    for (std::uint64_t b = 0; b < 65536; ++b) {
      if (c.is_nan(b)) continue;
      BOOST_TEST_REQUIRE(c.encode(c.decode(b)) == b);
    }
  }
}

// Default NaNs of the x86 convention: sign set, quiet bit set.
BOOST_AUTO_TEST_CASE(default_nans_are_the_x86_ones) {
  BOOST_TEST(gn::BitCodec(gn::formats::fp16).default_nan() == 0xFE00u);
  BOOST_TEST(gn::BitCodec(gn::formats::bf16).default_nan() == 0xFFC0u);
  BOOST_TEST(gn::BitCodec(gn::formats::fp32).default_nan() == 0xFFC00000u);
  BOOST_TEST(gn::BitCodec(gn::formats::e5m2).default_nan() == 0xFEu);
  BOOST_TEST(gn::BitCodec(gn::formats::e4m3).default_nan() == 0xFFu);
  BOOST_TEST(gn::BitCodec(gn::formats::tf32).default_nan() == 0x7FE00u);  // 19 bits: 1 + 8 + 10
}

// SoftFloat 8086-SSE, s_propagateNaNF16UI and s_mulAddF16, worked by hand.
BOOST_AUTO_TEST_CASE(nan_propagation_follows_sse) {
  const gn::Format h = gn::formats::fp16;
  std::uint8_t flags = 0;
  const std::uint64_t one = 0x3C00, inf = 0x7C00, zero = 0x0000;
  const std::uint64_t qnan_a = 0x7E01, qnan_b = 0x7E02, snan_b = 0x7C05;
  BOOST_TEST(run(ArithOp::add, h, {qnan_a, qnan_b}, &flags) == qnan_a);  // first NaN
  BOOST_TEST(flags == 0);
  BOOST_TEST(run(ArithOp::add, h, {one, qnan_b}, &flags) == qnan_b);
  BOOST_TEST(run(ArithOp::add, h, {qnan_a, snan_b}, &flags) == qnan_a);  // a is NaN, b signalling: invalid, a
  BOOST_TEST(flags == Flags::invalid);
  BOOST_TEST(run(ArithOp::mul, h, {snan_b, qnan_a}, &flags) == (snan_b | 0x0200));  // signalling a wins, quieted
  BOOST_TEST(flags == Flags::invalid);
  BOOST_TEST(run(ArithOp::sub, h, {inf, inf}, &flags) == 0xFE00u);  // inf - inf: default NaN
  BOOST_TEST(flags == Flags::invalid);
  BOOST_TEST(run(ArithOp::div, h, {zero, zero}, &flags) == 0xFE00u);
  BOOST_TEST(flags == Flags::invalid);
  BOOST_TEST(run(ArithOp::div, h, {one, zero}, &flags) == inf);
  BOOST_TEST(flags == Flags::infinite);
  BOOST_TEST(run(ArithOp::sqrt, h, {0xBC00}, &flags) == 0xFE00u);  // sqrt(-1)
  BOOST_TEST(flags == Flags::invalid);
  BOOST_TEST(run(ArithOp::sqrt, h, {0x8000}, &flags) == 0x8000u);  // sqrt(-0) = -0
  BOOST_TEST(flags == 0);
  // 0 * inf + qNaN raises invalid and gives the default NaN.
  BOOST_TEST(run(ArithOp::fma, h, {zero, inf, qnan_a}, &flags) == 0xFE00u);
  BOOST_TEST(flags == Flags::invalid);
  // inf * 1 + qNaN: the NaN addend propagates, no flag.
  BOOST_TEST(run(ArithOp::fma, h, {inf, one, qnan_a}, &flags) == qnan_a);
  BOOST_TEST(flags == 0);
  // x * y + sNaN: invalid, quieted addend.
  BOOST_TEST(run(ArithOp::fma, h, {one, one, snan_b}, &flags) == (snan_b | 0x0200));
  BOOST_TEST(flags == Flags::invalid);
  // Exact cancellation: +0, or -0 rounding toward -inf.
  BOOST_TEST(run(ArithOp::sub, h, {one, one}, &flags) == 0x0000u);
  BOOST_TEST(run(ArithOp::sub, h, {one, one}, &flags, gn::Rounding::min) == 0x8000u);
  BOOST_TEST(run(ArithOp::fma, h, {one, one, 0xBC00}, &flags, gn::Rounding::min) == 0x8000u);
}

BOOST_AUTO_TEST_CASE(operation_names) {
  BOOST_TEST(gn::operand_count(gn::parse_arith_op("fma")) == 3);
  BOOST_TEST(gn::operand_count(gn::parse_arith_op("to_f64")) == 1);
  BOOST_CHECK_THROW(gn::parse_arith_op("pow"), glasses::InputError);
}

BOOST_AUTO_TEST_SUITE_END()

// Skipped (not passed) on a CPU without F16C.
BOOST_AUTO_TEST_SUITE(bits_f16c, *boost::unit_test::precondition(glasses::test::cpu_has_f16c))

// Conversions against the F16C hardware (round to nearest even), which
// implements the same x86 conventions, NaN payloads included.
BOOST_AUTO_TEST_CASE(fp16_conversions_match_f16c) {
  const gn::Format h = gn::formats::fp16;
  long mismatches = 0;
  for (std::uint32_t b = 0; b < 65536; ++b) {
    std::uint8_t flags = 0;
    const std::uint64_t mine = run(ArithOp::to_f32, h, {b}, &flags);
    const std::uint32_t hw = glasses::test::bits_of(f16c_to_float(static_cast<unsigned short>(b)));
    if (mine != hw && mismatches++ < 5) BOOST_TEST_MESSAGE("to_f32 " << glasses::test::hex(b, 4));
  }
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2'000'000; ++i) {
    const auto b = static_cast<std::uint32_t>(rng());
    const std::uint64_t mine = run(ArithOp::from_f32, h, {b});
    const unsigned short hw = f16c_from_float(std::bit_cast<float>(b));
    if (mine != hw && mismatches++ < 5) BOOST_TEST_MESSAGE("from_f32 " << glasses::test::hex(b, 8));
  }
  BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_SUITE_END()
