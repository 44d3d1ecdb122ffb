// Running a program without a shell, with a time limit (private).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace glasses::reports::detail {

struct ProcessResult {
  bool started = false;    // false: the program could not be run (see error)
  std::string error;       // why it could not be started
  bool timed_out = false;  // killed (with its process group) at the deadline
  int exit_code = -1;      // exit status, or -1 when killed by a signal
  std::string output;      // the last kOutputTail bytes of stdout and stderr
};

inline constexpr std::size_t kOutputTail = 64 * 1024;

// Runs argv[0] (looked up on PATH) with arguments argv[1..] in `directory`,
// stdin from /dev/null, stdout and stderr captured, the caller's environment
// with `environment` entries added or replaced, in a new process group that
// is killed with SIGKILL after `timeout`.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& directory,
                          const std::vector<std::pair<std::string, std::string>>& environment,
                          std::chrono::milliseconds timeout);

}  // namespace glasses::reports::detail
