// run_checks: results in the given order and identical for any number of
// threads; an exception in a check reaches the caller.
#include <boost/test/unit_test.hpp>
#include <stdexcept>

#include "glasses/proofs/check.hpp"

namespace gp = glasses::proofs;

namespace {

gp::CheckResult throwing_check(const gp::CheckOptions&) { throw std::runtime_error("broken check"); }

// A checker that knows nothing of its own id or expectation.
gp::CheckResult anonymous_check(const gp::CheckOptions&) {
  gp::CheckResult r;
  r.statement = "anonymous";
  return r;
}

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

// The id and the expectation of a result are the registry entry's, stated once there.
BOOST_AUTO_TEST_CASE(run_check_takes_id_and_expectation_from_the_entry) {
  const gp::CheckInfo entry{"X.1", "an entry", gp::Expectation::refuted, anonymous_check};
  const gp::CheckResult r = gp::run_check(entry, {true, 0});
  BOOST_TEST(r.id == "X.1");
  BOOST_TEST((r.expected == gp::Expectation::refuted));
  BOOST_TEST(r.statement == "anonymous");
  const gp::CheckInfo& b6 = gp::find_check("B.6-counterexample");
  const std::vector<gp::CheckResult> results = gp::run_checks({&b6}, {true, 0}, 1);
  BOOST_TEST(results.front().id == "B.6-counterexample");
  BOOST_TEST((results.front().expected == gp::Expectation::refuted));
}

BOOST_AUTO_TEST_SUITE_END()
