// loglog_slope against closed forms: exact power laws, a mixture whose
// slope is worked by hand, and the cases without a fit.
#include "glasses/numerics/fit.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

namespace gn = glasses::numerics;

BOOST_AUTO_TEST_SUITE(fit)

BOOST_AUTO_TEST_CASE(power_laws_give_their_exponent) {
  std::vector<double> x, y;
  for (double n = 1; n <= 4096; n *= 2) {
    x.push_back(n);
    y.push_back(3.0 * std::pow(n, -1.5));
  }
  BOOST_TEST(gn::loglog_slope(x, y, 0).value() == -1.5, boost::test_tools::tolerance(1e-12));
  // Points below x_min, non-positive and non-finite values are left out.
  x.push_back(8192);
  y.push_back(0.0);
  x.push_back(16384);
  y.push_back(std::numeric_limits<double>::infinity());
  BOOST_TEST(gn::loglog_slope(x, y, 64).value() == -1.5, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(three_points_by_hand) {
  // log2 x = 0, 1, 2 and log2 y = 0, 0, 3: slope of the least-squares line
  // through (0,0), (1,0), (2,3) is 3/2 (in any log base).
  const std::vector<double> x{1, 2, 4}, y{1, 1, 8};
  BOOST_TEST(gn::loglog_slope(x, y, 0).value() == 1.5, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(no_fit_without_two_distinct_points) {
  BOOST_TEST(!gn::loglog_slope({1}, {1}, 0).has_value());
  BOOST_TEST(!gn::loglog_slope({2, 2}, {1, 3}, 0).has_value());
  BOOST_TEST(!gn::loglog_slope({1, 2, 4}, {1, 2, 4}, 8).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
