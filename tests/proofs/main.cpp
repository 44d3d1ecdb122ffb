#define BOOST_TEST_MODULE glasses_proofs_tests
#include <boost/test/unit_test.hpp>
