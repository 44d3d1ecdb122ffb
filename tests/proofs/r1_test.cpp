// R.1 RoPE relative position: scores against closed-form rotations worked
// by hand (d = 2, ω = 1) and evaluated in MPFR, the fp32 score against MPFR
// rounded to binary32, a rotation with an absolute angle error that must be
// refuted, and the quick configuration.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <mpfr.h>
#include <string>

#include "glasses/numerics/format.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/proofs/r1_rope_relative.hpp"

namespace gp = glasses::proofs;
namespace gd = glasses::proofs::detail;
namespace gn = glasses::numerics;
using gn::Interval;

namespace {

// A 256-bit MPFR number (the independent reference).
struct Real {
  mpfr_t v;
  Real() { mpfr_init2(v, 256); }
  ~Real() { mpfr_clear(v); }
  Real(const Real&) = delete;
  Real& operator=(const Real&) = delete;
};

bool encloses(const Interval& x, const Real& r) {
  return mpfr_cmp(x.lower().data(), r.v) <= 0 && mpfr_cmp(r.v, x.upper().data()) <= 0;
}

double width(const Interval& x) { return (x.upper().to_double() - x.lower().to_double()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(r1)

// d = 2: ω_0 = θ^0 = 1, R_t = [[cos t, −sin t], [sin t, cos t]], and
// ⟨R_m q, R_n k⟩ = qᵀ R_(n−m) k = (q·k) cos(n−m) + (q_1 k_0 − q_0 k_1) sin(n−m).
BOOST_AUTO_TEST_CASE(two_dimensional_score_is_the_hand_worked_rotation) {
  const gd::R1Rotation rope = gd::r1_model_rotation(2, 10000, 256);
  // q = (1, 0), k = (0, 1), m = 3, n = 1: −sin(n − m) = sin 2.
  Real sin2;
  mpfr_set_ui(sin2.v, 2, MPFR_RNDN);
  mpfr_sin(sin2.v, sin2.v, MPFR_RNDN);
  const Interval s1 = gd::r1_score({1, 0}, {0, 1}, 3, 1, rope, 256);
  BOOST_TEST(encloses(s1, sin2));
  BOOST_TEST(width(s1) < 1e-60);
  // q = (1, 2), k = (3, −1): q·k = 1, q_1 k_0 − q_0 k_1 = 7; m = 5, n = 2: cos 3 − 7 sin 3.
  Real c3, s3, expected;
  mpfr_set_ui(c3.v, 3, MPFR_RNDN);
  mpfr_cos(c3.v, c3.v, MPFR_RNDN);
  mpfr_set_ui(s3.v, 3, MPFR_RNDN);
  mpfr_sin(s3.v, s3.v, MPFR_RNDN);
  mpfr_mul_ui(s3.v, s3.v, 7, MPFR_RNDN);
  mpfr_sub(expected.v, c3.v, s3.v, MPFR_RNDN);
  const Interval s2 = gd::r1_score({1, 2}, {3, -1}, 5, 2, rope, 256);
  BOOST_TEST(encloses(s2, expected));
  BOOST_TEST(width(s2) < 1e-60);
  // The same offset far away: (1005, 1002).
  BOOST_TEST(encloses(gd::r1_score({1, 2}, {3, -1}, 1005, 1002, rope, 256), expected));
  BOOST_TEST(encloses(gd::r1_closed_form({1, 2}, {3, -1}, 3, gd::r1_frequencies(2, 10000, 256)), expected));
}

BOOST_AUTO_TEST_CASE(fp32_score_is_the_binary32_rotation) {
  // d = 2, q = k = (1, 0), m = 1, n = 0: the score is cos(1) rounded into
  // binary32 (angle 1·1 exact, k unrotated, products by 1 and 0 exact).
  Real c1;
  mpfr_set_ui(c1.v, 1, MPFR_RNDN);
  mpfr_cos(c1.v, c1.v, MPFR_RNDN);
  const double expected = static_cast<double>(mpfr_get_flt(c1.v, MPFR_RNDN));
  BOOST_TEST(gd::r1_score_in(gn::formats::fp32, {1, 0}, {1, 0}, 1, 0, 2, 10000) == expected);
  // fp16 cannot hold position 70000 (above 65504): the score is NaN.
  BOOST_TEST(std::isnan(gd::r1_score_in(gn::formats::fp16, {1, 0}, {1, 0}, 70000, 69999, 2, 10000)));
}

BOOST_AUTO_TEST_CASE(absolute_angle_error_is_refuted) {
  // A broken RoPE: angle t·ω + 10^-3 t² (not a function of m − n).
  const long precision = 256;
  const std::vector<Interval> omega = gd::r1_frequencies(4, 10000, precision);
  const gd::R1Rotation broken = [&](long t, std::vector<Interval>& c, std::vector<Interval>& s) {
    c.clear();
    s.clear();
    const Interval tt = Interval::from_ratio(t, 1, precision);
    for (const Interval& w : omega) {
      const Interval angle = tt * w + tt * tt / Interval::from_ratio(1000, 1, precision);
      c.push_back(cos(angle));
      s.push_back(sin(angle));
    }
  };
  const std::vector<gp::Instance> bad = gd::r1_instances({1, 0.5, -0.25, 1}, {0.5, 1, 1, -1}, 100, 8, broken, omega,
                                                          precision, "broken");
  BOOST_TEST((bad[0].verdict == gp::Verdict::refuted));
  BOOST_TEST((bad[1].verdict == gp::Verdict::refuted));
  const std::vector<gp::Instance> good = gd::r1_instances({1, 0.5, -0.25, 1}, {0.5, 1, 1, -1}, 100, 8,
                                                           gd::r1_model_rotation(4, 10000, precision), omega,
                                                           precision, "model");
  BOOST_TEST((good[0].verdict == gp::Verdict::proven));
  BOOST_TEST((good[1].verdict == gp::Verdict::proven));
}

BOOST_AUTO_TEST_CASE(quick_configuration_proves_every_instance_and_measures_the_drift) {
  gp::CheckOptions o;
  o.quick = true;
  const gp::CheckResult r = gp::run_check(gp::find_check("R.1"), o);
  BOOST_TEST(r.id == "R.1");
  BOOST_TEST(r.instances.size() >= 100u);
  BOOST_TEST(r.verdict_counts()[0] == static_cast<int>(r.instances.size()));
  BOOST_REQUIRE(r.figures.size() == 1u);
  BOOST_TEST(r.figures[0].curves.size() == 3u);
  // bf16 holds 8 significant bits: at m = 2^17 the rotations of m and m − 8
  // round to the same position, so the score drifts by O(‖q‖‖k‖); fp32's
  // angle error t·ω·2^-24 stays below 1e-2 there.
  double bf16_last = 0, fp32_last = 1;
  for (const gp::Series& s : r.data) {
    if (s.name == "r1_drift_bf16") bf16_last = s.rows.back()[1];
    if (s.name == "r1_drift_fp32") fp32_last = s.rows.back()[1];
  }
  BOOST_TEST(bf16_last > 0.05);
  BOOST_TEST(fp32_last < 0.01);
}

BOOST_AUTO_TEST_SUITE_END()
