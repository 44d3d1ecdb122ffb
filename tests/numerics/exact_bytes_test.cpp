// exact_bytes.hpp: MPFR and MPFI values survive the trip through bytes bit
// for bit (compared with MPFR's own equality, sign bits and precision):
// regular numbers of one limb and of several, tiny and huge exponents,
// signed zeros, infinities and NaN; a wrong destination precision and a
// cut record are refused.
#include "glasses/numerics/exact_bytes.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace gn = glasses::numerics;

namespace {

bool same(mpfr_srcptr a, mpfr_srcptr b) {
  if (mpfr_get_prec(a) != mpfr_get_prec(b)) return false;
  if (mpfr_nan_p(a) || mpfr_nan_p(b)) return mpfr_nan_p(a) && mpfr_nan_p(b);
  return mpfr_equal_p(a, b) != 0 && mpfr_signbit(a) == mpfr_signbit(b);
}

std::vector<gn::MpfrReal> samples(long prec) {
  std::vector<gn::MpfrReal> v;
  v.push_back(gn::MpfrReal::from_ratio(1, 3, prec));
  v.push_back(gn::MpfrReal::from_ratio(-22, 7, prec));
  v.push_back(gn::MpfrReal::from_string("1e-300", prec));
  v.push_back(gn::MpfrReal(0L, prec));
  gn::MpfrReal x(1L, prec);
  mpfr_mul_2si(x.data(), x.data(), -100000, MPFR_RNDN);  // far below double's range
  v.push_back(x);
  mpfr_mul_2si(x.data(), x.data(), 300000, MPFR_RNDN);   // far above it
  v.push_back(x);
  mpfr_set_zero(x.data(), -1);
  v.push_back(x);
  mpfr_set_inf(x.data(), 1);
  v.push_back(x);
  mpfr_set_inf(x.data(), -1);
  v.push_back(x);
  mpfr_set_nan(x.data());
  v.push_back(x);
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exact_bytes)

BOOST_AUTO_TEST_CASE(mpfr_values_round_trip_bit_for_bit) {
  for (long prec : {24L, 64L, 192L, 256L, 1000L}) {
    const std::vector<gn::MpfrReal> v = samples(prec);
    std::string bytes;
    gn::append_exact(bytes, v.data(), v.size());
    std::vector<gn::MpfrReal> back(v.size(), gn::MpfrReal(7L, prec));
    BOOST_TEST(gn::read_exact(bytes, back.data(), back.size()).empty());
    for (std::size_t i = 0; i < v.size(); ++i) BOOST_TEST(same(v[i].data(), back[i].data()), "prec " << prec << ", value " << i);
  }
}

BOOST_AUTO_TEST_CASE(interval_bounds_round_trip_bit_for_bit) {
  const std::vector<gn::Interval> v{gn::Interval::from_ratio(1, 3, 192), gn::Interval::from_ratio(-2, 7, 192),
                                    gn::Interval(-1.5, 2.25, 192)};
  std::string bytes;
  gn::append_exact(bytes, v.data(), v.size());
  std::vector<gn::Interval> back(v.size(), gn::Interval(0.0, 192));
  BOOST_TEST(gn::read_exact(bytes, back.data(), back.size()).empty());
  for (std::size_t i = 0; i < v.size(); ++i) {
    BOOST_TEST(same(&v[i].data()->left, &back[i].data()->left));
    BOOST_TEST(same(&v[i].data()->right, &back[i].data()->right));
  }
  // 1/3 at 192 bits is not a point: the enclosure kept its width.
  BOOST_TEST(mpfr_less_p(&back[0].data()->left, &back[0].data()->right) != 0);
}

BOOST_AUTO_TEST_CASE(wrong_precision_and_cut_records_are_refused) {
  const gn::MpfrReal third = gn::MpfrReal::from_ratio(1, 3, 192);
  std::string bytes;
  gn::append_exact(bytes, &third, 1);
  gn::MpfrReal narrow(0L, 128);
  BOOST_CHECK_THROW(gn::read_exact(bytes, &narrow, 1), glasses::Error);
  gn::MpfrReal wide(0L, 192);
  BOOST_CHECK_THROW(gn::read_exact(std::string_view(bytes).substr(0, bytes.size() - 1), &wide, 1), glasses::Error);
}

BOOST_AUTO_TEST_SUITE_END()
