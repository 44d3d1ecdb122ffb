// The checks of THEORY §3, one per formal statement, behind one interface.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs {

struct CheckOptions {
  bool quick = false;      // the small configuration the test suite runs
  std::uint64_t seed = 0;  // random instances
};

using CheckFunction = CheckResult (*)(const CheckOptions&);

struct CheckInfo {
  std::string_view id;     // "B.1", "B.2-literal", ...
  std::string_view title;  // a few words
  Expectation expected;
  CheckFunction run;
};

// Every check, in THEORY order.
const std::vector<CheckInfo>& registry();

// The check with this id; throws InputError listing the ids.
const CheckInfo& find_check(std::string_view id);

}  // namespace glasses::proofs
