// A progress display with an ETA: a bar redrawn in place on a terminal,
// plain lines every 10% otherwise (logs, CI). Under MPI, rank 0 shows the
// work of every rank: its own as it goes, the other ranks' as their
// results arrive (numerics::JobSet::arrived).
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace glasses::app {

class Progress {
 public:
  explicit Progress(std::string label);
  // Thread-safe; cheap to call often.
  void update(double done, double total);
  void finish();

 private:
  std::string label_;
  bool shown_;  // on rank 0 only (ranks.hpp)
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  int last_decile_ = -1;
  std::mutex mutex_;
};

}  // namespace glasses::app
