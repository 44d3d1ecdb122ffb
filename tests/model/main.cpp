#define BOOST_TEST_MODULE glasses_model_tests
#include <boost/test/unit_test.hpp>
