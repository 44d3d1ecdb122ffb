#include <boost/test/unit_test.hpp>
// Placeholder until the checker is written.
BOOST_AUTO_TEST_SUITE(b1)
BOOST_AUTO_TEST_SUITE_END()
