// The checks of THEORY §3, one per formal statement, behind one interface.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs {

struct CheckOptions {
  bool quick = false;      // the small configuration the test suite runs
  std::uint64_t seed = 0;  // random instances
};

// A checker fills a CheckResult except its `id` and `expected`: those are
// facts of the registry (below), stated once there and copied into the
// result by run_check().
using CheckFunction = CheckResult (*)(const CheckOptions&);

struct CheckInfo {
  std::string_view id;     // "B.1", "B.2-literal", ...
  std::string_view title;  // a few words
  Expectation expected;
  CheckFunction run;
  // Rough wall times on the 2-core development machine (seconds), for
  // scheduling and progress bars only.
  double seconds_quick = 10, seconds_full = 10;
  double seconds(bool quick) const { return quick ? seconds_quick : seconds_full; }
};

// Every check, in THEORY order.
const std::vector<CheckInfo>& registry();

// The check with this id; throws InputError listing the ids.
const CheckInfo& find_check(std::string_view id);

// Runs one check: info.run(options), with the result's id and expectation
// taken from `info`.
CheckResult run_check(const CheckInfo& info, const CheckOptions& options);

// Runs `checks` on `threads` workers, longest first; results are in the
// order of `checks` and do not depend on `threads`. `on_done(i, seconds)`
// is called (from a worker, one call at a time) as check i finishes. The
// first exception in the order of `checks` is rethrown after all workers stop.
std::vector<CheckResult> run_checks(const std::vector<const CheckInfo*>& checks, const CheckOptions& options,
                                    int threads, const std::function<void(std::size_t, double)>& on_done = {});

}  // namespace glasses::proofs
