// S.1 softmax dispersion: the bound and the largest weight against
// e²/(e² + n − 1) worked by hand and evaluated in MPFR, the bf16 softmax of
// the extremal case against MPFR at 8 bits, a wrong bound (e^B in place of
// e^(2B)) refuted on the extremal case, and the quick configuration.
#include <boost/test/unit_test.hpp>
#include <mpfr.h>
#include <string>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/proofs/s1_softmax_dispersion.hpp"

namespace gp = glasses::proofs;
namespace gd = glasses::proofs::detail;
namespace gn = glasses::numerics;
using gn::Interval;

namespace {

struct Real {
  mpfr_t v;
  explicit Real(long prec = 256) { mpfr_init2(v, prec); }
  ~Real() { mpfr_clear(v); }
  Real(const Real&) = delete;
  Real& operator=(const Real&) = delete;
};

bool encloses(const Interval& x, const Real& r) {
  return mpfr_cmp(x.lower().data(), r.v) <= 0 && mpfr_cmp(r.v, x.upper().data()) <= 0;
}

// e^(2B) / (e^(2B) + n − 1) for B = 1, in MPFR.
void e2_bound(Real& out, unsigned long n) {
  Real e2;
  mpfr_set_ui(e2.v, 2, MPFR_RNDN);
  mpfr_exp(e2.v, e2.v, MPFR_RNDN);
  mpfr_add_ui(out.v, e2.v, n - 1, MPFR_RNDN);
  mpfr_div(out.v, e2.v, out.v, MPFR_RNDN);
}

// The wrong bound e^B / (e^B + n − 1).
Interval wrong_bound(double B, std::size_t n, long precision) {
  const Interval eb = exp(Interval(B, precision));
  return eb / (eb + Interval::from_ratio(static_cast<long>(n) - 1, 1, precision));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(s1)

BOOST_AUTO_TEST_CASE(bound_and_weights_are_the_hand_worked_closed_form) {
  // n = 3, logits (1, −1, −1): α_1 = e/(e + 2e^-1) = e²/(e² + 2), the bound for B = 1, n = 3.
  Real expected;
  e2_bound(expected, 3);
  BOOST_TEST(encloses(gd::s1_bound(1, 3, 256), expected));
  BOOST_TEST(encloses(gd::s1_max_weight({-1, 1, -1}, 256), expected));
  BOOST_TEST(encloses(gd::s1_extremal_weight(1, 3, 256), expected));
  // n = 1: the only weight is 1 and so is the bound.
  Real one;
  mpfr_set_ui(one.v, 1, MPFR_RNDN);
  BOOST_TEST(encloses(gd::s1_bound(5, 1, 256), one));
  BOOST_TEST(encloses(gd::s1_max_weight({0.25}, 256), one));
  // Uniform logits (all 0, B = 0): every weight 1/n, and the bound is 1/n.
  Real fifth;
  mpfr_set_ui(fifth.v, 1, MPFR_RNDN);
  mpfr_div_ui(fifth.v, fifth.v, 5, MPFR_RNDN);
  BOOST_TEST(encloses(gd::s1_max_weight({0, 0, 0, 0, 0}, 256), fifth));
  const gp::Instance i = gd::s1_bound_instance({0.5, -1, 0.9, 1}, 1, "random");
  BOOST_TEST((i.verdict == gp::Verdict::proven));
  BOOST_CHECK_THROW(gd::s1_bound_instance({0.5, 1.5}, 1, "out of range"), glasses::InputError);
}

BOOST_AUTO_TEST_CASE(extremal_case_attains_the_bound_and_refutes_a_wrong_one) {
  for (std::size_t n : {std::size_t{2}, std::size_t{10}, std::size_t{1000000}}) {
    const std::vector<gp::Instance> good = gd::s1_extremal_instances(1, n, "extremal");
    BOOST_TEST((good[0].verdict == gp::Verdict::proven));
    BOOST_TEST((good[1].verdict == gp::Verdict::proven));
    const std::vector<gp::Instance> bad = gd::s1_extremal_instances(1, n, "extremal, wrong", wrong_bound);
    BOOST_TEST((bad[0].verdict == gp::Verdict::refuted));
  }
  BOOST_TEST((gd::s1_bound_instance({1, -1, -1, -1}, 1, "kernel, wrong", wrong_bound).verdict == gp::Verdict::refuted));
}

BOOST_AUTO_TEST_CASE(bf16_softmax_of_the_extremal_case_is_mpfr_at_eight_bits) {
  // n = 2, logits (1, −1): shift by 1 gives (0, −2) exactly; e^0 = 1,
  // e^-2 rounded to 8 bits, Z = 1 + e^-2 rounded, α = 1/Z rounded.
  Real e(8), z(8), alpha(8);
  mpfr_set_si(e.v, -2, MPFR_RNDN);
  mpfr_exp(e.v, e.v, MPFR_RNDN);
  mpfr_add_ui(z.v, e.v, 1, MPFR_RNDN);
  mpfr_ui_div(alpha.v, 1, z.v, MPFR_RNDN);
  BOOST_TEST(gd::s1_extremal_weight_in(gn::formats::bf16, 1, 2) == mpfr_get_d(alpha.v, MPFR_RNDN));
  BOOST_TEST(gd::s1_ulp(gn::formats::bf16, 0.75) == 0x1p-8);
  BOOST_TEST(gd::s1_ulp(gn::formats::fp32, 1.0) == 0x1p-23);
}

BOOST_AUTO_TEST_CASE(quick_configuration_proves_every_instance) {
  gp::CheckOptions o;
  o.quick = true;
  const gp::CheckResult r = gp::run_check(gp::find_check("S.1"), o);
  BOOST_TEST(r.id == "S.1");
  BOOST_TEST(r.instances.size() >= 100u);
  BOOST_TEST(r.verdict_counts()[0] == static_cast<int>(r.instances.size()));
  BOOST_REQUIRE(r.data.size() == 1u);
  // bf16's sequential partition sum of e^-2 terms stops growing long before
  // n = 2^16, so its largest weight ends far above the bound; fp32's has not.
  const std::vector<double>& last = r.data[0].rows.back();  // n, bound, fp32, bf16, fp16
  BOOST_TEST(last[3] > 10 * last[1]);
  BOOST_TEST(last[2] < 1.01 * last[1]);
}

BOOST_AUTO_TEST_SUITE_END()
