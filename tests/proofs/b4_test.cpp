// B.4 alternating sequences: the checker's quick configuration, the
// identity against 2(e−1)/(e+1) evaluated here in MPFR, the low-precision
// scans against hand-derived stagnation and overflow points and against the
// model's kernel, and wrong constants that must be refuted.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/mpfr.hpp"
#include "glasses/proofs/b2_total_variation.hpp"
#include "glasses/proofs/b4_alternating.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/proofs/check.hpp"

namespace gp = glasses::proofs;
namespace gn = glasses::numerics;
using gn::Interval;
using R = gn::Mpfr<256>;

namespace {

gn::MpfrReal real(const R& x) { return gn::MpfrReal::exact_copy(x.data()); }

R two_tanh_half() {
  const R e = exp(R(1.0));
  return R(2.0) * (e - R(1.0)) / (e + R(1.0));
}

const gp::Series& series(const gp::CheckResult& r, const std::string& name) {
  for (const gp::Series& s : r.data) {
    if (s.name == name) return s;
  }
  BOOST_FAIL("no series " + name);
  return r.data.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(b4)

BOOST_AUTO_TEST_CASE(quick_configuration_proves_the_identity) {
  gp::CheckOptions o;
  o.quick = true;
  const gp::CheckResult r = gp::run_check(gp::find_check("B.4"), o);
  BOOST_TEST(r.id == "B.4");
  BOOST_TEST(r.verdict_counts()[0] == static_cast<int>(r.instances.size()));
  BOOST_TEST(r.instances.size() >= 40u);
  BOOST_TEST(!r.failed());
  int exact_instances = 0;
  for (const gp::Instance& i : r.instances) exact_instances += i.description.rfind("exact fractions", 0) == 0 ? 1 : 0;
  BOOST_TEST(exact_instances == 2 * 6 * static_cast<int>(gp::detail::kB4ExactNs.size()));
  const double exact = two_tanh_half().to_double();
  const gp::Series& s = series(r, "b4_low_precision");
  for (const std::vector<double>& row : s.rows) {
    BOOST_TEST(row[1] == exact, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(row[2] == exact, boost::test_tools::tolerance(1e-3));  // fp32 up to n = 10^4
  }
  BOOST_TEST(s.rows.back()[4] > 10);  // bf16 at n = 10^4: far off
}

BOOST_AUTO_TEST_CASE(direct_and_closed_sums_enclose_two_tanh_half) {
  const R expected = two_tanh_half();
  for (std::size_t n : {2u, 6u, 1000u}) {
    BOOST_TEST(contains(gp::detail::b4_delta_direct(n, 256), real(expected)));
    BOOST_TEST(contains(gp::detail::b4_delta_closed_sums(n, 256), real(expected)));
  }
  BOOST_TEST(contains(gp::detail::b4_constant(256), real(expected)));
  BOOST_CHECK_THROW(gp::detail::b4_delta_direct(7, 128), glasses::InputError);
}

BOOST_AUTO_TEST_CASE(wrong_constants_are_refuted) {
  const long prec = 256;
  const Interval delta = gp::detail::b4_delta_direct(100, prec);
  const Interval right = gp::detail::b4_constant(prec);
  BOOST_TEST((gp::detail::b4_identity_instance(delta, right, 100, prec, "right").verdict == gp::Verdict::proven));
  // tanh(1/2) without the factor 2.
  const Interval half = right / Interval(2.0, prec);
  BOOST_TEST((gp::detail::b4_identity_instance(delta, half, 100, prec, "no factor 2").verdict == gp::Verdict::refuted));
  // Off by 2^-100: still far above the tolerance 2^(8 + 7 − 256).
  const Interval nudged = right + Interval(std::ldexp(1.0, -100), prec);
  BOOST_TEST((gp::detail::b4_identity_instance(delta, nudged, 100, prec, "nudged").verdict == gp::Verdict::refuted));
}

BOOST_AUTO_TEST_CASE(partition_sums_stall_where_half_an_ulp_exceeds_the_terms) {
  // After the shift the terms are 1 and fl(e^-1) < 1/2. In fp16 the sum stops
  // at 2048 (2048 + 1 ties to even), in bf16 at 256.
  const gp::detail::B4Scan fp16 = gp::detail::b4_scan(gn::formats::fp16, 20000, false);
  BOOST_TEST(fp16.partition_at_max == 2048.0);
  BOOST_TEST(fp16.stagnation_n > 0u);
  const gp::detail::B4Scan bf16 = gp::detail::b4_scan(gn::formats::bf16, 20000, false);
  BOOST_TEST(bf16.partition_at_max == 256.0);
  BOOST_TEST(bf16.stagnation_n < fp16.stagnation_n);
  // With Z stuck at 2048 every probability is fixed, so δ grows like n:
  // δ = n (1 − r)/2048 with r = fl16(e^-1) = 1507/4096 (1/Z and r/Z exact in fp16).
  const double r16 = 1507.0 / 4096;
  BOOST_TEST(fp16.delta[10000] == 20000 * (1 - r16) / 2048, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(wide_accumulator_overflows_fp16_at_the_predicted_n) {
  // Z = fl16(m (1 + r16)), 1 + r16 = 5603/4096, is infinite once
  // m (1 + r16) ≥ 65520 (the midpoint between 65504 and 2^16), i.e. from
  // m = 47898 (m (1 + r16) = 65520.63; m = 47897 gives 65519.26), n = 95796;
  // then every probability is 0 and δ = 0.
  const gp::detail::B4Scan s = gp::detail::b4_scan(gn::formats::fp16, 100000, true);
  BOOST_TEST(s.overflow_n == 95796u);
  BOOST_TEST(s.delta[95796 / 2] == 0.0);
  BOOST_TEST(s.delta[95794 / 2] > 0.9);
}

BOOST_AUTO_TEST_CASE(scan_equals_the_model_kernel) {
  const std::size_t n = 3000;
  std::vector<double> x(n), xs(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = i % 2 == 0 ? 1.0 : 0.0;
    xs[i] = 1.0 - x[i];
  }
  for (const gn::Format& f : {gn::formats::fp32, gn::formats::fp16, gn::formats::bf16}) {
    const double kernel = gp::detail::b2_l1_distance(gp::detail::b2_softmax_in(f, x), gp::detail::b2_softmax_in(f, xs));
    BOOST_TEST(kernel == gp::detail::b4_scan(f, n, false).delta[n / 2]);
  }
}


// Exact fractions, worked by hand: E = 3, n = 4 gives Z = Z* = 8 and four
// entries |3/8 − 1/8| = 1/4, δ = 1 = 2·2/4; E = 1/3, n = 2: Z = 4/3, entries
// |1/4 − 3/4| = 1/2, δ = 1 = 2·(2/3)/(4/3).
BOOST_AUTO_TEST_CASE(exact_delta_matches_hand_worked_cases_and_the_enclosures) {
  using Q = gp::detail::Rational;
  BOOST_TEST(gp::detail::b4_exact_delta(4, Q(3)) == Q(1));
  BOOST_TEST(gp::detail::b4_exact_delta(2, Q(1, 3)) == Q(1));
  BOOST_TEST(gp::detail::b4_exact_delta(6, Q(1)) == Q(0));
  for (const gp::Instance& i : gp::detail::b4_exact_instances(10, Q(5, 2), 256, "5/2")) {
    BOOST_TEST((i.verdict == gp::Verdict::proven), i.description);
  }
  // Broken: the exact δ at E = 3 (= 1) against the enclosure for E = 2 (2/3).
  const Interval at_two = gp::detail::b4_delta_direct(10, log(gp::detail::enclose(Q(2), 256)));
  BOOST_TEST(contains(at_two, real(R(2.0) / R(3.0))));
  const gp::Instance wrong = gp::detail::exact_inside_instance(
      gp::detail::distance_outside(gp::detail::b4_exact_delta(10, Q(3)), at_two), 256, "wrong E", "δ", "{}");
  BOOST_TEST((wrong.verdict == gp::Verdict::refuted));
  BOOST_CHECK_THROW(gp::detail::b4_exact_delta(3, Q(2)), glasses::InputError);
  BOOST_CHECK_THROW(gp::detail::b4_exact_delta(2, Q(0)), glasses::InputError);
}

BOOST_AUTO_TEST_SUITE_END()
