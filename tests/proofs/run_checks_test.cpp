// run_checks: results in the given order and identical for any number of
// threads; an exception in a check reaches the caller.
#include <boost/test/unit_test.hpp>
#include <stdexcept>

#include "glasses/proofs/check.hpp"

namespace gp = glasses::proofs;

namespace {

gp::CheckResult throwing_check(const gp::CheckOptions&) { throw std::runtime_error("broken check"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(run_checks)

BOOST_AUTO_TEST_CASE(order_and_results_do_not_depend_on_threads) {
  std::vector<const gp::CheckInfo*> checks;
  for (const char* id : {"B.8", "B.2-literal", "B.6-counterexample", "B.4"}) checks.push_back(&gp::find_check(id));
  const gp::CheckOptions quick{true, 0};
  std::vector<std::size_t> finished;
  const auto one = gp::run_checks(checks, quick, 1);
  const auto three = gp::run_checks(checks, quick, 3, [&](std::size_t i, double) { finished.push_back(i); });
  BOOST_TEST_REQUIRE(one.size() == checks.size());
  BOOST_TEST_REQUIRE(three.size() == checks.size());
  BOOST_TEST(finished.size() == checks.size());
  for (std::size_t i = 0; i < checks.size(); ++i) {
    BOOST_TEST_CONTEXT("check " << checks[i]->id) {
      BOOST_TEST(three[i].id == checks[i]->id);
      BOOST_TEST(one[i].id == three[i].id);
      BOOST_TEST(one[i].instances.size() == three[i].instances.size());
      BOOST_TEST((one[i].verdict_counts() == three[i].verdict_counts()));
      BOOST_TEST(one[i].worst_margin() == three[i].worst_margin());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_failing_check_reaches_the_caller) {
  const gp::CheckInfo broken{"X", "throws", gp::Expectation::holds, throwing_check};
  const std::vector<const gp::CheckInfo*> checks{&gp::find_check("B.2-literal"), &broken};
  BOOST_CHECK_THROW(gp::run_checks(checks, gp::CheckOptions{true, 0}, 2), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
