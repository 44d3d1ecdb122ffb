#include "output_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <regex>
#include <string>
#include <sys/file.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "glasses/numerics/error.hpp"

namespace glasses::app {
namespace {

// Files being written are `.NAME.tmp-PID-K` (reports::write_file_atomically;
// earlier versions wrote `.NAME.tmp.PID`) until renamed into place; one whose writer was
// killed stays behind. Under the lock no live glasses process writes here,
// so every such file is stale.
void remove_stale_temporaries(const std::filesystem::path& dir) {
  static const std::regex temporary(R"(\..+\.tmp[-.][0-9]+(-[0-9]+)?)");
  std::error_code ec;
  std::vector<std::filesystem::path> stale;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec) && std::regex_match(it->path().filename().string(), temporary)) stale.push_back(it->path());
  }
  for (const std::filesystem::path& p : stale) std::filesystem::remove(p, ec);
}

}  // namespace

OutputLock::OutputLock(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
    throw InputError("--out '" + dir.string() + "' exists and is not a directory");
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError("cannot create the output directory '" + dir.string() + "': " + ec.message());
  const std::filesystem::path file = dir / ".glasses.lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) throw InputError("cannot write in the output directory '" + dir.string() + "': " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
    ::close(fd_);
    if (error == EWOULDBLOCK) {
      throw InputError("the output directory '" + dir.string() + "' is in use by another glasses process" +
                       (n > 0 ? " (pid " + std::string(holder, static_cast<std::size_t>(n)) + ")" : std::string()) +
                       "; wait for it to end or choose another --out");
    }
    throw InputError("cannot lock the output directory '" + dir.string() + "': " + std::strerror(error));
  }
  remove_stale_temporaries(dir);
  // The holder's pid, for the message above (best effort: the lock is what counts).
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    // an unwritable pid does not weaken the lock
  }
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace glasses::app
