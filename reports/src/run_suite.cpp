// run_suite(): the sweeps and checks of a suite on a pool of threads.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <numeric>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/parallel.hpp"
#include "glasses/proofs/check_bytes.hpp"
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
  SuiteResults results;
  results.sweeps.resize(suite.sweeps.size());
  results.checks.resize(suite.check_ids.size());
  // Jobs in the suite's order (sweeps, then checks): the order of errors.
  std::vector<Job> jobs;
  for (std::size_t i = 0; i < suite.sweeps.size(); ++i) jobs.push_back({true, i, suite.sweeps[i].estimated_cost});
  for (std::size_t i = 0; i < suite.check_ids.size(); ++i)
    jobs.push_back({false, i, proofs::find_check(suite.check_ids[i]).seconds(suite.suite.checks.is_quick(suite.check_ids[i]))});
  std::vector<double> costs;
  for (const Job& j : jobs) costs.push_back(j.cost);
  const double total = std::accumulate(costs.begin(), costs.end(), 0.0);

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
  const auto run_job = [&](std::size_t k) {
    const Job& job = jobs[k];
    const auto start = std::chrono::steady_clock::now();
    std::string name;
    if (job.is_sweep) {
      const PreparedSweep& p = suite.sweeps[job.index];
      name = "sweep " + p.spec->id;
      model::SweepCallbacks cb;
      cb.on_progress = [&, k](double d, double t) { report(k, t > 0 ? d / t : 0); };
      cb.distributor = callbacks.distributor;
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
      out.check = &info;
      out.quick = options.quick;
      out.result = proofs::run_check(info, options);
      out.seconds = seconds_since(start);
    }
    report(k, 1.0);
    if (callbacks.on_done) callbacks.on_done(name, seconds_since(start));
  };
  if (callbacks.distributor == nullptr) {
    numerics::run_longest_first(costs, threads, run_job);
    return results;
  }
  // Under MPI the sweeps run one after another, every process taking part
  // in each (its tracks are the distributed items); the checks are items
  // of their own, their results travelling as exact bytes.
  std::vector<std::size_t> checks;
  numerics::JobSet check_jobs;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    if (jobs[k].is_sweep) {
      run_job(k);
    } else {
      checks.push_back(k);
      check_jobs.costs.push_back(costs[k]);
    }
  }
  const auto outcome = [&](std::size_t i) -> CheckOutcome& { return results.checks[jobs[checks[i]].index]; };
  check_jobs.run = [&](std::size_t i) { run_job(checks[i]); };
  check_jobs.pack = [&](std::size_t i) {
    const CheckOutcome& out = outcome(i);
    std::string bytes(sizeof out.seconds, '\0');
    std::memcpy(bytes.data(), &out.seconds, sizeof out.seconds);
    return bytes + proofs::to_bytes(out.result);
  };
  check_jobs.unpack = [&](std::size_t i, std::string_view bytes) {
    CheckOutcome& out = outcome(i);
    const std::string& id = suite.check_ids[jobs[checks[i]].index];
    out.check = &proofs::find_check(id);
    out.quick = suite.suite.checks.is_quick(id);
    if (bytes.size() < sizeof out.seconds) throw Error("a check's result arrived cut short");
    std::memcpy(&out.seconds, bytes.data(), sizeof out.seconds);
    out.result = proofs::check_result_from_bytes(bytes.substr(sizeof out.seconds));
  };
  check_jobs.arrived = [&](std::size_t i) {
    report(checks[i], 1.0);
    if (callbacks.on_done) callbacks.on_done("check " + outcome(i).id(), outcome(i).seconds);
  };
  numerics::run_jobs(callbacks.distributor, check_jobs, threads);
  return results;
}

}  // namespace glasses::reports
