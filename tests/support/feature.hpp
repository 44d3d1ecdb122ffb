// Preconditions for suites that need something of the machine (a CPU
// feature, TeX): decorate the suite, `BOOST_AUTO_TEST_SUITE(name,
// *boost::unit_test::precondition(glasses::test::cpu_has_f16c))`, and where
// it is missing the suite is reported as skipped -- by Boost.Test and, as
// "Not Run", by CTest (tests/CMakeLists.txt registers suites with a
// precondition to say so) -- never as passed.
#pragma once

#include <boost/test/unit_test.hpp>
#include <string>

namespace glasses::test {

inline boost::test_tools::assertion_result requirement(bool met, const std::string& missing) {
  boost::test_tools::assertion_result r(met);
  if (!met) r.message() << missing;
  return r;
}

inline boost::test_tools::assertion_result cpu_has_f16c(boost::unit_test::test_unit_id) {
  return requirement(__builtin_cpu_supports("f16c"), "no F16C on this CPU");
}

}  // namespace glasses::test
