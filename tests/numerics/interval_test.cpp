// Tests of interval.hpp: Interval.
//
// The central property is inclusion: random expressions evaluated in
// Interval at precision p must contain the same expression evaluated in
// MpfrReal at 4p bits (an independent, far more accurate evaluation).
// Bounds of single operations are checked against raw MPFR calls with
// directed rounding, and hand-built intervals pin the predicates.
#include <mpfi.h>
#include <mpfr.h>

#include <algorithm>
#include <array>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <compare>
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/numerics/mpfr.hpp"

namespace {

using glasses::InputError;
using glasses::numerics::Interval;
using glasses::numerics::MpfrReal;

// ---- comparisons are refused at compile time ------------------------------
template <class T>
concept HasAnyComparison = requires(const T& a, const T& b) { a < b; } ||
                           requires(const T& a, const T& b) { a <= b; } ||
                           requires(const T& a, const T& b) { a > b; } ||
                           requires(const T& a, const T& b) { a >= b; } ||
                           requires(const T& a, const T& b) { a == b; } ||
                           requires(const T& a, const T& b) { a != b; } ||
                           requires(const T& a, const T& b) { a <=> b; };
static_assert(!HasAnyComparison<Interval>, "Interval comparisons must be deleted");
static_assert(HasAnyComparison<MpfrReal>, "the concept detects comparisons (sanity)");
static_assert(!std::is_invocable_v<std::less<>, const Interval&, const Interval&>);
static_assert(!std::is_invocable_v<std::less_equal<>, const Interval&, const Interval&>);
static_assert(!std::is_invocable_v<std::greater<>, const Interval&, const Interval&>);
static_assert(!std::is_invocable_v<std::greater_equal<>, const Interval&, const Interval&>);
static_assert(!std::is_invocable_v<std::equal_to<>, const Interval&, const Interval&>);
static_assert(!std::is_invocable_v<std::not_equal_to<>, const Interval&, const Interval&>);
static_assert(!std::three_way_comparable<Interval>);
static_assert(std::is_invocable_v<std::less<>, const MpfrReal&, const MpfrReal&>);
// No construction from a bare number, no implicit conversion to double.
static_assert(!std::is_constructible_v<Interval, double>);
static_assert(!std::is_convertible_v<double, Interval>);
static_assert(!std::is_convertible_v<Interval, double>);
static_assert(std::is_nothrow_move_constructible_v<Interval>);
static_assert(std::is_nothrow_move_assignable_v<Interval>);

// RAII for a raw mpfr_t.
struct RawMpfr {
  mpfr_t v;
  explicit RawMpfr(mpfr_prec_t prec) { mpfr_init2(v, prec); }
  ~RawMpfr() { mpfr_clear(v); }
  RawMpfr(const RawMpfr&) = delete;
  RawMpfr& operator=(const RawMpfr&) = delete;
};

bool same_value(mpfr_srcptr a, mpfr_srcptr b) {
  if (mpfr_nan_p(a) || mpfr_nan_p(b)) return mpfr_nan_p(a) && mpfr_nan_p(b);
  return mpfr_equal_p(a, b) != 0 && mpfr_signbit(a) == mpfr_signbit(b);
}

// A double with random sign, 53 random significand bits, magnitude in
// [2^emin, 2^(emax+1)).
double random_double(std::mt19937_64& rng, int emin, int emax) {
  const std::uint64_t bits = rng();
  const double significand =
      static_cast<double>((bits & 0x000F'FFFF'FFFF'FFFFull) | 0x0010'0000'0000'0000ull);
  const int e = emin + static_cast<int>(rng() % static_cast<std::uint64_t>(emax - emin + 1));
  const double x = std::ldexp(significand, e - 52);
  return (bits >> 63) != 0 ? -x : x;
}

// ---- random expression trees ------------------------------------------------

enum class Op { input, add, sub, mul, div, sqrt, rsqrt, exp, log, tanh, erf, sin, cos };
// The four binary operations first.
constexpr std::array kOps = {Op::add, Op::sub,  Op::mul,  Op::div, Op::sqrt, Op::rsqrt,
                             Op::exp, Op::log,  Op::tanh, Op::erf, Op::sin,  Op::cos};

bool is_binary(Op op) { return op == Op::add || op == Op::sub || op == Op::mul || op == Op::div; }

struct Node {
  Op op = Op::input;
  int left = -1;   // child node indices
  int right = -1;
  int input = -1;  // for Op::input
};

template <class T>
T apply(Op op, const T& a, const T& b) {
  switch (op) {
    case Op::add: return a + b;
    case Op::sub: return a - b;
    case Op::mul: return a * b;
    case Op::div: return a / b;
    case Op::sqrt: return sqrt(a);
    case Op::rsqrt: return rsqrt(a);
    case Op::exp: return exp(a);
    case Op::log: return log(a);
    case Op::tanh: return tanh(a);
    case Op::erf: return erf(a);
    case Op::sin: return sin(a);
    case Op::cos: return cos(a);
    case Op::input: break;
  }
  return a;
}

// An expression over inputs x_0, x_1, ...; built together with its interval
// value so that each operation is applied only inside its domain *for every
// point of its operand intervals* (then every point evaluation is valid too).
class Expression {
 public:
  // make_input(rng) returns the interval of a fresh input.
  template <class MakeInput>
  Expression(std::mt19937_64& rng, int depth, MakeInput make_input) {
    root_ = build(rng, depth, make_input).first;
  }

  const Interval& enclosure() const { return enclosure_; }
  const std::vector<Interval>& inputs() const { return inputs_; }
  std::size_t size() const { return nodes_.size(); }

  // The expression at the given point inputs, in MpfrReal.
  MpfrReal evaluate(const std::vector<MpfrReal>& x) const { return evaluate_node(root_, x); }

 private:
  template <class MakeInput>
  std::pair<int, Interval> build(std::mt19937_64& rng, int depth, MakeInput& make_input) {
    // Leaves at depth 0; above that an operation (binary or unary with
    // equal odds), occasionally an early leaf off the leftmost path (built
    // first, while nodes_ is empty), so the tree has depth exactly `depth`.
    if (depth == 0 || (!nodes_.empty() && rng() % 8 == 0)) {
      Node leaf;
      leaf.input = static_cast<int>(inputs_.size());
      inputs_.push_back(make_input(rng));
      nodes_.push_back(leaf);
      enclosure_ = inputs_.back();
      return {static_cast<int>(nodes_.size()) - 1, inputs_.back()};
    }
    Op op = rng() % 2 == 0 ? kOps[rng() % 4] : kOps[4 + rng() % (kOps.size() - 4)];
    auto [left, left_value] = build(rng, depth - 1, make_input);
    int right = -1;
    Interval right_value;
    if (is_binary(op)) std::tie(right, right_value) = build(rng, depth - 1, make_input);
    // Domains, required of the whole operand interval (else a safe stand-in).
    switch (op) {
      case Op::div:
        if (!certainly_positive(right_value) && !certainly_positive(-right_value)) op = Op::mul;
        break;
      case Op::sqrt:
      case Op::rsqrt:
      case Op::log:
        if (!certainly_positive(left_value)) op = Op::tanh;
        break;
      case Op::exp:  // keep results far inside MPFR's exponent range
        if (!certainly_less(left_value, Interval(700.0, left_value.precision()))) op = Op::sin;
        break;
      default: break;
    }
    Interval value = apply(op, left_value, right_value);
    Node node;
    node.op = op;
    node.left = left;
    node.right = right;
    nodes_.push_back(node);
    enclosure_ = value;
    return {static_cast<int>(nodes_.size()) - 1, std::move(value)};
  }

  MpfrReal evaluate_node(int index, const std::vector<MpfrReal>& x) const {
    const Node& node = nodes_[static_cast<std::size_t>(index)];
    if (node.op == Op::input) return x[static_cast<std::size_t>(node.input)];
    const MpfrReal a = evaluate_node(node.left, x);
    if (!is_binary(node.op)) return apply(node.op, a, a);
    return apply(node.op, a, evaluate_node(node.right, x));
  }

  std::vector<Node> nodes_;
  std::vector<Interval> inputs_;
  Interval enclosure_;
  int root_ = -1;
};

// Relative width (upper - lower) / |midpoint| below 2^-(p - slack) and finite.
bool reasonably_tight(const Interval& x, long slack) {
  if (!isfinite(x)) return false;
  const MpfrReal w = x.width();
  const MpfrReal m = abs(x.midpoint());
  if (mpfr_zero_p(w.data()) != 0) return true;
  if (mpfr_zero_p(m.data()) != 0) return false;
  const MpfrReal ratio = w / m;
  return mpfr_cmp_ui_2exp(ratio.data(), 1, -(x.precision() - slack)) < 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(interval)

// From point inputs: the 4p evaluation lies inside the p-bit enclosure.
BOOST_AUTO_TEST_CASE(random_expressions_from_points_are_enclosed) {
  std::mt19937_64 rng(2024);
  const std::array<long, 3> precisions = {53, 100, 200};
  int expressions = 0;
  int failures = 0;
  int tight = 0;
  std::size_t nodes = 0;
  std::string first_failure;
  for (int i = 0; i < 2100; ++i) {
    const long p = precisions[static_cast<std::size_t>(i) % precisions.size()];
    const int depth = 3 + static_cast<int>(rng() % 3);
    std::vector<double> points;
    const Expression e(rng, depth, [&](std::mt19937_64& r) {
      points.push_back(random_double(r, -3, 2));
      return Interval(points.back(), p);  // exact: a double fits in p >= 53 bits
    });
    std::vector<MpfrReal> x;
    for (const double v : points) x.emplace_back(v, 4 * p);
    const MpfrReal reference = e.evaluate(x);
    ++expressions;
    nodes += e.size();
    if (!contains(e.enclosure(), reference)) {
      if (failures++ == 0) {
        first_failure = "p=" + std::to_string(p) + " enclosure " + e.enclosure().to_string() +
                        " reference " + reference.to_string(40);
      }
    }
    if (reasonably_tight(e.enclosure(), 30)) ++tight;
  }
  BOOST_TEST_MESSAGE(expressions << " expressions, " << nodes << " nodes, " << tight
                                  << " enclosures within 2^30 ulps");
  BOOST_TEST(expressions >= 2000);
  BOOST_TEST(failures == 0, "first failure: " << first_failure);
  // The check is not vacuous: most enclosures are narrow (within 2^30 ulps).
  BOOST_TEST(tight >= expressions * 9 / 10, tight << " of " << expressions << " tight");
}

// From non-point inputs: every point inside the inputs gives a value inside.
BOOST_AUTO_TEST_CASE(random_expressions_over_intervals_enclose_every_point) {
  std::mt19937_64 rng(2025);
  const std::array<long, 3> precisions = {53, 100, 200};
  int checks = 0;
  int failures = 0;
  std::string first_failure;
  for (int i = 0; i < 300; ++i) {
    const long p = precisions[static_cast<std::size_t>(i) % precisions.size()];
    const int depth = 3 + static_cast<int>(rng() % 3);
    std::vector<std::pair<double, double>> ranges;
    const Expression e(rng, depth, [&](std::mt19937_64& r) {
      const double c = random_double(r, -3, 2);
      const double radius = std::ldexp(std::fabs(c), -static_cast<int>(4 + r() % 30));
      ranges.emplace_back(c - radius, c + radius);
      return Interval(ranges.back().first, ranges.back().second, p);  // exact at p >= 53
    });
    for (int sample = 0; sample < 4; ++sample) {
      std::vector<MpfrReal> x;
      for (const auto& [lo, hi] : ranges) {
        // Endpoints first, then random points; clamped to stay inside.
        const double t = sample == 0 ? 0.0
                         : sample == 1 ? 1.0
                                       : static_cast<double>(rng() >> 11) * 0x1p-53;
        const double v = std::clamp(lo + t * (hi - lo), lo, hi);
        x.emplace_back(v, 4 * p);
      }
      const MpfrReal reference = e.evaluate(x);
      ++checks;
      if (!contains(e.enclosure(), reference)) {
        if (failures++ == 0) {
          first_failure = "p=" + std::to_string(p) + " enclosure " + e.enclosure().to_string() +
                          " reference " + reference.to_string(40);
        }
      }
    }
  }
  BOOST_TEST(checks == 1200);
  BOOST_TEST(failures == 0, "first failure: " << first_failure);
}

// One operation on point inputs: the enclosure is at most 2 ulps wide.
BOOST_AUTO_TEST_CASE(single_operations_on_points_are_at_most_two_ulps_wide) {
  std::mt19937_64 rng(7);
  for (const long p : {53L, 100L, 200L}) {
    for (const Op op : kOps) {
      int failures = 0;
      for (int i = 0; i < 200; ++i) {
        double a = random_double(rng, -3, 3);
        const double b = random_double(rng, -3, 3);
        if (op == Op::sqrt || op == Op::rsqrt || op == Op::log) a = std::fabs(a);
        const Interval r = apply(op, Interval(a, p), Interval(b, p));
        // ulp at precision p of the larger bound: 2^(e - p), MPFR's
        // exponent e with significand in [1/2, 1).
        const MpfrReal lo = r.lower();
        const MpfrReal hi = r.upper();
        const mpfr_exp_t e = std::max(mpfr_get_exp(lo.data()), mpfr_get_exp(hi.data()));
        const bool ok = isfinite(r) && r.precision() == p &&
                        mpfr_cmp_ui_2exp(r.width().data(), 2, e - p) <= 0;
        if (!ok) ++failures;
      }
      BOOST_TEST(failures == 0, "op " << static_cast<int>(op) << " p=" << p);
    }
  }
}

// erf (built here from MPFR): bounds are mpfr_erf rounded down and up.
BOOST_AUTO_TEST_CASE(erf_bounds_are_directed_mpfr_erf) {
  for (const long p : {24L, 53L, 113L, 300L}) {
    for (const double x : {0.0, -0.0, std::ldexp(1.0, -900), std::ldexp(-1.5, -34), 0.5, 1.0,
                           -1.0, 2.5, -3.75, 6.0, 30.0, -30.0}) {
      const Interval point(x, p);  // every listed double fits in 24 bits
      const Interval r = erf(point);
      RawMpfr input(p);
      mpfr_set_d(input.v, x, MPFR_RNDN);
      RawMpfr down(p);
      RawMpfr up(p);
      mpfr_erf(down.v, input.v, MPFR_RNDD);
      mpfr_erf(up.v, input.v, MPFR_RNDU);
      BOOST_TEST(same_value(r.lower().data(), down.v), "x=" << x << " p=" << p);
      BOOST_TEST(same_value(r.upper().data(), up.v), "x=" << x << " p=" << p);
      BOOST_TEST(contains(r, erf(MpfrReal(x, 4 * p))), "x=" << x << " p=" << p);
    }
  }
  // Over an interval: [erf(lo) down, erf(hi) up].
  const Interval wide(-0.5, 2.0, 64);
  const Interval r = erf(wide);
  RawMpfr lo(64);
  RawMpfr hi(64);
  RawMpfr t(64);
  mpfr_set_d(t.v, -0.5, MPFR_RNDN);
  mpfr_erf(lo.v, t.v, MPFR_RNDD);
  mpfr_set_d(t.v, 2.0, MPFR_RNDN);
  mpfr_erf(hi.v, t.v, MPFR_RNDU);
  BOOST_TEST(same_value(r.lower().data(), lo.v));
  BOOST_TEST(same_value(r.upper().data(), hi.v));
}

// rsqrt (built here from MPFR): decreasing, so [rec_sqrt(hi) down, rec_sqrt(lo) up].
BOOST_AUTO_TEST_CASE(rsqrt_bounds_are_directed_mpfr_rec_sqrt) {
  const Interval x(2.0, 3.0, 60);
  const Interval r = rsqrt(x);
  RawMpfr t(60);
  RawMpfr lo(60);
  RawMpfr hi(60);
  mpfr_set_d(t.v, 3.0, MPFR_RNDN);
  mpfr_rec_sqrt(lo.v, t.v, MPFR_RNDD);
  mpfr_set_d(t.v, 2.0, MPFR_RNDN);
  mpfr_rec_sqrt(hi.v, t.v, MPFR_RNDU);
  BOOST_TEST(same_value(r.lower().data(), lo.v));
  BOOST_TEST(same_value(r.upper().data(), hi.v));
  BOOST_TEST(isnan(rsqrt(Interval(-1.0, 4.0, 53))));  // domain error
  BOOST_TEST(isinf(rsqrt(Interval(0.0, 4.0, 53)).upper()));
}

BOOST_AUTO_TEST_CASE(hand_built_predicates) {
  const long p = 53;
  const Interval a12(1.0, 2.0, p);
  const Interval a34(3.0, 4.0, p);
  const Interval a13(1.0, 3.0, p);
  const Interval a24(2.0, 4.0, p);
  const Interval a23(2.0, 3.0, p);
  BOOST_TEST(certainly_less(a12, a34));
  BOOST_TEST(possibly_less(a12, a34));
  BOOST_TEST(!certainly_less(a34, a12));
  BOOST_TEST(!possibly_less(a34, a12));
  BOOST_TEST(!certainly_less(a13, a24));
  BOOST_TEST(possibly_less(a13, a24));
  BOOST_TEST(!certainly_less(a24, a13));
  BOOST_TEST(possibly_less(a24, a13));
  // Touching at 2: not certainly less, and [2,3] is not possibly below [1,2].
  BOOST_TEST(!certainly_less(a12, a23));
  BOOST_TEST(!possibly_less(a23, a12));
  BOOST_TEST(overlaps(a12, a23));
  BOOST_TEST(overlaps(a13, a24));
  BOOST_TEST(!overlaps(a12, a34));
  BOOST_TEST(certainly_positive(a12));
  BOOST_TEST(!certainly_positive(Interval(0.0, 1.0, p)));
  BOOST_TEST(!certainly_positive(Interval(-1.0, 1.0, p)));
  BOOST_TEST(contains(a13, 2.0));
  BOOST_TEST(contains(a13, 1.0));
  BOOST_TEST(contains(a13, 3.0));
  BOOST_TEST(!contains(a13, 3.0000000000000004));
  BOOST_TEST(!contains(a13, std::nan("")));
  BOOST_TEST(contains(a13, MpfrReal::from_ratio(5, 2, 300)));
  BOOST_TEST(!contains(a13, MpfrReal()));
  BOOST_TEST(is_point(Interval(0.25, p)));
  BOOST_TEST(!is_point(a12));
  BOOST_TEST(!is_point(Interval::from_ratio(1, 3, p)));

  // A NaN interval: nothing certain, everything possible, no set relations.
  const Interval bad = sqrt(Interval(-1.0, 4.0, p));
  BOOST_TEST(isnan(bad));
  BOOST_TEST(!certainly_less(bad, a34));
  BOOST_TEST(!certainly_less(a12, bad));
  BOOST_TEST(possibly_less(bad, a12));
  BOOST_TEST(possibly_less(a34, bad));
  BOOST_TEST(!certainly_positive(bad));
  BOOST_TEST(!contains(bad, 1.0));
  BOOST_TEST(!overlaps(bad, a12));
  BOOST_TEST(!is_point(bad));
  BOOST_TEST(isnan(log(Interval(-1.0, 4.0, p))));
  BOOST_TEST(!isnan(log(Interval(0.0, 4.0, p))));  // [-inf, log 4]: an enclosure
  BOOST_TEST(!isfinite(log(Interval(0.0, 4.0, p))));
  // Division by an interval containing 0 encloses everything.
  const Interval everything = a12 / Interval(-1.0, 1.0, p);
  BOOST_TEST(!isfinite(everything));
  BOOST_TEST(contains(everything, 1e300));
  BOOST_TEST(contains(everything, -1e300));
}

// 1/3 at 8 bits, worked by hand (the header's example).
BOOST_AUTO_TEST_CASE(one_third_at_eight_bits) {
  const Interval third = Interval::from_ratio(1, 3, 8);
  RawMpfr lo(8);
  RawMpfr hi(8);
  mpfr_set_ui_2exp(lo.v, 85, -8, MPFR_RNDN);   // 85/256
  mpfr_set_ui_2exp(hi.v, 171, -9, MPFR_RNDN);  // 171/512
  BOOST_TEST(same_value(third.lower().data(), lo.v));
  BOOST_TEST(same_value(third.upper().data(), hi.v));
  const Interval two_thirds = third + third;
  mpfr_set_ui_2exp(lo.v, 170, -8, MPFR_RNDN);
  mpfr_set_ui_2exp(hi.v, 171, -8, MPFR_RNDN);
  BOOST_TEST(same_value(two_thirds.lower().data(), lo.v));
  BOOST_TEST(same_value(two_thirds.upper().data(), hi.v));
  BOOST_TEST(contains(two_thirds, MpfrReal::from_ratio(2, 3, 300)));
}

BOOST_AUTO_TEST_CASE(construction_and_access) {
  // 0.1 as a decimal at 53 bits: the double 0.1 lies above 1/10, so the
  // enclosure is [nextafter(0.1, 0), 0.1].
  const Interval tenth = Interval::from_string("0.1", 53);
  BOOST_TEST(tenth.lower().to_double() == std::nextafter(0.1, 0.0));
  BOOST_TEST(tenth.upper().to_double() == 0.1);
  BOOST_TEST(contains(tenth, MpfrReal::from_string("0.1", 1000)));
  const Interval range = Interval::from_string("[0.1, 0.25]", 53);
  BOOST_TEST(range.lower().to_double() == std::nextafter(0.1, 0.0));
  BOOST_TEST(range.upper().to_double() == 0.25);
  const Interval sub = Interval(1.0, 3.0, 53);
  BOOST_TEST(sub.midpoint().to_double() == 2.0);
  BOOST_TEST(sub.width().to_double() == 2.0);
  BOOST_TEST(sub.to_double() == 2.0);
  BOOST_TEST(sub.lower().precision() == 53);
  BOOST_TEST(sub.width().precision() == 53);
  // A double does not fit in 24 bits: the point becomes an enclosure.
  const Interval narrow(0.1, 24);
  BOOST_TEST(!is_point(narrow));
  BOOST_TEST(contains(narrow, 0.1));
  BOOST_TEST(narrow.lower().to_double() == static_cast<double>(std::nextafter(0.1f, 0.0f)));
  BOOST_TEST(narrow.upper().to_double() == static_cast<double>(0.1f));  // 0.1f > 0.1
  // hull: smallest interval containing both, at the larger precision.
  const Interval h = Interval::hull(MpfrReal(3.0, 24), MpfrReal::from_ratio(1, 3, 100));
  BOOST_TEST(h.precision() == 100);
  BOOST_TEST((h.upper() == MpfrReal(3.0, 24)));
  BOOST_TEST((h.lower() == MpfrReal::from_ratio(1, 3, 100)));
  BOOST_TEST(isnan(Interval::hull(MpfrReal(), MpfrReal(1.0, 53))));
  // Printing rounds outward: the printed interval still encloses.
  BOOST_TEST(Interval::from_ratio(1, 3, 53).to_string(5) == "[0.33333, 0.33334]");
  BOOST_TEST(Interval::from_ratio(-1, 3, 53).to_string(5) == "[-0.33334, -0.33333]");
  BOOST_TEST(Interval(0.5, 53).to_string() == "[0.5, 0.5]");
  // Parsing what was printed encloses the original; printing down and
  // parsing down again may lose one ulp on each side, never more.
  const Interval round_trip = Interval::from_string(tenth.to_string(), 53);
  BOOST_TEST((round_trip.lower() <= tenth.lower()));
  BOOST_TEST((round_trip.upper() >= tenth.upper()));
  BOOST_TEST(round_trip.lower().to_double() >= std::nextafter(tenth.lower().to_double(), 0.0));
  BOOST_TEST(round_trip.upper().to_double() <= std::nextafter(tenth.upper().to_double(), 1.0));
}

BOOST_AUTO_TEST_CASE(invalid_input_throws_input_error) {
  BOOST_CHECK_THROW(Interval(2.0, 1.0, 53), InputError);
  BOOST_CHECK_THROW(Interval(std::nan(""), 1.0, 53), InputError);
  BOOST_CHECK_THROW(Interval(std::nan(""), 53), InputError);
  BOOST_CHECK_THROW(Interval(1.0, 1), InputError);
  BOOST_CHECK_THROW(Interval(1.0, 70000), InputError);
  BOOST_CHECK_THROW(Interval::from_ratio(1, 0, 53), InputError);
  for (const char* bad : {"", "x", "[1, 2", "[1 2]", "[2, 1]", "[, 1]", "[1, ]", "nan", " 1"}) {
    BOOST_CHECK_THROW(Interval::from_string(bad, 53), InputError);
  }
}

BOOST_AUTO_TEST_CASE(precision_follows_the_max_rule) {
  const Interval a = Interval::from_ratio(1, 3, 60);
  const Interval b = Interval::from_ratio(2, 7, 150);
  const Interval c(0.5, 24);
  BOOST_TEST((a + b).precision() == 150);
  BOOST_TEST((b - a).precision() == 150);
  BOOST_TEST((a * b).precision() == 150);
  BOOST_TEST((a / b).precision() == 150);
  BOOST_TEST(fma(c, a, c).precision() == 60);
  BOOST_TEST(pow(a, b).precision() == 150);
  BOOST_TEST(max(a, c).precision() == 60);
  BOOST_TEST(min(b, c).precision() == 150);
  for (const Interval& r : {-a, sqrt(a), rsqrt(a), exp(a), log(a), tanh(a), erf(a), sin(a), cos(a),
                            abs(a), ldexp(a, 3)}) {
    BOOST_TEST(r.precision() == 60);
  }
  // Compound: widened exactly, then one outward-rounded operation.
  Interval x = a;
  x += b;
  BOOST_TEST(x.precision() == 150);
  const Interval y = a + b;
  BOOST_TEST((x.lower() == y.lower()));
  BOOST_TEST((x.upper() == y.upper()));
  // Copies are exact, including narrowing assignment; moves leave "no value".
  Interval z = b;
  z = c;
  BOOST_TEST(z.precision() == 24);
  Interval source = b;
  const Interval moved(std::move(source));
  BOOST_TEST(moved.precision() == 150);
  BOOST_TEST(isnan(source));
  BOOST_TEST(source.precision() == MPFR_PREC_MIN);
  // "No value" propagates as NaN at the other operand's precision.
  const Interval nothing;
  BOOST_TEST(isnan(nothing));
  BOOST_TEST(nothing.precision() == MPFR_PREC_MIN);
  BOOST_TEST(isnan(nothing + a));
  BOOST_TEST((nothing + a).precision() == 60);
  Interval acc;
  acc += a;
  BOOST_TEST(isnan(acc));
  BOOST_TEST(acc.precision() == 60);
}

// In-place operations (aliased MPFI arguments) equal the binary operators.
BOOST_AUTO_TEST_CASE(compound_operations_equal_binary_operators) {
  std::mt19937_64 rng(99);
  int failures = 0;
  for (int i = 0; i < 2000; ++i) {
    const double a0 = random_double(rng, -3, 3);
    const double a1 = random_double(rng, -3, 3);
    const double b0 = random_double(rng, -3, 3);
    const double b1 = random_double(rng, -3, 3);
    const Interval a(std::min(a0, a1), std::max(a0, a1), 80);
    const Interval b(std::min(b0, b1), std::max(b0, b1), 80);
    const int op = static_cast<int>(rng() % 5);
    Interval in_place = a;
    Interval expected;
    switch (op) {
      case 0: in_place += b; expected = a + b; break;
      case 1: in_place -= b; expected = a - b; break;
      case 2: in_place *= b; expected = a * b; break;
      case 3: in_place /= b; expected = a / b; break;
      default: in_place *= in_place; expected = a * a; break;
    }
    if (!same_value(in_place.lower().data(), expected.lower().data()) ||
        !same_value(in_place.upper().data(), expected.upper().data())) {
      ++failures;
    }
  }
  BOOST_TEST(failures == 0);
}

BOOST_AUTO_TEST_CASE(other_functions_enclose) {
  std::mt19937_64 rng(5);
  int failures = 0;
  for (int i = 0; i < 500; ++i) {
    const long p = 64;
    const double x = std::fabs(random_double(rng, -3, 3));
    const double y = random_double(rng, -3, 2);
    const double z = random_double(rng, -3, 3);
    const Interval ix(x, p);
    const Interval iy(y, p);
    const Interval iz(z, p);
    const MpfrReal rx(x, 4 * p);
    const MpfrReal ry(y, 4 * p);
    const MpfrReal rz(z, 4 * p);
    if (!contains(pow(ix, iy), pow(rx, ry))) ++failures;
    if (!contains(fma(iy, iz, ix), fma(ry, rz, rx))) ++failures;
    if (!contains(abs(iz), abs(rz))) ++failures;
    if (!contains(max(iy, iz), max(ry, rz))) ++failures;
    if (!contains(min(iy, iz), min(ry, rz))) ++failures;
    if (!contains(ldexp(iz, -7), ldexp(rz, -7))) ++failures;
  }
  BOOST_TEST(failures == 0);
  // Bound-wise max/min and abs across zero.
  const Interval m = max(Interval(-1.0, 2.0, 53), Interval(0.0, 1.0, 53));
  BOOST_TEST(m.lower().to_double() == 0.0);
  BOOST_TEST(m.upper().to_double() == 2.0);
  const Interval n = min(Interval(-1.0, 2.0, 53), Interval(0.0, 1.0, 53));
  BOOST_TEST(n.lower().to_double() == -1.0);
  BOOST_TEST(n.upper().to_double() == 1.0);
  const Interval a = abs(Interval(-3.0, 2.0, 53));
  BOOST_TEST(a.lower().to_double() == 0.0);
  BOOST_TEST(a.upper().to_double() == 3.0);
  // pow at a base interval reaching 0, exponent > 0 (header note 4):
  // exp(2 * [-inf, log 4]) = [0, 16] up to rounding.
  const Interval squares = pow(Interval(0.0, 4.0, 53), Interval(2.0, 53));
  BOOST_TEST(squares.lower().to_double() == 0.0);
  BOOST_TEST(contains(squares, 16.0));
  BOOST_TEST(squares.upper().to_double() < 16.000001);
  // The dependency problem (header note 5): x - x is not 0.
  const Interval w(1.0, 2.0, 53);
  const Interval d = w - w;
  BOOST_TEST(d.lower().to_double() == -1.0);
  BOOST_TEST(d.upper().to_double() == 1.0);
}

// Inclusion on adversarial inputs, against MPFR at 4p bits at points of the
// interval (both ends, 0 when inside, and interior points): intervals
// crossing zero, near binary64's overflow, in its subnormal range, and
// large-argument sin/cos (RoPE angles t·ω for long sequences), for every
// function the model uses (exp log tanh erf sin cos sqrt rsqrt) and the
// four operations. MPFR's exponent range reaches far beyond binary64, so
// nothing overflows or flushes here; an enclosure must hold throughout.
BOOST_AUTO_TEST_CASE(adversarial_inputs_are_enclosed) {
  using Fn = int (*)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);
  const auto rec_sqrt = [](mpfr_ptr r, mpfr_srcptr x, mpfr_rnd_t m) { return mpfr_rec_sqrt(r, x, m); };
  struct Unary {
    const char* name;
    Interval (*f)(const Interval&);
    Fn reference;
    bool positive_only;  // defined for x > 0 only
  };
  const Unary unary[] = {
      {"exp", [](const Interval& x) { return exp(x); }, mpfr_exp, false},
      {"tanh", [](const Interval& x) { return tanh(x); }, mpfr_tanh, false},
      {"erf", [](const Interval& x) { return erf(x); }, mpfr_erf, false},
      {"sin", [](const Interval& x) { return sin(x); }, mpfr_sin, false},
      {"cos", [](const Interval& x) { return cos(x); }, mpfr_cos, false},
      {"log", [](const Interval& x) { return log(x); }, mpfr_log, true},
      {"sqrt", [](const Interval& x) { return sqrt(x); }, mpfr_sqrt, true},
      {"rsqrt", [](const Interval& x) { return rsqrt(x); }, rec_sqrt, true},
  };
  const double tiny = std::numeric_limits<double>::denorm_min();
  const double big = std::numeric_limits<double>::max();
  const std::pair<double, double> ranges[] = {
      {-3.0, 2.0}, {-1e-300, 1e-300}, {-tiny, tiny}, {-0.0, 0.0}, {-745.5, -700.0}, {700.0, 709.78},
      {709.78, 720.0}, {-30.0, 30.0}, {tiny, 1e-310}, {2.2250738585072014e-308 / 2, 2.2250738585072014e-308},
      {1e300, big}, {-big, -1e300}, {1e6, 1e6 + 1}, {1e15, 1e15 + 0.125}, {1e22, 1e22}, {0x1p60, 0x1p60},
      {4096.0 * 0.0001, 4096.0 * 0.0001}, {131071.0, 131071.0}, {1.0, 2.0}, {3.0, 3.3}, {0.0, 10.0}};
  int checked = 0, failures = 0;
  for (const long p : {24L, 53L, 113L}) {
    for (const auto& [lo, hi] : ranges) {
      const Interval x(lo, hi, p);
      // Points: the ends (as the interval holds them), 0 when inside, 7 interior points.
      std::vector<MpfrReal> points{x.lower(), x.upper()};
      if (lo < 0 && hi > 0) points.emplace_back(0.0, 4 * p);
      for (int k = 1; k <= 7; ++k) points.emplace_back(lo + (hi - lo) / 8 * k, 4 * p);
      for (const Unary& u : unary) {
        if (u.positive_only && !(lo > 0)) continue;
        const Interval r = u.f(x);
        for (const MpfrReal& point : points) {
          if (!contains(x, point)) continue;  // lo + (hi − lo)/8·k rounded outside a tiny range
          MpfrReal want(0.0, 4 * p);
          u.reference(want.data(), point.data(), MPFR_RNDN);
          ++checked;
          if (!contains(r, want)) {
            ++failures;
            BOOST_TEST_MESSAGE(u.name << " [" << lo << ", " << hi << "] p=" << p << ": " << want.to_double()
                                      << " outside [" << r.lower().to_double() << ", " << r.upper().to_double()
                                      << "]");
          }
        }
      }
      // The operations with a second interval crossing zero, near overflow and subnormal.
      for (const auto& [lo2, hi2] : {std::pair{-2.0, 5.0}, std::pair{1e300, 1e308}, std::pair{tiny, 4 * tiny}}) {
        const Interval y(lo2, hi2, p);
        for (const MpfrReal& a : points) {
          if (!contains(x, a)) continue;
          for (const MpfrReal& b : {y.lower(), y.upper()}) {
            MpfrReal sum(0.0, 4 * p), difference(0.0, 4 * p), product(0.0, 4 * p), quotient(0.0, 4 * p);
            mpfr_add(sum.data(), a.data(), b.data(), MPFR_RNDN);
            mpfr_sub(difference.data(), a.data(), b.data(), MPFR_RNDN);
            mpfr_mul(product.data(), a.data(), b.data(), MPFR_RNDN);
            checked += 3;
            failures += !contains(x + y, sum) + !contains(x - y, difference) + !contains(x * y, product);
            if (lo2 > 0) {  // y does not contain 0
              mpfr_div(quotient.data(), a.data(), b.data(), MPFR_RNDN);
              ++checked;
              failures += !contains(x / y, quotient);
            }
          }
        }
      }
    }
  }
  BOOST_TEST(checked > 3000);
  BOOST_TEST(failures == 0);
  // Extrema inside the interval are included: sin over [1, 2] reaches 1 at π/2,
  // cos over [3, 3.3] reaches −1 at π, tanh/erf across 0 include 0.
  BOOST_TEST(contains(sin(Interval(1.0, 2.0, 53)), 1.0));
  BOOST_TEST(contains(cos(Interval(3.0, 3.3, 53)), -1.0));
  BOOST_TEST(contains(tanh(Interval(-1e-300, 1e-300, 53)), 0.0));
  BOOST_TEST(contains(erf(Interval(-tiny, tiny, 53)), 0.0));
  // Large arguments keep their enclosures narrow (MPFR reduces them exactly):
  // sin(1e22) at 53 bits is within a few ulps.
  const Interval s = sin(Interval(1e22, 53));
  BOOST_TEST(contains(s, -0.8522008497671888));
  BOOST_TEST((s.upper().to_double() - s.lower().to_double()) < 1e-15);
}

BOOST_AUTO_TEST_SUITE_END()
