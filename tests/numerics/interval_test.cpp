#include <boost/test/unit_test.hpp>
// Placeholder: filled in by the interval work.
BOOST_AUTO_TEST_SUITE(interval)
BOOST_AUTO_TEST_SUITE_END()
