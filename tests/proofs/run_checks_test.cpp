// run_checks: results in the given order and identical for any number of
// threads; an exception in a check reaches the caller.
#include <bit>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <stdexcept>
#include <vector>

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

std::vector<std::uint64_t> bits_of(const std::vector<double>& v) {
  std::vector<std::uint64_t> out;
  for (const double x : v) out.push_back(std::bit_cast<std::uint64_t>(x));
  return out;
}

// a and b hold the same instances in the same order, every field equal
// (numbers bit for bit: NaN margins included).
void same_instances(const gp::CheckResult& a, const gp::CheckResult& b) {
  BOOST_TEST_REQUIRE(a.instances.size() == b.instances.size());
  for (std::size_t k = 0; k < a.instances.size(); ++k) {
    const gp::Instance& x = a.instances[k];
    const gp::Instance& y = b.instances[k];
    BOOST_TEST_CONTEXT("instance " << k << " (" << x.description << ")") {
      BOOST_TEST(x.description == y.description);
      BOOST_TEST(x.lhs_label == y.lhs_label);
      BOOST_TEST(x.rhs_label == y.rhs_label);
      BOOST_TEST((bits_of({x.lhs.lower, x.lhs.upper, x.rhs.lower, x.rhs.upper, x.margin}) ==
                  bits_of({y.lhs.lower, y.lhs.upper, y.rhs.lower, y.rhs.upper, y.margin})));
      BOOST_TEST((x.relation == y.relation));
      BOOST_TEST((x.verdict == y.verdict));
      BOOST_TEST(x.witness == y.witness);
    }
  }
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
      same_instances(one[i], three[i]);
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

// About 40 s of CPU (every quick check twice): with the slow suites.
BOOST_AUTO_TEST_SUITE(run_checks_threads, *boost::unit_test::label("slow"))

// Every check of the registry (quick) on 1 and 2 threads: the same
// instances, one by one, bit for bit -- not only the same summary -- and
// the same data series.
BOOST_AUTO_TEST_CASE(every_check_gives_the_same_instances_on_1_and_2_threads) {
  std::vector<const gp::CheckInfo*> checks;
  for (const gp::CheckInfo& c : gp::registry()) checks.push_back(&c);
  const gp::CheckOptions quick{true, 0};
  const auto one = gp::run_checks(checks, quick, 1);
  const auto two = gp::run_checks(checks, quick, 2);
  BOOST_TEST_REQUIRE(one.size() == checks.size());
  BOOST_TEST_REQUIRE(two.size() == checks.size());
  std::size_t instances = 0;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    instances += one[i].instances.size();
    BOOST_TEST_CONTEXT("check " << checks[i]->id) {
      same_instances(one[i], two[i]);
      BOOST_TEST_REQUIRE(one[i].data.size() == two[i].data.size());
      for (std::size_t k = 0; k < one[i].data.size(); ++k) {
        BOOST_TEST(one[i].data[k].name == two[i].data[k].name);
        BOOST_TEST(one[i].data[k].columns == two[i].data[k].columns, boost::test_tools::per_element());
        BOOST_TEST_REQUIRE(one[i].data[k].rows.size() == two[i].data[k].rows.size());
        for (std::size_t r = 0; r < one[i].data[k].rows.size(); ++r) {
          BOOST_TEST(bits_of(one[i].data[k].rows[r]) == bits_of(two[i].data[k].rows[r]),
                     boost::test_tools::per_element());
        }
      }
    }
  }
  BOOST_TEST(instances > 100u);
}

BOOST_AUTO_TEST_SUITE_END()
