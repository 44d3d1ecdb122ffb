#include <boost/test/unit_test.hpp>
// Placeholder: filled in by the checkpoint work.
BOOST_AUTO_TEST_SUITE(checkpoint)
BOOST_AUTO_TEST_SUITE_END()
