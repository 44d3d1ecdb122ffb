// The one thread pool of the project: independent jobs of known rough
// cost (sweep tracks, checks, report suites) on a few threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <numeric>
#include <thread>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/mpfr.hpp"

namespace glasses::numerics {

// Runs job(i) for every i < costs.size() on `threads` threads (the caller's
// among them), largest cost first with ties in index order: a good and
// fixed schedule for a few workers. Each worker frees MPFR's per-thread
// caches when it ends. After a job throws no new job starts; once every
// worker has stopped, the exception of the lowest index is rethrown.
inline void run_longest_first(const std::vector<double>& costs, int threads,
                              const std::function<void(std::size_t)>& job) {
  if (threads < 1) throw InputError("run_longest_first: threads must be at least 1");
  std::vector<std::size_t> order(costs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
  std::vector<std::exception_ptr> errors(costs.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const auto worker = [&] {
    const MpfrThreadCacheGuard mpfr_caches;
    for (std::size_t k = next++; k < order.size() && !stop; k = next++) {
      try {
        job(order[k]);
      } catch (...) {
        errors[order[k]] = std::current_exception();
        stop = true;
      }
    }
  };
  const std::size_t n = std::min(static_cast<std::size_t>(threads), std::max<std::size_t>(costs.size(), 1));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace glasses::numerics
