#include <boost/test/unit_test.hpp>
// Placeholder: filled in by the bulk_round work.
BOOST_AUTO_TEST_SUITE(bulk_round)
BOOST_AUTO_TEST_SUITE_END()
