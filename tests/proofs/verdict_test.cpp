// Verdict rules of THEORY §5 on hand-built enclosures.
#include "glasses/proofs/verdict.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

namespace gp = glasses::proofs;
using gp::Bounds;
using gp::Relation;
using gp::Verdict;

BOOST_AUTO_TEST_SUITE(verdict)

BOOST_AUTO_TEST_CASE(certified_decisions_need_separated_enclosures) {
  BOOST_TEST((gp::decide({1, 2}, Relation::less_equal, {2, 3}) == Verdict::proven));
  BOOST_TEST((gp::decide({1, 2}, Relation::less, {2, 3}) == Verdict::inconclusive));  // touching: not strict
  BOOST_TEST((gp::decide({1, 2.5}, Relation::less_equal, {2, 3}) == Verdict::inconclusive));
  BOOST_TEST((gp::decide({3.5, 4}, Relation::less_equal, {2, 3}) == Verdict::refuted));
  BOOST_TEST((gp::decide({3, 4}, Relation::less, {2, 3}) == Verdict::refuted));
  BOOST_TEST((gp::decide({1, 1}, Relation::equal, {1, 1}) == Verdict::proven));
  BOOST_TEST((gp::decide({1, 1.5}, Relation::equal, {1, 1}) == Verdict::inconclusive));
  BOOST_TEST((gp::decide({1, 1.5}, Relation::equal, {2, 3}) == Verdict::refuted));
  BOOST_TEST((gp::decide({NAN, 1}, Relation::less, {2, 3}) == Verdict::inconclusive));
}

BOOST_AUTO_TEST_CASE(floating_point_alone_never_proves_or_refutes) {
  BOOST_TEST((gp::decide_numerically(1, Relation::less, 2) == Verdict::holds_numerically));
  BOOST_TEST((gp::decide_numerically(3, Relation::less, 2) == Verdict::inconclusive));
  BOOST_TEST((gp::decide_numerically(1.0, Relation::equal, 1.0 + 1e-12, 1e-9) == Verdict::holds_numerically));
}

BOOST_AUTO_TEST_CASE(results_count_and_fail_only_when_expected_to_hold) {
  gp::CheckResult r;
  r.expected = gp::Expectation::holds;
  r.instances.push_back({"a", "l", "r", {1, 1}, {2, 2}, Relation::less, 1.0, Verdict::proven, ""});
  r.instances.push_back({"b", "l", "r", {3, 3}, {2, 2}, Relation::less, -1.0, Verdict::refuted, "{}"});
  BOOST_TEST(r.verdict_counts()[0] == 1);
  BOOST_TEST(r.verdict_counts()[1] == 1);
  BOOST_TEST(r.worst_margin() == -1.0);
  BOOST_TEST(r.failed());
  r.expected = gp::Expectation::refuted;
  BOOST_TEST(!r.failed());
  r.expected = gp::Expectation::measurement;
  BOOST_TEST(!r.failed());
}

BOOST_AUTO_TEST_SUITE_END()
