// The project's two kinds of parallelism: a pool for independent jobs of
// known rough cost (sweep tracks, checks, report suites), and a fork-join
// pair for the two halves of one step of a multiprecision forward. Jobs can
// also run in other processes (a Distributor: the command line's MPI ranks).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <numeric>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/mpfr.hpp"

namespace glasses::numerics {

// The process's switch for intra-process parallelism: when single-threaded
// (`glasses … --threads 1`, so that MPI ranks × threads is the user's
// choice), the pool runs one job at a time and a PairedWorker runs both
// halves on the caller. Scheduling only: results never depend on it. A
// process-wide switch rather than a parameter because checks start sweeps
// and forwards of their own, several calls deep.
namespace detail {
inline std::atomic<bool>& single_threaded_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}
}  // namespace detail
inline void set_single_threaded(bool on) { detail::single_threaded_flag().store(on); }
inline bool single_threaded() { return detail::single_threaded_flag().load(std::memory_order_relaxed); }

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
  const std::size_t n = single_threaded() ? 1
                                          : std::min(static_cast<std::size_t>(threads), std::max<std::size_t>(costs.size(), 1));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// One helper thread for fork-join pairs: run(here, there) runs `here` on
// the calling thread and `there` on the helper, and returns when both have
// finished. The helper starts on first use and waits for the next pair (a
// thread per pair would cost more than a small MPFR matrix product). Each
// side spins for up to kSpin before it sleeps: waking a sleeping thread
// costs about 40 µs here, as much as a 64 × 64 MPFR-256 matrix product;
// the spin yields the core every 64 polls, so a waiting side costs little
// when more threads than cores are runnable.
// The helper frees MPFR's per-thread caches when it ends. An exception
// from either side is rethrown once both have finished, `here`'s first.
class PairedWorker {
 public:
  static constexpr std::chrono::microseconds kSpin{200};

  PairedWorker() = default;
  PairedWorker(const PairedWorker&) = delete;
  PairedWorker& operator=(const PairedWorker&) = delete;
  ~PairedWorker() {
    if (!thread_.joinable()) return;
    post(kQuit);
    thread_.join();
  }

  void run(const std::function<void()>& here, const std::function<void()>& there) {
    if (single_threaded()) {
      here();
      there();
      return;
    }
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    job_ = &there;
    post(kPosted);
    std::exception_ptr mine;
    try {
      here();
    } catch (...) {
      mine = std::current_exception();
    }
    wait_for(kDone);
    state_.store(kIdle, std::memory_order_relaxed);
    const std::exception_ptr theirs = std::exchange(error_, nullptr);
    if (mine) std::rethrow_exception(mine);
    if (theirs) std::rethrow_exception(theirs);
  }

 private:
  enum State : int { kIdle, kPosted, kDone, kQuit };

  // Publishes a state and wakes the other side if it sleeps.
  void post(State s) {
    {
      const std::lock_guard lock(mutex_);
      state_.store(s, std::memory_order_release);
    }
    changed_.notify_all();
  }

  // Spins, then sleeps, until the state is `s` (or kQuit for the helper).
  void wait_for(State s) {
    const auto until = std::chrono::steady_clock::now() + kSpin;
    for (int k = 0;; ++k) {
      const int now = state_.load(std::memory_order_acquire);
      if (now == s || now == kQuit) return;
      if (k % 64 == 63) {
        if (std::chrono::steady_clock::now() > until) break;
        // Under oversubscription (two jobs of paired threads on two cores)
        // the thread this one waits for may need this core.
        std::this_thread::yield();
      }
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
      const int now = state_.load(std::memory_order_acquire);
      return now == s || now == kQuit;
    });
  }

  void loop() {
    const MpfrThreadCacheGuard mpfr_caches;
    while (true) {
      wait_for(kPosted);
      if (state_.load(std::memory_order_acquire) == kQuit) return;
      try {
        (*job_)();
      } catch (...) {
        error_ = std::current_exception();
      }
      post(kDone);
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::atomic<int> state_{kIdle};
  const std::function<void()>* job_ = nullptr;  // the pending `there`
  std::exception_ptr error_;                    // what it threw
  std::thread thread_;
};

// Independent jobs whose results can travel between processes: run(i)
// computes job i and keeps its result; pack(i) gives that result as bytes
// that unpack(i, bytes) restores exactly (bit for bit) in another process.
struct JobSet {
  std::vector<double> costs;  // rough cost of each job: the longest start first
  std::function<void(std::size_t)> run;
  std::function<std::string(std::size_t)> pack;
  std::function<void(std::size_t, std::string_view)> unpack;
};

// Member `rank`'s share [from, to) of n items split over `size` members:
// consecutive, sizes differing by at most one.
inline std::pair<std::size_t, std::size_t> share_of(std::size_t n, int rank, int size) {
  const auto at = [&](int r) { return n * static_cast<std::size_t>(r) / static_cast<std::size_t>(size); };
  return {at(rank), at(rank + 1)};
}

// Processes that share every step of one forward (issue 11: one long
// multiprecision track over several ranks). Each computes complete rows
// (complete dot products, in the kernels' order) and complete heads of its
// share, and allgather() gives every member every share: partial sums are
// never combined across processes, so the bits are those of one process,
// whatever the split.
class RowGroup {
 public:
  virtual ~RowGroup() = default;
  virtual int size() const = 0;
  virtual int rank() const = 0;
  // The split of n items for the next exchange: member r does
  // [bounds[r], bounds[r + 1]), bounds[0] = 0, bounds[size] = n. Every member
  // must get the same split; by default even shares (share_of).
  virtual std::vector<std::size_t> split(std::size_t n) const {
    std::vector<std::size_t> bounds;
    for (int r = 0; r < size(); ++r) bounds.push_back(share_of(n, r, size()).first);
    bounds.push_back(n);
    return bounds;
  }
  // Every member's `mine`, in rank order. `seconds`: how long this member
  // computed its share of the last split, from which a group may rebalance
  // its next splits (the same way on every member).
  virtual std::vector<std::string> allgather(std::string_view mine, double seconds) const = 0;
};

// Where the jobs of a JobSet run. Every process taking part calls run()
// with the same jobs; when it returns, every one of them holds every
// job's result. The local distributor is this process's thread pool.
class Distributor {
 public:
  virtual ~Distributor() = default;
  virtual void run(const JobSet& jobs, int threads) const = 0;
  // The processes this one shares each job with (null: none).
  virtual const RowGroup* row_group() const { return nullptr; }
};

// Runs `jobs` on `distributor`, or on this process's `threads` when there is none.
inline void run_jobs(const Distributor* distributor, const JobSet& jobs, int threads) {
  if (distributor != nullptr) {
    distributor->run(jobs, threads);
  } else {
    run_longest_first(jobs.costs, threads, jobs.run);
  }
}

}  // namespace glasses::numerics
