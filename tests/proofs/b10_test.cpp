// B.10 checker: a certified counting failure in bf16, the MPFR reference
// inside the MPFI enclosure, and a non-collapsed point refuted.
#include <boost/test/unit_test.hpp>

#include "glasses/proofs/b10_counting.hpp"
#include "glasses/proofs/check.hpp"

namespace gp = glasses::proofs;
namespace gm = glasses::model;

BOOST_AUTO_TEST_SUITE(b10)

BOOST_AUTO_TEST_CASE(bf16_counting_failure_is_certified) {
  const gp::CheckResult r = gp::run_check(gp::find_check("B.10"), {true, 0});
  BOOST_TEST(r.id == "B.10");
  const auto counts = r.verdict_counts();
  BOOST_TEST(counts[static_cast<int>(gp::Verdict::refuted)] == 0);
  BOOST_TEST(counts[static_cast<int>(gp::Verdict::proven)] >= 2);  // bf16 collapses within n <= 1024
  bool bf16 = false;
  for (const gp::Instance& i : r.instances) bf16 = bf16 || i.description.starts_with("bf16");
  BOOST_TEST(bf16);
  // The MPFR-256 reference distance (an independent computation) lies in
  // the certified enclosure at the onset.
  for (const gp::Instance& i : r.instances) {
    if (i.rhs_label != "Dinf_exact(n)") continue;
    const std::size_t n = std::stoul(i.description.substr(i.description.find("n = ") + 4));
    for (const auto& row : r.data[0].rows) {
      if (static_cast<std::size_t>(row[0]) == n) {
        BOOST_TEST(row[4] >= i.rhs.lower * (1 - 1e-12));
        BOOST_TEST(row[4] <= i.rhs.upper * (1 + 1e-12));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_point_that_did_not_collapse_is_refuted) {
  gm::PointMetrics p;
  p.n = 10;
  p.dinf = 1e-3;
  p.bitwise_equal = false;
  gm::Certification c;
  c.exact_distance_lower = 9e-4;
  c.exact_distance_upper = 1.1e-3;
  c.bits = 128;
  const std::vector<gp::Instance> v = gp::detail::b10_instances("bf16", p, c);
  BOOST_TEST((v[0].verdict == gp::Verdict::refuted));
  BOOST_TEST((v[1].verdict == gp::Verdict::proven));
}

BOOST_AUTO_TEST_SUITE_END()
