#include <boost/test/unit_test.hpp>
// Placeholder: filled in by the mpfr work.
BOOST_AUTO_TEST_SUITE(mpfr)
BOOST_AUTO_TEST_SUITE_END()
