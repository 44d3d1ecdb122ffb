#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/mpfr.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/proofs/checks.hpp"

namespace glasses::proofs {

const std::vector<CheckInfo>& registry() {
  using E = Expectation;
  static const std::vector<CheckInfo> checks{
      {"B.1", "softmax dilution", E::holds, check_b1_softmax_dilution, 1, 20},
      {"B.2", "total variation decay under tail convergence", E::holds, check_b2_total_variation, 2, 10},
      {"B.2-literal", "Lemma 4.1 as literally stated", E::refuted, check_b2_literal, 1, 2},
      {"B.3", "representational collapse", E::holds, check_b3_representational_collapse, 2, 240},
      {"B.4", "alternating sequences do not converge", E::holds, check_b4_alternating, 1, 10},
      {"B.5", "over-squashing bound, assumptions matched", E::holds, check_b5_oversquashing, 2, 45},
      {"B.5-full", "over-squashing bound, assumptions dropped", E::measurement, check_b5_full, 1, 30},
      {"B.6", "spectra of causal attention matrices", E::holds, check_b6_spectra, 1, 10},
      {"B.6-counterexample", "simple eigenvalue 1 fails without its hypothesis", E::refuted, check_b6_counterexample, 1, 2},
      {"B.7", "products of causal attention matrices", E::holds, check_b7_products, 1, 10},
      {"B.8", "limit of depth", E::holds, check_b8_depth_limit, 6, 20},
      {"B.9", "no counting without positions", E::holds, check_b9_no_position_counting, 12, 66},
      {"B.10", "counting impossible in finite precision", E::holds, check_b10_counting, 12, 300},
  };
  return checks;
}

const CheckInfo& find_check(std::string_view id) {
  std::string known;
  for (const CheckInfo& c : registry()) {
    if (c.id == id) return c;
    known += (known.empty() ? "" : " ") + std::string(c.id);
  }
  throw InputError("check '" + std::string(id) + "': unknown; checks are " + known);
}

std::vector<CheckResult> run_checks(const std::vector<const CheckInfo*>& checks, const CheckOptions& options,
                                    int threads, const std::function<void(std::size_t, double)>& on_done) {
  if (threads < 1) throw InputError("run_checks: threads must be at least 1");
  // Longest first (LPT), ties in the given order: a fixed schedule.
  std::vector<std::size_t> order(checks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return checks[a]->seconds(options.quick) > checks[b]->seconds(options.quick);
  });
  std::vector<CheckResult> results(checks.size());
  std::vector<std::exception_ptr> errors(checks.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex callback_mutex;
  const auto worker = [&] {
    const numerics::MpfrThreadCacheGuard mpfr_caches;  // free MPFR's per-thread caches on exit
    for (std::size_t k = next++; k < order.size() && !stop; k = next++) {
      const std::size_t i = order[k];
      const auto start = std::chrono::steady_clock::now();
      try {
        results[i] = checks[i]->run(options);
      } catch (...) {
        errors[i] = std::current_exception();
        stop = true;
        continue;
      }
      if (on_done) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::lock_guard<std::mutex> lock(callback_mutex);
        on_done(i, seconds);
      }
    }
  };
  std::vector<std::thread> pool;
  const std::size_t n_threads = std::min<std::size_t>(static_cast<std::size_t>(threads), std::max<std::size_t>(checks.size(), 1));
  for (std::size_t t = 1; t < n_threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return results;
}

}  // namespace glasses::proofs
