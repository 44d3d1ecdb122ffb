#define BOOST_TEST_MODULE glasses_numerics_tests
#include <boost/test/unit_test.hpp>
