// Every sweep metric on a constructed case, against values worked out by
// hand from tiny vectors whose bits are known (bf16 values, powers of two):
// D1, D2, Dinf, bitwise_equal, identical_fraction, ulp_distance, argmax,
// D_layer, head_inf_mean/min/max, nonfinite (measure); error_inf and
// decision_collapse (compare_with_reference); onset_first and
// onset_permanent with walked n (first_collapse, permanent_collapse); and
// the names under which the tidy CSV writes them (metric_values).
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <map>

#include "glasses/model/sweep_impl.hpp"
#include "glasses/model/sweep_metrics.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

namespace {

// The last position of one sequence, as a track keeps it, in double.
gm::detail::LastPosition<double> last(std::vector<double> y, std::vector<double> logits,
                                      std::vector<std::vector<double>> residual,
                                      std::vector<std::vector<double>> heads) {
  gm::detail::LastPosition<double> p;
  p.y = std::move(y);
  p.logits = std::move(logits);
  p.residual = std::move(residual);
  p.head_outputs_last_layer = std::move(heads);
  return p;
}

gm::PointMetrics point(std::size_t n, bool collapsed, std::size_t walked_from = 0,
                       std::vector<std::size_t> walked_collapsed = {}) {
  gm::PointMetrics p;
  p.n = n;
  p.bitwise_equal = collapsed;
  p.walked_from = walked_from;
  p.walked_collapsed = std::move(walked_collapsed);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sweep_metrics)

// y(s)  = (-4, -2,        0.25,          0)
// y(s*) = (-4, -2 - 2^-6, 0.25 + 2^-9,  -0)      (all bf16 numbers)
// |y(s) - y(s*)| = (0, 2^-6, 2^-9, 0):
//   D1 = 2^-6 + 2^-9 = 0.017578125, D2 = sqrt(2^-12 + 2^-18) = sqrt(65)/512,
//   Dinf = 2^-6; one component of four bit-identical (0 and -0 differ in
//   bits); ‖y(s)‖∞ = 4, ulp_bf16(4) = 2^(2-7) = 2^-5, so ulp_distance = 1/2.
// Logits (0.1, 3, 2) and (5, 1, 0): argmax 1 and 0. Residual rows (1, 1)
// and (0.5, 2): D_layer = 0.5 + 1 = 1.5. Heads (1, 2)|(1, 2.5): 0.5;
// (0.125, -1)|(0.125, -1): 0; (3)|(2): 1 -> mean 0.5, min 0, max 1.
BOOST_AUTO_TEST_CASE(measure_hand_worked) {
  const auto a = last({-4, -2, 0.25, 0.0}, {0.1, 3, 2}, {{1, 1}}, {{1, 2}, {0.125, -1}, {3}});
  auto b = last({-4, -2 - 0x1p-6, 0.25 + 0x1p-9, -0.0}, {5, 1, 0}, {{0.5, 2}}, {{1, 2.5}, {0.125, -1}, {2}});
  const gm::PointMetrics p = gm::detail::measure(12, a, b, gn::formats::bf16);
  BOOST_TEST(p.n == 12u);
  BOOST_TEST(p.d1 == 0.017578125);
  BOOST_TEST(p.d2 == std::sqrt(65.0) / 512);  // sqrt correctly rounded, /512 exact
  BOOST_TEST(p.dinf == 0x1p-6);
  BOOST_TEST(!p.bitwise_equal);
  BOOST_TEST(p.identical_fraction == 0.25);
  BOOST_TEST(p.y_norm_inf == 4.0);
  BOOST_TEST(p.ulp_distance == 0.5);
  BOOST_TEST(p.argmax_a == 1);
  BOOST_TEST(p.argmax_b == 0);
  BOOST_TEST_REQUIRE(p.layer_d1.size() == 1u);
  BOOST_TEST(p.layer_d1[0] == 1.5);
  BOOST_TEST(p.head_inf_mean == 0.5);
  BOOST_TEST(p.head_inf_min == 0.0);
  BOOST_TEST(p.head_inf_max == 1.0);
  BOOST_TEST(!p.nonfinite);

  // The same sequence on both sides: collapsed, every distance exactly 0.
  const gm::PointMetrics same = gm::detail::measure(12, a, a, gn::formats::bf16);
  BOOST_TEST(same.bitwise_equal);
  BOOST_TEST(same.identical_fraction == 1.0);
  BOOST_TEST(same.d1 == 0.0);
  BOOST_TEST(same.d2 == 0.0);
  BOOST_TEST(same.ulp_distance == 0.0);
  BOOST_TEST(same.head_inf_max == 0.0);

  // A non-finite value met in s* (position 7, layer 2, the MLP) is reported with its place.
  b.issue = {true, 2, 7, "mlp"};
  const gm::PointMetrics bad = gm::detail::measure(12, a, b, gn::formats::bf16);
  BOOST_TEST(bad.nonfinite);
  BOOST_TEST(bad.issue == "s*: position 7, layer 2, mlp");
}

// The ulp is that of the format y is stored in: fp16 at ‖y‖∞ = 4 is
// 2^(2-10) = 2^-8, so Dinf = 2^-6 is 4 ulps; fp32: 2^(2-23) = 2^-21, 2^15 ulps.
BOOST_AUTO_TEST_CASE(ulp_distance_in_the_storage_format) {
  const auto a = last({4, 1}, {}, {}, {});
  const auto b = last({4, 1 + 0x1p-6}, {}, {}, {});
  BOOST_TEST(gm::detail::measure(3, a, b, gn::formats::fp16).ulp_distance == 4.0);
  BOOST_TEST(gm::detail::measure(3, a, b, gn::formats::fp32).ulp_distance == 32768.0);
  // No logits: argmax -1 on both sides; no heads: head metrics 0.
  const gm::PointMetrics p = gm::detail::measure(3, a, b, gn::formats::fp16);
  BOOST_TEST(p.argmax_a == -1);
  BOOST_TEST(p.head_inf_mean == 0.0);
}

// error_inf = ‖y_F(s) − y_ref(s)‖∞ with the reference at 256 bits:
// (1, -2) against (1 + 2^-60, -2 - 1/3): the differences 2^-60 and 1/3,
// so error_inf = the double nearest 1/3. decision_collapse: the track's
// argmax agree while the reference's differ.
BOOST_AUTO_TEST_CASE(error_inf_and_decision_collapse) {
  const auto mp = [](double x) { return gn::MpfrReal(x, 256); };
  const gn::MpfrReal third = gn::MpfrReal::from_ratio(1, 3, 256);
  std::vector<gm::PointMetrics> track(4), reference(4);
  for (auto& p : track) p.y_a = {mp(1), mp(-2)};
  for (auto& r : reference) {
    r.y_a = {mp(1), mp(-2)};
    mpfr_add(r.y_a[0].data(), r.y_a[0].data(), mp(0x1p-60).data(), MPFR_RNDN);
    mpfr_sub(r.y_a[1].data(), r.y_a[1].data(), third.data(), MPFR_RNDN);
  }
  // (track a, b | reference a, b): collapse only in the first case.
  const int cases[4][4] = {{3, 3, 3, 5}, {3, 3, 3, 3}, {3, 4, 3, 5}, {-1, -1, 3, 5}};
  for (std::size_t i = 0; i < 4; ++i) {
    track[i].argmax_a = cases[i][0];
    track[i].argmax_b = cases[i][1];
    reference[i].argmax_a = cases[i][2];
    reference[i].argmax_b = cases[i][3];
  }
  gm::detail::compare_with_reference(track, reference);
  for (const auto& p : track) BOOST_TEST(p.error_inf == 1.0 / 3.0);
  BOOST_TEST(track[0].decision_collapse);
  BOOST_TEST(!track[1].decision_collapse);  // the reference collapses too
  BOOST_TEST(!track[2].decision_collapse);  // the track still decides differently
  BOOST_TEST(!track[3].decision_collapse);  // no logits
}

// Onsets from the points' collapse flags, walked n included:
//   1 no, 2 yes, 3 no, 4 yes, 5 yes               -> first 2, permanent 4
//   4 yes, then 8 with 5, 6, 7 walked, 6 and 7 collapsed -> first 4, permanent 6
//   3 no, 4 yes, then 8 with 5, 6, 7 all collapsed  -> permanent 4
//   4 no, then 8 with 6 and 7 collapsed             -> first 6
//   the last point not collapsed                   -> no permanent onset
BOOST_AUTO_TEST_CASE(onsets_first_and_permanent) {
  const std::vector<gm::PointMetrics> plain = {point(1, false), point(2, true), point(3, false), point(4, true),
                                               point(5, true)};
  BOOST_TEST(gm::detail::first_collapse(plain).value_or(0) == 2u);
  BOOST_TEST(gm::detail::permanent_collapse(plain).value_or(0) == 4u);
  const std::vector<gm::PointMetrics> gap = {point(4, true), point(8, true, 5, {6, 7})};
  BOOST_TEST(gm::detail::first_collapse(gap).value_or(0) == 4u);
  BOOST_TEST(gm::detail::permanent_collapse(gap).value_or(0) == 6u);
  const std::vector<gm::PointMetrics> through = {point(3, false), point(4, true), point(8, true, 5, {5, 6, 7})};
  BOOST_TEST(gm::detail::permanent_collapse(through).value_or(0) == 4u);
  const std::vector<gm::PointMetrics> walked_first = {point(4, false), point(8, true, 5, {6, 7})};
  BOOST_TEST(gm::detail::first_collapse(walked_first).value_or(0) == 6u);
  const std::vector<gm::PointMetrics> reopened = {point(2, true), point(3, true), point(4, false)};
  BOOST_TEST(gm::detail::first_collapse(reopened).value_or(0) == 2u);
  BOOST_TEST(!gm::detail::permanent_collapse(reopened).has_value());
  BOOST_TEST(!gm::detail::first_collapse({point(1, false)}).has_value());
}

// A permanent onset is confirmed when it lies at or before the
// second-to-last point: 4 in `plain` (points 4 and 5) and `through`
// (4, then 8) are; 6, reached only on the n walked to the last point 8,
// is not; neither is an onset at the only point of a sweep, nor none.
BOOST_AUTO_TEST_CASE(permanent_onset_confirmed_by_a_later_point) {
  const std::vector<gm::PointMetrics> plain = {point(1, false), point(2, true), point(3, false), point(4, true),
                                               point(5, true)};
  BOOST_TEST(gm::detail::onset_confirmed(plain, gm::detail::permanent_collapse(plain)));
  const std::vector<gm::PointMetrics> through = {point(3, false), point(4, true), point(8, true, 5, {5, 6, 7})};
  BOOST_TEST(gm::detail::onset_confirmed(through, gm::detail::permanent_collapse(through)));
  const std::vector<gm::PointMetrics> gap = {point(4, true), point(8, true, 5, {6, 7})};
  BOOST_TEST(!gm::detail::onset_confirmed(gap, gm::detail::permanent_collapse(gap)));
  const std::vector<gm::PointMetrics> late = {point(4, false), point(5, false), point(6, true)};
  BOOST_TEST(!gm::detail::onset_confirmed(late, gm::detail::permanent_collapse(late)));
  const std::vector<gm::PointMetrics> one = {point(4, true)};
  BOOST_TEST(!gm::detail::onset_confirmed(one, gm::detail::permanent_collapse(one)));
  BOOST_TEST(!gm::detail::onset_confirmed(plain, std::nullopt));
}

// The tidy CSV's metric names carry the fields above.
BOOST_AUTO_TEST_CASE(csv_names_carry_the_metrics) {
  gm::PointMetrics p;
  p.d1 = 1.5;
  p.d2 = 2.5;
  p.ulp_distance = 3.5;
  p.error_inf = 4.5;
  p.decision_collapse = true;
  p.head_inf_mean = 5.5;
  p.head_inf_min = 6.5;
  p.head_inf_max = 7.5;
  p.nonfinite = true;
  std::map<std::string, double> got;
  for (const auto& [name, value] : gm::metric_values(p)) got[name] = value;
  const std::map<std::string, double> want = {{"D1", 1.5},           {"D2", 2.5},           {"ulp_distance", 3.5},
                                              {"error_inf", 4.5},    {"decision_collapse", 1},
                                              {"head_inf_mean", 5.5}, {"head_inf_min", 6.5}, {"head_inf_max", 7.5},
                                              {"nonfinite", 1}};
  for (const auto& [name, value] : want) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST_REQUIRE(got.count(name) == 1u);
      BOOST_TEST(got[name] == value);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
