#include <boost/test/unit_test.hpp>
// Placeholder: filled in by the format work.
BOOST_AUTO_TEST_SUITE(format)
BOOST_AUTO_TEST_SUITE_END()
