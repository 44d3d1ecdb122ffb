// An exclusive lock on an output directory (--out), held while a command
// writes there: two glasses processes cannot interleave their files in one
// directory; the second refuses at once (exit 2) and names the first.
//
// The lock is flock(2) on DIR/.glasses.lock, so the kernel releases it when
// the holder ends in any way, SIGKILL included: a killed run never leaves a
// stale lock for --resume to trip on. The file itself stays (removing it
// would let a third process lock a fresh file while a second holds the
// unlinked one).
#pragma once

#include <filesystem>

namespace glasses::app {

class OutputLock {
 public:
  // Creates `dir` if needed and locks it, then removes the temporary files
  // a killed writer left in it; throws InputError when it cannot be
  // created or written, or another process holds the lock.
  explicit OutputLock(const std::filesystem::path& dir);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace glasses::app
