#define BOOST_TEST_MODULE glasses_reports_tests
#include <boost/test/unit_test.hpp>
