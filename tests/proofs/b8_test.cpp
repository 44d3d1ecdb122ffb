// B.8 limit of depth: the checker's quick configuration, powers of the
// bound against the closed form of the 2 × 2 case ((3/4)^L), the scalar
// linear model against hand-computed matrices, and bounds with a constant
// removed that must be refuted.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "glasses/numerics/mpfr.hpp"
#include "glasses/proofs/b8_depth_limit.hpp"
#include "glasses/proofs/check.hpp"

namespace gp = glasses::proofs;
namespace gn = glasses::numerics;
using gn::Interval;
using gp::detail::IntervalMatrix;
using R = gn::Mpfr<256>;

namespace {

gn::MpfrReal real(const R& x) { return gn::MpfrReal::exact_copy(x.data()); }

R three_quarters_to(long L) {
  R p(1.0);
  for (long l = 0; l < L; ++l) p *= R::from_ratio(3, 4);
  return p;
}

const gp::Series& series(const gp::CheckResult& r, const std::string& name) {
  for (const gp::Series& s : r.data) {
    if (s.name == name) return s;
  }
  BOOST_FAIL("no series " + name);
  return r.data.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(b8)

BOOST_AUTO_TEST_CASE(quick_configuration_proves_limit_and_rate) {
  gp::CheckOptions o;
  o.quick = true;
  const gp::CheckResult r = gp::run_check(gp::find_check("B.8"), o);
  BOOST_TEST(r.id == "B.8");
  BOOST_TEST(r.verdict_counts()[0] == static_cast<int>(r.instances.size()));
  BOOST_TEST(r.instances.size() >= 60u);
  BOOST_TEST(!r.failed());
  // Uniform attention: log10 ρ^L = L log10(3/4), and the observed rate tends to 3/4.
  const gp::Series& s = series(r, "b8_rate_uniform");
  for (const std::vector<double>& row : s.rows) {
    BOOST_TEST(row[2] == row[0] * std::log10(0.75), boost::test_tools::tolerance(1e-9));
  }
  BOOST_TEST(s.rows.back()[4] == 0.75, boost::test_tools::tolerance(1e-6));
  // The published figures: the rate of both attention kinds (value and
  // rho^L companion) and the profile of the last row at L = 1, 2, 4, ..., 64.
  BOOST_TEST_REQUIRE(r.figures.size() == 2u);
  for (const gp::FigureData& f : r.figures) {
    BOOST_TEST((f.section == gp::ReportSection::sensitivity_bounds));
    if (f.name == "b8-rate") {
      BOOST_TEST_REQUIRE(f.curves.size() == 4u);
      BOOST_TEST(f.curves[0].subject == "uniform attention");
      BOOST_TEST(f.curves[1].y == "log10_rho_L");
      BOOST_TEST(f.curves[1].companion);
      BOOST_TEST(f.curves[3].subject == "preset attention");
      BOOST_TEST(f.curves[3].colour == 1u);
    } else {
      BOOST_TEST(f.name == "b8-profile");
      BOOST_TEST_REQUIRE(f.curves.size() == 7u);
      BOOST_TEST(f.curves.front().subject == "L = 1");
      BOOST_TEST(f.curves.back().subject == "L = 64");
      BOOST_TEST(f.curves.back().y == "L64");
    }
  }
}

BOOST_AUTO_TEST_CASE(two_by_two_powers_match_the_closed_form) {
  // Λ = [[1, 0], [1/2, 1/2]], M = (Λ + I)/2 = [[1, 0], [1/4, 3/4]],
  // M^L = [[1, 0], [1 − (3/4)^L, (3/4)^L]], d(L) = 2 (3/4)^L.
  const long prec = 256;
  const IntervalMatrix lambda = gp::detail::b8_uniform_attention(2, prec);
  const IntervalMatrix m = gp::detail::b8_layer_bound(lambda, gp::detail::b8_paper_constants(prec));
  BOOST_TEST(contains(m(1, 1), real(R::from_ratio(3, 4))));
  const std::vector<IntervalMatrix> p = gp::detail::b8_powers(m, {10, 1000});
  BOOST_TEST(contains(p[0](1, 1), real(three_quarters_to(10))));
  BOOST_TEST(contains(p[0](1, 0), real(R(1.0) - three_quarters_to(10))));
  BOOST_TEST(contains(gp::detail::b8_distance(p[0], true), real(R(2.0) * three_quarters_to(10))));
  // At L = 1000 the distance is 2·(3/4)^1000 ≈ 10^-124.6, kept tight by the row-sum identity.
  // (3/4)^1000 has 1585 significant bits: compared relatively, not by containment.
  const Interval d = gp::detail::b8_distance(p[1], true);
  const R expected = R(2.0) * three_quarters_to(1000);
  const gn::MpfrReal e = real(expected);
  BOOST_TEST(abs((d.midpoint() - e) / e).to_double() < 1e-60);
  BOOST_TEST((d.width() / d.lower()).to_double() < 1e-60);
  BOOST_TEST(certainly_positive(d));
  BOOST_TEST(contains(gp::detail::b8_rho(m), real(R::from_ratio(3, 4))));
}

BOOST_AUTO_TEST_CASE(exact_fractions_match_the_hand_worked_case_and_the_enclosures) {
  // M = [[1, 0], [1/4, 3/4]]: M² = [[1, 0], [7/16, 9/16]], M³ = [[1, 0], [37/64, 27/64]].
  using Q = gp::detail::Rational;
  const std::vector<gp::detail::RationalMatrix> q = gp::detail::b8_exact_uniform_powers(2, {1, 2, 3});
  BOOST_TEST_REQUIRE(q.size() == 3u);
  BOOST_TEST((q[0](1, 0) == Q(1, 4) && q[0](1, 1) == Q(3, 4) && q[0](0, 0) == Q(1) && q[0](0, 1) == Q(0)));
  BOOST_TEST((q[1](1, 0) == Q(7, 16) && q[1](1, 1) == Q(9, 16)));
  BOOST_TEST((q[2](1, 0) == Q(37, 64) && q[2](1, 1) == Q(27, 64)));
  // n = 3, L = 1: Λ's rows 1, (1/2, 1/2), (1/3, 1/3, 1/3); M_33 = 1/6 + 1/2 = 2/3.
  BOOST_TEST((gp::detail::b8_exact_uniform_powers(3, {1}).front()(2, 2) == Q(2, 3)));

  // The MPFI enclosures of the check contain the exact powers (n = 8, L ≤ 32) ...
  const long prec = 256;
  const IntervalMatrix m =
      gp::detail::b8_layer_bound(gp::detail::b8_uniform_attention(8, prec), gp::detail::b8_paper_constants(prec));
  const std::vector<std::uint64_t> Ls{1, 5, 32};
  const std::vector<IntervalMatrix> enclosures = gp::detail::b8_powers(m, Ls);
  const std::vector<gp::detail::RationalMatrix> exact = gp::detail::b8_exact_uniform_powers(8, Ls);
  for (std::size_t t = 0; t < Ls.size(); ++t) {
    BOOST_TEST((gp::detail::b8_exact_instance(enclosures[t], exact[t], "L", "{}").verdict == gp::Verdict::proven));
  }
  // ... and an enclosure moved by 2^-200, beyond its width, is refuted.
  IntervalMatrix moved = enclosures[1];
  moved(7, 0) = moved(7, 0) + Interval(std::ldexp(1.0, -200), prec);
  BOOST_TEST((gp::detail::b8_exact_instance(moved, exact[1], "moved", "{}").verdict == gp::Verdict::refuted));
  // The check itself states the comparison for every L ≤ 32 of its uniform-attention run.
  gp::CheckOptions o;
  o.quick = true;
  const gp::CheckResult r = gp::run_check(gp::find_check("B.8"), o);
  int exact_instances = 0;
  for (const gp::Instance& i : r.instances) {
    if (i.description.find("exact M^L inside the enclosure") != std::string::npos) {
      ++exact_instances;
      BOOST_TEST((i.verdict == gp::Verdict::proven));
    }
  }
  BOOST_TEST(exact_instances == 9);  // L = 1, 2, 3, 4, 5, 8, 10, 16, 32
}

BOOST_AUTO_TEST_CASE(scalar_linear_model_equals_the_bound) {
  // n = 2, L = 2: J = M² = [[1, 0], [7/16, 9/16]].
  const long prec = 256;
  const IntervalMatrix lambda = gp::detail::b8_uniform_attention(2, prec);
  const gp::detail::B8Constants k = gp::detail::b8_paper_constants(prec);
  const IntervalMatrix j = gp::detail::b8_scalar_jacobian(lambda, k, 2);
  BOOST_TEST(contains(j(0, 0), real(R(1.0))));
  BOOST_TEST(contains(j(1, 0), real(R::from_ratio(7, 16))));
  BOOST_TEST(contains(j(1, 1), real(R::from_ratio(9, 16))));
  BOOST_TEST(contains(j(0, 1), real(R(0.0))));
  const IntervalMatrix lambda5 = gp::detail::b8_uniform_attention(5, prec);
  const IntervalMatrix bound = gp::detail::b8_powers(gp::detail::b8_layer_bound(lambda5, k), {7}).front();
  const IntervalMatrix j5 = gp::detail::b8_scalar_jacobian(lambda5, k, 7);
  BOOST_TEST(
      (gp::detail::b8_equality_instance(j5, bound, {0, 1, 2, 3, 4}, "L = 7", "{}").verdict == gp::Verdict::proven));
}

BOOST_AUTO_TEST_CASE(bounds_with_a_constant_removed_are_refuted) {
  const long prec = 256;
  const IntervalMatrix lambda = gp::detail::b8_uniform_attention(5, prec);
  const gp::detail::B8Constants k = gp::detail::b8_paper_constants(prec);
  // The bound without 1/β₃ (β₃^(1/L) = 1 instead of 4) against the model's Jacobian.
  gp::detail::B8Constants no_beta3 = k;
  no_beta3.beta3_root = Interval(1.0, prec);
  const IntervalMatrix wrong = gp::detail::b8_powers(gp::detail::b8_layer_bound(lambda, no_beta3), {3}).front();
  const IntervalMatrix jac = gp::detail::b8_scalar_jacobian(lambda, k, 3);
  const gp::Instance i = gp::detail::b8_equality_instance(jac, wrong, {0, 1, 2, 3, 4}, "no 1/β₃", "{\"broken\":true}");
  BOOST_TEST((i.verdict == gp::Verdict::refuted));
  BOOST_TEST(i.witness == "{\"broken\":true}");
  // Λ + I without the halving does not converge to E: the rate instance fails.
  gp::detail::B8Constants no_half = k;
  no_half.beta3_root = Interval(2.0, prec);  // (1 + 1)/2 = 1: M = Λ + I
  const IntervalMatrix m = gp::detail::b8_layer_bound(lambda, no_half);
  const IntervalMatrix p = gp::detail::b8_powers(m, {40}).front();
  const auto rate = gp::detail::b8_rate_instances(m, p, 40, false, "Λ + I", "{}");
  BOOST_TEST((rate[0].verdict == gp::Verdict::refuted));
}

BOOST_AUTO_TEST_CASE(envelope_of_the_two_by_two_case_is_tight) {
  // n = 2: no strictly lower part in the trailing block, so the envelope is 2: d(L)/ρ^L = 2 exactly.
  const long prec = 256;
  const Interval rho = Interval::from_ratio(3, 4, prec);
  BOOST_TEST(contains(gp::detail::b8_envelope_over_rho(rho, Interval(0.0, prec), 50, 2), real(R(2.0))));
  // n = 3, L = 2, s/ρ = 1: 2 (1 + 2) = 6.
  BOOST_TEST(contains(gp::detail::b8_envelope_over_rho(rho, rho, 2, 3), real(R(6.0))));
}

BOOST_AUTO_TEST_SUITE_END()
