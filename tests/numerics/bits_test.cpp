#include <boost/test/unit_test.hpp>
// Placeholder: filled in by the bits work.
BOOST_AUTO_TEST_SUITE(bits)
BOOST_AUTO_TEST_SUITE_END()
