// Tests of cpp_bin_float.hpp: BinFloat256, Boost's cpp_bin_float<256>.
//
// References: exact rationals (Boost's cpp_rational, built from the
// operands' integer significands, no floating point) for + − × ÷ and √,
// and MPFR's correctly rounded functions for the transcendentals, whose
// error bound (4 ulps) is the one the README's agreement bound uses.
#include <boost/math/special_functions/next.hpp>
#include <boost/multiprecision/cpp_int.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <random>
#include <string>

#include "glasses/numerics/cpp_bin_float.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/numerics/scalar_traits.hpp"

namespace {

namespace bmp = boost::multiprecision;
namespace gn = glasses::numerics;
using gn::BinFloat256;
using gn::MpfrReal;

// x exactly, as a rational: its 256-bit integer significand times 2^e.
bmp::cpp_rational exact(const BinFloat256& x) {
  if (x == 0) return 0;
  int e = 0;
  const BinFloat256 f = bmp::frexp(bmp::abs(x), &e);
  const bmp::cpp_int m = static_cast<bmp::cpp_int>(bmp::ldexp(f, 256));
  bmp::cpp_rational r(m);
  const int shift = e - 256;
  if (shift >= 0) {
    r *= bmp::cpp_rational(bmp::cpp_int(1) << shift);
  } else {
    r /= bmp::cpp_rational(bmp::cpp_int(1) << -shift);
  }
  return x < 0 ? bmp::cpp_rational(-r) : r;
}

// A random BinFloat256 of full 256-bit significand in [2^lo, 2^hi), random sign.
BinFloat256 random_value(std::mt19937_64& g, int lo, int hi) {
  bmp::cpp_int m = 1;
  for (int i = 0; i < 4; ++i) m = (m << 64) | g();
  m >>= 1;  // 256 random bits below a leading 1: exactly 257 bits, shifted to 256
  std::uniform_int_distribution<int> exponent(lo, hi - 1);
  BinFloat256 x = bmp::ldexp(BinFloat256(m), exponent(g) - 255);
  return (g() & 1) ? BinFloat256(-x) : x;
}

// Whether y is r rounded to nearest, ties to even, among BinFloat256's values.
bool is_nearest_even(const BinFloat256& y, const bmp::cpp_rational& r) {
  const BinFloat256 below = boost::math::float_prior(y), above = boost::math::float_next(y);
  const bmp::cpp_rational d = bmp::abs(r - exact(y));
  const bmp::cpp_rational d_below = bmp::abs(r - exact(below)), d_above = bmp::abs(r - exact(above));
  if (d < d_below && d < d_above) return true;
  if (d > d_below || d > d_above) return false;
  // A tie: the even neighbour wins (its last significand bit is 0).
  int e = 0;
  const bmp::cpp_int m = static_cast<bmp::cpp_int>(bmp::ldexp(bmp::frexp(bmp::abs(y), &e), 256));
  return !bmp::bit_test(m, 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cpp_bin_float)

BOOST_AUTO_TEST_CASE(format_is_named_and_distinct_from_mpfr_256) {
  BOOST_TEST(gn::to_string(gn::parse_format("cpp_bin_float:256")) == "cpp_bin_float:256");
  BOOST_TEST(gn::is_cpp_bin_float(gn::parse_format("cpp_bin_float:256")));
  BOOST_TEST(!(gn::formats::cpp_bin_float256 == gn::formats::mpfr(256)));
  BOOST_TEST(!gn::is_mpfr(gn::formats::cpp_bin_float256));
  BOOST_CHECK_THROW(gn::parse_format("cpp_bin_float:113"), glasses::InputError);
  BOOST_CHECK_THROW(gn::parse_format("cpp_bin_float:"), glasses::InputError);
  BOOST_TEST(std::numeric_limits<BinFloat256>::digits == 256);
}

BOOST_AUTO_TEST_CASE(mpfr_conversions_are_exact) {
  std::mt19937_64 g(11);
  for (int i = 0; i < 2000; ++i) {
    const BinFloat256 x = random_value(g, -300, 300);
    const MpfrReal m = gn::to_mpfr(x);
    BOOST_TEST_REQUIRE(gn::from_mpfr(m) == x);
    // The MPFR value is the rational value: compare through its decimal
    // expansion of the exact significand.
    mpz_t z;
    mpz_init(z);
    const mpfr_exp_t e = mpfr_get_z_2exp(z, m.data());
    char* digits = mpz_get_str(nullptr, 10, z);
    bmp::cpp_rational r{bmp::cpp_int(std::string(digits))};
    std::free(digits);
    mpz_clear(z);
    if (e >= 0) r *= bmp::cpp_rational(bmp::cpp_int(1) << e);
    else r /= bmp::cpp_rational(bmp::cpp_int(1) << -e);
    BOOST_TEST_REQUIRE(r == exact(x));
  }
  // Wider MPFR values round once to nearest.
  const MpfrReal third = MpfrReal::from_ratio(1, 3, 1000);
  BOOST_TEST(is_nearest_even(gn::from_mpfr(third), bmp::cpp_rational(1, 3)));
  BOOST_TEST(gn::ScalarTraits<BinFloat256>::to_double(BinFloat256(1) / 3) == 1.0 / 3);
}

// + − × ÷ against the exact rational result, on full-width operands of
// mixed magnitudes (cancellation included), and √ through squares: y is
// the nearest iff the midpoints around y bracket √x, i.e. their squares
// bracket x (a tie is impossible: a 257-bit midpoint squared has more
// than 256 bits).
BOOST_AUTO_TEST_CASE(basic_operations_round_to_nearest_even) {
  std::mt19937_64 g(7);
  int wrong[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    const BinFloat256 a = random_value(g, -40, 40);
    BinFloat256 b = random_value(g, -40, 40);
    if (i % 5 == 0) b = -a + random_value(g, -120, -60) * a;  // heavy cancellation
    const bmp::cpp_rational ra = exact(a), rb = exact(b);
    wrong[0] += !is_nearest_even(a + b, ra + rb);
    wrong[1] += !is_nearest_even(a - b, ra - rb);
    wrong[2] += !is_nearest_even(a * b, ra * rb);
    wrong[3] += !is_nearest_even(a / b, ra / rb);
    const BinFloat256 x = bmp::abs(a);
    const BinFloat256 y = gn::sqrt(x);
    const bmp::cpp_rational ry = exact(y), rx = exact(x);
    const bmp::cpp_rational lo = (exact(boost::math::float_prior(y)) + ry) / 2;
    const bmp::cpp_rational hi = (exact(boost::math::float_next(y)) + ry) / 2;
    wrong[4] += !(lo * lo < rx && rx < hi * hi);
  }
  BOOST_TEST(wrong[0] == 0);
  BOOST_TEST(wrong[1] == 0);
  BOOST_TEST(wrong[2] == 0);
  BOOST_TEST(wrong[3] == 0);
  BOOST_TEST(wrong[4] == 0);
}

// The transcendentals are not correctly rounded in Boost; these are the
// bounds the README's MPFR-agreement argument uses, measured against MPFR's
// correctly rounded values on arguments of the ranges a forward meets
// (softmax exponents <= 0, norms, activations, RoPE angles):
//  * exp, log, tanh, pow: within 16·max(1, κ) ulps of the result, κ the
//    condition number |x f'(x) / f(x)| (|x| for exp, 1/|log y| for log,
//    |z log y| for pow(y, z)): Boost reduces the argument with a few guard
//    bits, so the result is that of an argument perturbed by a few ulps
//    (measured at most 10.1 ulps of the allowance: log, pow);
//  * sin, cos: within 16 ulps of max(1, |x|), i.e. an angle perturbed by a
//    few ulps (argument reduction by π; near a zero of sin the result's own
//    ulp is far smaller, and that relative error does not matter: the angle
//    m·θ carries a rounding error of this size already);
//  * erf: within 2^12 ulps (Boost 1.74 loses about 12 bits for |x| between
//    about 0.75 and 1.1: 3416 ulps measured at x = -0.775, 0-2 elsewhere;
//    exact GELU is its only user).
BOOST_AUTO_TEST_CASE(transcendentals_within_their_ulp_bounds_of_mpfr) {
  std::mt19937_64 g(5);
  std::uniform_real_distribution<double> u(0, 1);
  double worst = 0, worst_erf = 0;
  std::string worst_function;
  // Error of `got` in ulps of `scale` (of the correctly rounded value when 0),
// divided by `allowance` (so the bound is 4 allowances).
  const auto check = [&](const char* name, const BinFloat256& got, const MpfrReal& want, BinFloat256 scale = 0,
                         double allowance = 1) {
    const BinFloat256 w = gn::from_mpfr(want);
    if (scale == 0) scale = bmp::abs(w);
    if (scale == 0) return;
    const BinFloat256 ulp = boost::math::float_next(scale) - scale;
    const double ulps = static_cast<double>(bmp::abs(got - w) / ulp) / allowance;
    if (std::string(name) == "erf") {
      worst_erf = std::max(worst_erf, ulps);
    } else if (ulps > worst) {
      worst = ulps;
      worst_function = name;
    }
  };
  for (int i = 0; i < 300; ++i) {
    // Full 256-bit arguments: x in (-40, 0], y in (0, 40), z in (-6, 6),
    // angles t in (0, 2^20).
    const BinFloat256 frac = bmp::abs(random_value(g, -1, 0));
    const BinFloat256 x = -40 * frac * u(g), y = 40 * frac * u(g) + BinFloat256(1) / 1024, z = 12 * frac * u(g) - 6;
    const BinFloat256 t = bmp::ldexp(frac * u(g), 20);
    const MpfrReal mx = gn::to_mpfr(x), my = gn::to_mpfr(y), mz = gn::to_mpfr(z), mt = gn::to_mpfr(t);
    MpfrReal r(0L, 256);
    const auto kappa = [](const BinFloat256& k) { return 4 * std::max(1.0, static_cast<double>(bmp::abs(k))); };
    mpfr_exp(r.data(), mx.data(), MPFR_RNDN), check("exp", gn::exp(x), r, 0, kappa(x));
    mpfr_exp(r.data(), mz.data(), MPFR_RNDN), check("exp", gn::exp(z), r, 0, kappa(z));
    mpfr_log(r.data(), my.data(), MPFR_RNDN), check("log", gn::log(y), r, 0, kappa(1 / gn::log(y)));
    const BinFloat256 th = gn::tanh(z);
    mpfr_tanh(r.data(), mz.data(), MPFR_RNDN), check("tanh", th, r, 0, kappa(z * (1 - th * th) / th));
    mpfr_erf(r.data(), mz.data(), MPFR_RNDN), check("erf", gn::erf(z), r);
    mpfr_pow(r.data(), my.data(), mz.data(), MPFR_RNDN), check("pow", gn::pow(y, z), r, 0, kappa(z * gn::log(y)));
    for (const BinFloat256* a : {&y, &t}) {
      const MpfrReal ma = gn::to_mpfr(*a);
      const BinFloat256 scale = gn::max(BinFloat256(1), *a);
      mpfr_sin(r.data(), ma.data(), MPFR_RNDN), check("sin", gn::sin(*a), r, scale, 4);
      mpfr_cos(r.data(), ma.data(), MPFR_RNDN), check("cos", gn::cos(*a), r, scale, 4);
    }
  }
  // erf's weak range, on a grid.
  for (int i = -1200; i <= 1200; i += 7) {
    const BinFloat256 z = BinFloat256(i) / 1000 + BinFloat256(1) / 7919;
    MpfrReal r(0L, 256);
    mpfr_erf(r.data(), gn::to_mpfr(z).data(), MPFR_RNDN), check("erf", gn::erf(z), r);
  }
  BOOST_TEST_MESSAGE("largest transcendental error: " << worst << " ulps of the allowance (" << worst_function << "); erf: "
                                                      << worst_erf << " ulps");
  BOOST_TEST(worst <= 4.0, worst_function << ": " << worst << " ulps");
  BOOST_TEST(worst_erf <= 4096.0, "erf: " << worst_erf << " ulps");
}

BOOST_AUTO_TEST_CASE(constants_are_correctly_rounded) {
  MpfrReal pi(0L, 256);
  mpfr_const_pi(pi.data(), MPFR_RNDN);
  BOOST_TEST((gn::ScalarTraits<BinFloat256>::pi({}) == gn::from_mpfr(pi)));
  BOOST_TEST(is_nearest_even(gn::ScalarTraits<BinFloat256>::from_ratio({}, -2, 7), bmp::cpp_rational(-2, 7)));
  BOOST_CHECK_THROW(gn::ScalarTraits<BinFloat256>::from_ratio({}, 1, 0), glasses::InputError);
  BOOST_TEST(gn::ScalarTraits<BinFloat256>::decimal(BinFloat256(1) / 4, 5) == "0.25");
}

BOOST_AUTO_TEST_SUITE_END()
