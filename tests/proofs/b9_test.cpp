// B.9 checker: invariances certified, and a model with positions refuted.
#include <boost/test/unit_test.hpp>

#include "glasses/model/presets.hpp"
#include "glasses/proofs/b9_no_position_counting.hpp"
#include "glasses/proofs/check.hpp"

namespace gp = glasses::proofs;
namespace gm = glasses::model;

BOOST_AUTO_TEST_SUITE(b9)

BOOST_AUTO_TEST_CASE(quick_configuration_certifies_the_invariances) {
  const gp::CheckResult r = gp::run_check(gp::find_check("B.9"), {true, 0});
  BOOST_TEST(r.id == "B.9");
  const auto counts = r.verdict_counts();
  BOOST_TEST(counts[static_cast<int>(gp::Verdict::proven)] == static_cast<int>(r.instances.size()));
  BOOST_TEST(r.instances.size() >= 14u);
  BOOST_TEST(r.notes.size() == 6u);  // three formats, with and without mask
}

// With RoPE the same sequences differ by order 1e-2 or more: the bound
// 2^-128 must be refuted (the checker can say no).
BOOST_AUTO_TEST_CASE(positions_break_the_invariance_and_are_refuted) {
  const gm::ModelSource m = gm::make_preset("default:causal=0");
  const glasses::numerics::Interval d = gp::detail::b9_largest_difference(m, {1, 0}, {1, 1, 0, 0}, 128);
  const gp::Verdict v = gp::decide({d.lower().to_double(), d.upper().to_double()}, gp::Relation::less_equal,
                                   {std::ldexp(1.0, -128), std::ldexp(1.0, -128)});
  BOOST_TEST((v == gp::Verdict::refuted));
  BOOST_TEST(d.lower().to_double() > 1e-3);
}

BOOST_AUTO_TEST_SUITE_END()
