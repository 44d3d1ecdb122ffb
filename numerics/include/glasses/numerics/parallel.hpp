// The project's two kinds of parallelism: a pool for independent jobs of
// known rough cost (sweep tracks, checks, report suites), and a fork-join
// pair for the two halves of one step of a multiprecision forward.
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
#include <thread>
#include <utility>
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

}  // namespace glasses::numerics
