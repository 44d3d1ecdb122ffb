// Long library calls from Python: run them on a helper thread with the GIL
// released, while the calling (main) thread watches for Ctrl-C and passes
// progress to an optional Python callback.
//
// Why a helper thread: CPython runs signal handlers only on the main thread,
// so PyErr_CheckSignals() called from a library worker would never see
// Ctrl-C. The main thread polls it every 50 ms instead, and the library's
// own progress hooks (called on its workers) throw glasses::Cancelled once
// a stop was asked for; the library unwinds and the Python error
// (KeyboardInterrupt, or what the callback raised) is raised in its place.
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "glasses/numerics/error.hpp"

namespace glasses::python {

namespace py = pybind11;

class Watch {
 public:
  // For the library's progress hooks, from any thread: records the progress
  // and throws Cancelled once a stop was asked for.
  void report(double done, double total) {
    {
      const std::lock_guard lock(mutex_);
      done_ = done;
      total_ = total;
    }
    poll();
  }
  // Throws Cancelled once a stop was asked for.
  void poll() const {
    if (stop_.load(std::memory_order_relaxed)) throw Cancelled("stopped by the caller");
  }

  // Runs work(*this) on a helper thread and returns its result; see above.
  template <class Work>
  auto run(const py::object& progress, Work&& work) -> decltype(work(std::declval<Watch&>())) {
    using Result = decltype(work(std::declval<Watch&>()));
    std::optional<Result> result;
    std::exception_ptr error;
    std::optional<py::error_already_set> python_error;
    bool finished = false;
    std::mutex finished_mutex;
    std::condition_variable finished_changed;
    double reported = -1;
    const auto forward_progress = [&] {  // with the GIL held
      if (progress.is_none()) return;
      double done = 0, total = 0;
      {
        const std::lock_guard lock(mutex_);
        done = done_;
        total = total_;
      }
      if (done == reported || total <= 0) return;
      reported = done;
      progress(done, total);
    };
    {
      py::gil_scoped_release release;
      std::thread helper([&] {
        try {
          result.emplace(work(*this));
        } catch (...) {
          error = std::current_exception();
        }
        {
          const std::lock_guard lock(finished_mutex);
          finished = true;
        }
        finished_changed.notify_all();
      });
      std::unique_lock lock(finished_mutex);
      while (!finished_changed.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished; })) {
        lock.unlock();
        if (!stop_) {
          py::gil_scoped_acquire gil;
          try {
            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
            forward_progress();
          } catch (py::error_already_set& e) {
            python_error.emplace(std::move(e));
            stop_ = true;
          }
        }
        lock.lock();
      }
      lock.unlock();
      helper.join();
    }
    if (python_error) throw std::move(*python_error);
    if (error) std::rethrow_exception(error);
    forward_progress();
    return std::move(*result);
  }

 private:
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  double done_ = 0, total_ = 0;
};

}  // namespace glasses::python
