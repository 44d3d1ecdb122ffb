#include <boost/test/unit_test.hpp>
// Placeholder: filled in by the emulated work.
BOOST_AUTO_TEST_SUITE(emulated)
BOOST_AUTO_TEST_SUITE_END()
