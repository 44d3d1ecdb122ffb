// B.1 softmax dilution: the checker's quick configuration, its instance
// sides against values computed here in MPFR from the definitions, and a
// wrong closed form that the checker must refute.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "glasses/numerics/mpfr.hpp"
#include "glasses/proofs/b1_softmax_dilution.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/proofs/check.hpp"

namespace gp = glasses::proofs;
namespace gn = glasses::numerics;
using gn::Interval;
using R = gn::Mpfr<256>;

namespace {

gn::MpfrReal real(const R& x) { return gn::MpfrReal::exact_copy(x.data()); }

const gp::Series& series(const gp::CheckResult& r, const std::string& name) {
  for (const gp::Series& s : r.data) {
    if (s.name == name) return s;
  }
  BOOST_FAIL("no series " + name);
  return r.data.front();
}

// A closed form with the factor e^b dropped from the numerator: wrong by e^b.
Interval without_exp_b(const Interval&, const Interval& exp_c, const Interval& z) { return exp_c / (z * z); }
// A closed form with Z² instead of Z(Z + e^b): wrong by (Z + e^b)/Z.
Interval z_squared(const Interval& exp_b, const Interval& exp_c, const Interval& z) { return exp_b * exp_c / (z * z); }

}  // namespace

BOOST_AUTO_TEST_SUITE(b1)

BOOST_AUTO_TEST_CASE(quick_configuration_proves_every_instance) {
  gp::CheckOptions o;
  o.quick = true;
  const gp::CheckResult r = gp::run_check(gp::find_check("B.1"), o);
  BOOST_TEST(r.id == "B.1");
  BOOST_TEST((r.expected == gp::Expectation::holds));
  const auto counts = r.verdict_counts();
  BOOST_TEST(counts[0] == static_cast<int>(r.instances.size()));  // all proven
  BOOST_TEST(r.instances.size() > 50u);
  BOOST_TEST(!r.failed());
  // Room in every inequality; the exact-fraction instances are equalities
  // (margin 0) or inclusions (margin ≥ 0).
  int exact = 0;
  for (const gp::Instance& i : r.instances) {
    const bool is_exact = i.description.find("exact fractions") != std::string::npos;
    exact += is_exact ? 1 : 0;
    BOOST_TEST((is_exact ? i.margin >= 0 : i.margin > 0), i.description);
  }
  BOOST_TEST(exact == 3 * (gp::detail::kB1ExactRandom + 4));
  // n²·gap of the edge sweep (a_k = −1, b = 1/2, c = 1) against the formula
  // evaluated here: n² e^(b+c) / (((n−1)/e + e^c)((n−1)/e + e^c + e^b)).
  const gp::Series& s = series(r, "b1_scaled_gap");
  BOOST_TEST(s.rows.size() >= 10u);
  for (const std::vector<double>& row : s.rows) {
    const R n(row[0]);
    const R b = R::from_ratio(1, 2), c(1.0);
    const R z = (n - R(1.0)) * exp(R(-1.0)) + exp(c);
    const R expected = n * n * exp(b + c) / (z * (z + exp(b)));
    BOOST_TEST(row[2] == expected.to_double(), boost::test_tools::tolerance(1e-12));
    // The constant that bounds it for every n: e^(b+c+2).
    BOOST_TEST(row[2] < exp(b + c + R(2.0)).to_double());
  }
  // The uniform sweep approaches e^(b+c)/sinh(1)² (law of large numbers): within 5% at n = 10^4.
  const R sinh1 = (exp(R(1.0)) - exp(R(-1.0))) / R(2.0);
  const double lln = R(exp(R(1.5)) / (sinh1 * sinh1)).to_double();
  BOOST_TEST(s.rows.back()[1] == lln, boost::test_tools::tolerance(0.05));
}

BOOST_AUTO_TEST_CASE(sides_enclose_the_softmax_entries) {
  // a = (1/2, −1), b = 0.3, c = 2: Z = e^(1/2) + e^(−1) + e^2.
  const double b = 0.3, c = 2;
  const long prec = 256;
  const Interval sum = exp(Interval(0.5, prec)) + exp(Interval(-1.0, prec));
  const gp::detail::B1Sides s = gp::detail::b1_sides(sum, b, c, prec, gp::detail::b1_closed_form);
  const R z = exp(R(0.5)) + exp(R(-1.0)) + exp(R(c));
  const R without_b = exp(R(c)) / z;
  const R with_b = exp(R(c)) / (z + exp(R(b)));
  BOOST_TEST(contains(s.without_b, real(without_b)));
  BOOST_TEST(contains(s.with_b, real(with_b)));
  BOOST_TEST(s.gap.width().to_double() < 1e-70);
  BOOST_TEST(s.closed_form.to_double() == R(without_b - with_b).to_double(), boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(instances_prove_inequality_and_closed_form) {
  const auto inst = gp::detail::b1_instance({0.25, -3, 4}, 1.5, -0.5, "hand-built");
  BOOST_TEST_REQUIRE(inst.size() == 2u);
  BOOST_TEST((inst[0].verdict == gp::Verdict::proven));
  BOOST_TEST((inst[1].verdict == gp::Verdict::proven));
  // n = 1: a is empty, softmax([c]) = 1 > softmax([b, c])_2.
  const auto single = gp::detail::b1_instance({}, 0, 0, "n = 1");
  BOOST_TEST((single[0].verdict == gp::Verdict::proven));
}

BOOST_AUTO_TEST_CASE(gap_of_e_to_minus_ten_thousand_is_certified) {
  const std::vector<double> a{0.1, -0.2};
  BOOST_TEST(gp::detail::b1_precision(a, -10000, 0) > 14000);
  const auto inst = gp::detail::b1_instance(a, -10000, 0, "b = −10000");
  BOOST_TEST((inst[0].verdict == gp::Verdict::proven));
  BOOST_TEST((inst[1].verdict == gp::Verdict::proven));
}

BOOST_AUTO_TEST_CASE(wrong_closed_forms_are_refuted) {
  const std::vector<double> a{0.5, 1, -1};
  const auto dropped = gp::detail::b1_instance(a, 2, 0, "wrong: e^b dropped", without_exp_b);
  BOOST_TEST((dropped[0].verdict == gp::Verdict::proven));   // the inequality itself still holds
  BOOST_TEST((dropped[1].verdict == gp::Verdict::refuted));  // the closed form does not
  BOOST_TEST(!dropped[1].witness.empty());
  const auto squared = gp::detail::b1_instance(a, 2, 0, "wrong: Z²", z_squared);
  BOOST_TEST((squared[1].verdict == gp::Verdict::refuted));
}


// Exact fractions, worked by hand: w_a = (1), w_b = w_c = 1 give Z = 2, the
// entries 1/2 and 1/3, gap 1/6 = w_b w_c/(Z(Z+w_b)) = 1/(2·3).
BOOST_AUTO_TEST_CASE(exact_fractions_match_the_hand_worked_gap_and_the_enclosures) {
  using Q = gp::detail::Rational;
  const std::vector<gp::Instance> ok = gp::detail::b1_exact_instances({Q(1)}, Q(1), Q(1), "hand");
  BOOST_TEST_REQUIRE(ok.size() == 3u);
  for (const gp::Instance& i : ok) BOOST_TEST((i.verdict == gp::Verdict::proven), i.description);
  BOOST_TEST(ok[1].lhs.upper <= 0.0);
  // 1/6 itself sits inside the MPFI gap from the logits ln 1 = 0 (b1_sides).
  const gp::detail::B1Sides s = gp::detail::b1_sides(Interval(1.0, 256), 0, 0, 256, gp::detail::b1_closed_form);
  BOOST_TEST(gp::detail::distance_outside(Q(1, 6), s.gap) <= 0);
  BOOST_TEST(gp::detail::distance_outside(Q(1, 5), s.gap) > 0);
  // A wrong closed form e^b e^c / Z² (1/4 here, not 1/6): its enclosure
  // misses the exact closed form, refuted.
  const auto wrong = [](const Interval& eb, const Interval& ec, const Interval& z) { return eb * ec / (z * z); };
  const std::vector<gp::Instance> broken = gp::detail::b1_exact_instances({Q(1)}, Q(1), Q(1), "broken", wrong);
  BOOST_TEST((broken[0].verdict == gp::Verdict::proven));  // the exact identity does not use cf
  BOOST_TEST((broken[2].verdict == gp::Verdict::refuted));
  // Exact equality of unequal fractions, and a value outside: refuted.
  BOOST_TEST((gp::detail::exact_equal_instance(Q(1, 3), Q(333, 1000), 128, "x", "x", "{}").verdict ==
              gp::Verdict::refuted));
  BOOST_TEST((gp::detail::exact_inside_instance(Q(1, 1000000), 128, "x", "x", "{}").verdict == gp::Verdict::refuted));
  BOOST_CHECK_THROW(gp::detail::b1_exact_instances({Q(-1)}, Q(1), Q(1), "negative"), glasses::InputError);
}

BOOST_AUTO_TEST_SUITE_END()
