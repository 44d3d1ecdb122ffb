// Every rounding of every format and every mode against the exact rational
// result, with no MPFR anywhere in the reference (rounding.hpp's slow path
// uses MPFR; this oracle shares nothing with it or with the double-carrier
// path): Boost.Multiprecision's cpp_rational computes a ∘ b exactly, and
// the rounded value is derived from the Format's fields alone (p, emin,
// emax, overflow, specials), as IEEE 754 §4.3 and the OCP fp8 specification
// define it.
//
//  * 8-bit formats (e4m3, e5m2): every pair of finite operands, + − × ÷, in
//    every deterministic mode (and stochastic: one of the two neighbours);
//  * √ of every positive finite value of every 8- and 16-bit format (fp16,
//    bf16), every mode (exact through squares: √x is irrational);
//  * tf32, fp32, fp64 and the 16-bit formats: random operand pairs, close
//    and far exponents, overflow and subnormal ranges included.
//
// Values are compared as numbers (−0 == +0; both NaN counts as equal): the
// sign of an exact zero is tested in rounding_test.cpp.

// GCC 12 at -O3 (the plain Release build) reports cpp_int's limbs inside
// cpp_rational temporaries as maybe used uninitialized once inlined here: a
// false positive in Boost 1.74's header, which sets them before use.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/multiprecision/cpp_int.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/rounding.hpp"

namespace {

namespace bmp = boost::multiprecision;
namespace gn = glasses::numerics;
using Q = bmp::cpp_rational;
using Z = bmp::cpp_int;
using gn::Format;
using gn::Rounding;

Q power_of_two(int e) { return e >= 0 ? Q(Z(1) << e) : Q(Z(1), Z(1) << -e); }

// A double exactly: its 53-bit integer significand times 2^(e-53).
Q exact(double x) {
  if (x == 0) return 0;
  int e = 0;
  const double fraction = std::frexp(x, &e);
  return Q(static_cast<std::int64_t>(std::ldexp(fraction, 53))) * power_of_two(e - 53);
}

// Rounding of a magnitude: how IEEE's modes act on |r|.
enum class Toward : std::uint8_t { nearest_even, nearest_away, zero, away };

Toward toward(Rounding mode, bool negative) {
  switch (mode) {
    case Rounding::near_even: return Toward::nearest_even;
    case Rounding::near_max_mag: return Toward::nearest_away;
    case Rounding::min_mag: return Toward::zero;
    case Rounding::min: return negative ? Toward::away : Toward::zero;
    case Rounding::max: return negative ? Toward::zero : Toward::away;
    case Rounding::stochastic: break;
  }
  return Toward::nearest_even;
}

// The format's largest finite value, from its fields: (2^p - 1) 2^(emax-p+1),
// one ulp less when the top pattern is NaN (OCP E4M3).
double largest(const Format& f) {
  const double units = std::ldexp(1.0, f.p) - (f.specials == gn::Specials::finite_nan ? 2 : 1);
  return std::ldexp(units, f.emax - f.p + 1);
}

// What an overflow in `t` gives: the largest finite toward zero, else
// infinity, which is the largest finite for saturating formats and NaN for
// formats without infinities.
double overflow(const Format& f, Toward t) {
  if (t == Toward::zero || f.overflow == gn::Overflow::saturate) return largest(f);
  return f.specials == gn::Specials::ieee ? HUGE_VAL : std::nan("");
}

// The neighbours of a magnitude R > 0 on the grid of f with an unbounded
// exponent: k q <= R < (k+1) q, q = 2^(max(e, emin) - p + 1), e = floor(log2 R).
struct Bracket {
  Z k;
  int q_exp = 0;
  bool exact = false;
};

template <class Floor>
Bracket bracket(const Format& f, int e, const Floor& floor_in_units) {
  Bracket b;
  b.q_exp = std::max(e, f.emin) - f.p + 1;
  bool exact = false;
  b.k = floor_in_units(b.q_exp, exact);
  b.exact = exact;
  return b;
}

// k or k+1 in `t` (`above_mid`: R is above the midpoint, `at_mid`: on it),
// as a value, with overflow mapped.
double choose(const Format& f, const Bracket& b, Toward t, bool above_mid, bool at_mid) {
  Z units = b.k;
  if (!b.exact) {
    switch (t) {
      case Toward::zero: break;
      case Toward::away: units += 1; break;
      case Toward::nearest_away: units += (above_mid || at_mid) ? 1 : 0; break;
      case Toward::nearest_even: units += (above_mid || (at_mid && bmp::bit_test(b.k, 0))) ? 1 : 0; break;
    }
  }
  const double value = std::ldexp(static_cast<double>(units), b.q_exp);  // exact: units <= 2^p
  return value > largest(f) ? overflow(f, t) : value;
}

// floor(log2 R) for R > 0, exactly.
int floor_log2(const Q& r) {
  int e = static_cast<int>(bmp::msb(bmp::numerator(r))) - static_cast<int>(bmp::msb(bmp::denominator(r)));
  while (power_of_two(e) > r) --e;
  while (power_of_two(e + 1) <= r) ++e;
  return e;
}

// r rounded into f in `mode` (deterministic modes).
double oracle(const Format& f, const Q& r, Rounding mode) {
  if (r == 0) return 0;
  const bool negative = r < 0;
  const Q mag = negative ? Q(-r) : r;
  const Toward t = toward(mode, negative);
  const Bracket b = bracket(f, floor_log2(mag), [&](int q_exp, bool& exact) {
    const Q units = mag / power_of_two(q_exp);
    const Z k = bmp::numerator(units) / bmp::denominator(units);
    exact = Q(k) == units;
    return k;
  });
  const Q mid = (Q(b.k) + Q(1, 2)) * power_of_two(b.q_exp);
  const double v = choose(f, b, t, mag > mid, mag == mid);
  return negative ? -v : v;
}

// √x rounded into f in `mode`, x > 0 a value of f: k = floor(√(x / 4^q)) by
// integer square root; √x is never a midpoint (a midpoint has p+1
// significant bits, its square more than p).
double sqrt_oracle(const Format& f, double x, Rounding mode) {
  const Q qx = exact(x);
  const int e = floor_log2(qx) >> 1;  // floor(log2 √x)
  const Bracket b = bracket(f, e, [&](int q_exp, bool& exact_root) {
    const Q scaled = qx / power_of_two(2 * q_exp);
    const Z k = bmp::sqrt(Z(bmp::numerator(scaled) / bmp::denominator(scaled)));
    exact_root = Q(k * k) == scaled;
    return k;
  });
  const Q mid = (Q(b.k) + Q(1, 2)) * power_of_two(b.q_exp);
  return choose(f, b, toward(mode, false), mid * mid < qx, false);
}

// Every finite value of f, both signs (−0 too), from its fields.
std::vector<double> finite_values(const Format& f) {
  std::vector<double> magnitudes{0.0};
  for (long k = 1; k < (1L << (f.p - 1)); ++k) magnitudes.push_back(std::ldexp(static_cast<double>(k), f.emin - f.p + 1));
  for (int e = f.emin; e <= f.emax; ++e) {
    for (long k = 1L << (f.p - 1); k < (1L << f.p); ++k) {
      const double v = std::ldexp(static_cast<double>(k), e - f.p + 1);
      if (v <= largest(f)) magnitudes.push_back(v);
    }
  }
  std::vector<double> values;
  for (double m : magnitudes) {
    values.push_back(m);
    values.push_back(-m);
  }
  return values;
}

// A random value of f: random significand, exponent near 0 or anywhere.
double random_value(const Format& f, std::mt19937_64& g) {
  std::uniform_int_distribution<int> near(-3, 3), anywhere(f.emin - f.p + 1, f.emax);
  const int e = (g() & 3) == 0 ? anywhere(g) : near(g);
  const std::uint64_t k = (g() >> (64 - f.p)) | (std::uint64_t{1} << (f.p - 1));
  double v = std::ldexp(static_cast<double>(k), e - f.p + 1);
  v = std::min(v, largest(f));
  if (e < f.emin) v = std::ldexp(static_cast<double>(k >> (f.emin - e)), f.emin - f.p + 1);  // subnormal
  return (g() & 1) ? -v : v;
}

constexpr Rounding kDeterministic[] = {Rounding::near_even, Rounding::near_max_mag, Rounding::min_mag, Rounding::min,
                                       Rounding::max};

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// + − × ÷ of (a, b) in every mode against the oracle; counts mismatches and
// keeps the first for the message.
struct Tally {
  long cases = 0, wrong = 0;
  std::string first;
  void check(bool ok, const std::string& what) {
    ++cases;
    if (!ok && wrong++ == 0) first = what;
  }
};

// Stochastic rounding exists on the double-carrier path (p <= 51), not for fp64.
void check_pair(const Format& f, double a, double b, Tally& tally, gn::RoundingContext& stochastic) {
  const Q qa = exact(a), qb = exact(b);
  const char* names[] = {"add", "sub", "mul", "div"};
  for (int op = 0; op < 4; ++op) {
    if (op == 3 && b == 0) continue;
    const Q r = op == 0 ? Q(qa + qb) : op == 1 ? Q(qa - qb) : op == 2 ? Q(qa * qb) : Q(qa / qb);
    const auto compute = [&](gn::RoundingContext& rc) {
      switch (op) {
        case 0: return gn::add(f, a, b, rc);
        case 1: return gn::sub(f, a, b, rc);
        case 2: return gn::mul(f, a, b, rc);
        default: return gn::div(f, a, b, rc);
      }
    };
    for (Rounding mode : kDeterministic) {
      gn::RoundingContext rc{mode};
      const double got = compute(rc), want = oracle(f, r, mode);
      tally.check(same(got, want), std::string(names[op]) + "(" + std::to_string(a) + ", " + std::to_string(b) +
                                       ") in " + std::string(gn::to_string(mode)) + ": got " +
                                       std::to_string(got) + ", exact rounding " + std::to_string(want));
    }
    // Stochastic: one of the two neighbours (the directed results).
    if (!gn::double_carrier_exact(f)) continue;
    const double got = compute(stochastic);
    tally.check(same(got, oracle(f, r, Rounding::min)) || same(got, oracle(f, r, Rounding::max)),
                std::string(names[op]) + " stochastic: " + std::to_string(got) + " is not a neighbour");
  }
}

void report(const Format& f, const Tally& t) {
  BOOST_TEST_MESSAGE(gn::to_string(f) << ": " << t.cases << " cases");
  BOOST_TEST(t.cases > 0);
  BOOST_TEST(t.wrong == 0, gn::to_string(f) << ": " << t.wrong << " of " << t.cases << " wrong; first: " << t.first);
}

// Every pair of finite operands of an 8-bit format, in every mode.
void check_every_pair(const Format& f, std::uint64_t stochastic_seed) {
  gn::RoundingContext stochastic{Rounding::stochastic};
  stochastic.random.state = stochastic_seed;
  Tally t;
  const std::vector<double> v = finite_values(f);
  for (double a : v)
    for (double b : v) check_pair(f, a, b, t, stochastic);
  report(f, t);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rational_oracle, *boost::unit_test::label("exhaustive"))

// The oracle itself, on hand-worked cases (IEEE 754 and OCP fp8 tables).
BOOST_AUTO_TEST_CASE(oracle_matches_hand_worked_cases) {
  namespace fmt = gn::formats;
  BOOST_TEST(oracle(fmt::e4m3, Q(464), Rounding::near_even) == 448);   // tie: 448 = 1.110b·2^8 is even
  BOOST_TEST(oracle(fmt::e4m3, Q(465), Rounding::near_even) == 448);   // saturates
  BOOST_TEST(std::isnan(oracle(gn::parse_format("e4m3:nosat"), Q(465), Rounding::near_even)));
  BOOST_TEST(oracle(fmt::e5m2, Q(61440), Rounding::near_even) == HUGE_VAL);  // tie above 57344: odd, up
  BOOST_TEST(oracle(fmt::e5m2, Q(61439), Rounding::near_even) == 57344);
  BOOST_TEST(oracle(fmt::e5m2, Q(1000000), Rounding::min_mag) == 57344);
  BOOST_TEST(oracle(fmt::fp16, Q(1) + Q(1, 2048), Rounding::near_even) == 1.0);           // tie to even
  BOOST_TEST(oracle(fmt::fp16, Q(1) + Q(1, 2048), Rounding::near_max_mag) == 1 + 1.0 / 1024);
  BOOST_TEST(oracle(fmt::fp16, Q(-1, 3), Rounding::min) == -std::ldexp(683.0, -11));      // 1/3 = 0.0101..b
  BOOST_TEST(oracle(fmt::fp16, Q(-1, 3), Rounding::max) == -std::ldexp(1365.0, -12));
  BOOST_TEST(oracle(fmt::fp16, Q(1, 1 << 24), Rounding::near_even) == std::ldexp(1.0, -24));  // subnormal, exact
  BOOST_TEST(oracle(fmt::fp16, Q(1, 1 << 25), Rounding::near_even) == 0);                      // tie to 0 (even)
  BOOST_TEST(oracle(fmt::fp16, Q(3, 1 << 26), Rounding::near_even) == std::ldexp(1.0, -24));
  BOOST_TEST(sqrt_oracle(fmt::fp16, 2.0, Rounding::near_even) == std::ldexp(1448.0, -10));      // 1.4140625
  BOOST_TEST(sqrt_oracle(fmt::fp16, 2.0, Rounding::max) == std::ldexp(1449.0, -10));
  BOOST_TEST(sqrt_oracle(fmt::fp16, 4.0, Rounding::max) == 2.0);
  BOOST_TEST(finite_values(fmt::e4m3).size() == 254u);  // 256 patterns less the two NaNs
  BOOST_TEST(finite_values(fmt::e5m2).size() == 248u);  // less ±inf and six NaNs
}

BOOST_AUTO_TEST_CASE(every_e4m3_pair_in_every_mode) { check_every_pair(gn::formats::e4m3, 1); }

BOOST_AUTO_TEST_CASE(every_e5m2_pair_in_every_mode) { check_every_pair(gn::formats::e5m2, 2); }

BOOST_AUTO_TEST_CASE(every_sqrt_of_8_and_16_bit_formats_in_every_mode) {
  namespace fmt = gn::formats;
  for (const Format& f : {fmt::e4m3, fmt::e5m2, fmt::fp16, fmt::bf16}) {
    Tally t;
    gn::RoundingContext stochastic{Rounding::stochastic};
    for (double x : finite_values(f)) {
      if (!(x > 0)) continue;
      for (Rounding mode : kDeterministic) {
        gn::RoundingContext rc{mode};
        const double got = gn::sqrt(f, x, rc), want = sqrt_oracle(f, x, mode);
        t.check(same(got, want), "sqrt(" + std::to_string(x) + ") in " + std::string(gn::to_string(mode)) +
                                     ": got " + std::to_string(got) + ", exact rounding " + std::to_string(want));
      }
      const double got = gn::sqrt(f, x, stochastic);
      t.check(same(got, sqrt_oracle(f, x, Rounding::min)) || same(got, sqrt_oracle(f, x, Rounding::max)),
              "sqrt stochastic: not a neighbour");
    }
    report(f, t);
  }
}

BOOST_AUTO_TEST_CASE(random_pairs_of_wider_formats_in_every_mode) {
  namespace fmt = gn::formats;
  std::mt19937_64 g(2024);
  for (const Format& f : {fmt::fp16, fmt::bf16, fmt::tf32, fmt::fp32, fmt::fp64}) {
    Tally t;
    gn::RoundingContext stochastic{Rounding::stochastic};
    for (int i = 0; i < 6000; ++i) {
      const double a = random_value(f, g);
      double b = random_value(f, g);
      if (i % 4 == 0) {  // cancellation: b near -a, a value of f
        b = oracle(f, -exact(a) * (Q(1) + Q(static_cast<long>(g() % 16)) * power_of_two(1 - f.p)), Rounding::near_even);
        if (!(std::fabs(b) <= largest(f))) b = a;
      }
      check_pair(f, a, b, t, stochastic);
    }
    report(f, t);
  }
}

BOOST_AUTO_TEST_SUITE_END()
