#include <boost/test/unit_test.hpp>
// Placeholder until the checker is written.
BOOST_AUTO_TEST_SUITE(b10)
BOOST_AUTO_TEST_SUITE_END()
