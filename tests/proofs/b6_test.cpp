#include <boost/test/unit_test.hpp>
// Placeholder until the checker is written.
BOOST_AUTO_TEST_SUITE(b6)
BOOST_AUTO_TEST_SUITE_END()
