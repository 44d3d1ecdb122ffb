#define BOOST_TEST_MODULE glasses_tokenizer_tests
#include <boost/test/unit_test.hpp>
