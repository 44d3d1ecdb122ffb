// run_suite(): the sweeps and checks of a suite on a pool of threads.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/mpfr.hpp"
#include "glasses/reports/report.hpp"

namespace glasses::reports {
namespace {

struct Job {
  bool is_sweep = true;
  std::size_t index = 0;  // into suite.sweeps or suite.check_ids
  double cost = 0;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

SuiteResults run_suite(const PreparedSuite& suite, int threads, const RunCallbacks& callbacks) {
  if (threads < 1) throw InputError("run_suite: threads must be at least 1");
  SuiteResults results;
  results.sweeps.resize(suite.sweeps.size());
  results.checks.resize(suite.check_ids.size());
  std::vector<Job> jobs;
  for (std::size_t i = 0; i < suite.sweeps.size(); ++i) jobs.push_back({true, i, suite.sweeps[i].estimated_cost});
  for (std::size_t i = 0; i < suite.check_ids.size(); ++i)
    jobs.push_back({false, i, proofs::find_check(suite.check_ids[i]).seconds(suite.suite.checks.is_quick(suite.check_ids[i]))});
  // Largest first (LPT), ties in suite order: a good schedule for a few
  // workers, and a fixed one.
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.cost > b.cost; });
  const double total = std::accumulate(jobs.begin(), jobs.end(), 0.0, [](double s, const Job& j) { return s + j.cost; });

  std::mutex mutex;
  std::vector<double> done(jobs.size(), 0.0);  // fraction of each job done
  const auto report = [&](std::size_t k, double fraction) {
    if (!callbacks.on_progress) return;
    double sum = 0;
    {
      std::lock_guard<std::mutex> lock(mutex);
      done[k] = std::max(done[k], std::min(fraction, 1.0));
      for (std::size_t j = 0; j < jobs.size(); ++j) sum += done[j] * jobs[j].cost;
    }
    callbacks.on_progress(sum, total);
  };
  // In job order, as the jobs are listed in the suite (sweeps, then checks).
  std::vector<std::exception_ptr> errors(jobs.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const auto worker = [&] {
    const numerics::MpfrThreadCacheGuard mpfr_caches;  // checks run MPFR; free its per-thread caches on exit
    for (std::size_t k = next++; k < jobs.size() && !stop; k = next++) {
      const Job& job = jobs[k];
      const auto start = std::chrono::steady_clock::now();
      std::string name;
      try {
        if (job.is_sweep) {
          const PreparedSweep& p = suite.sweeps[job.index];
          name = "sweep " + p.spec->id;
          model::SweepCallbacks cb;
          cb.on_progress = [&, k](double d, double t) { report(k, t > 0 ? d / t : 0); };
          results.sweeps[job.index].result = model::run_sweep(*p.model, *p.family, p.settings, cb);
          results.sweeps[job.index].seconds = seconds_since(start);
        } else {
          const std::string& id = suite.check_ids[job.index];
          name = "check " + id;
          const proofs::CheckInfo& info = proofs::find_check(id);
          proofs::CheckOptions options;
          options.quick = suite.suite.checks.is_quick(id);
          options.seed = suite.suite.checks.seed;
          CheckOutcome& out = results.checks[job.index];
          out.id = id;
          out.title = std::string(info.title);
          out.expected = info.expected;
          out.quick = options.quick;
          out.result = info.run(options);
          out.seconds = seconds_since(start);
        }
      } catch (...) {
        errors[k] = std::current_exception();
        stop = true;
      }
      report(k, 1.0);
      if (callbacks.on_done && !errors[k]) callbacks.on_done(name, seconds_since(start));
    }
  };
  const std::size_t n_threads = std::min<std::size_t>(static_cast<std::size_t>(threads), std::max<std::size_t>(jobs.size(), 1));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < n_threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  // The first error in the suite's order (sweeps, then checks).
  std::exception_ptr first;
  std::size_t first_rank = std::numeric_limits<std::size_t>::max();
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    if (!errors[k]) continue;
    const std::size_t rank = (jobs[k].is_sweep ? 0 : suite.sweeps.size()) + jobs[k].index;
    if (rank < first_rank) {
      first_rank = rank;
      first = errors[k];
    }
  }
  if (first) std::rethrow_exception(first);
  return results;
}

}  // namespace glasses::reports
