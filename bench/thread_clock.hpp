// CPU time of the calling thread: what the benchmarks compare in their
// ratios (unaffected by other processes on a shared machine, unlike wall time).
#pragma once

#include <ctime>

inline double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}
