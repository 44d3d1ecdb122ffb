#include "glasses/reports/files.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "glasses/numerics/error.hpp"

namespace glasses::reports {
namespace {

// Distinguishes temporaries of concurrent writes from one process (threads);
// the pid distinguishes processes.
std::atomic<unsigned long> temporary_counter{0};

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& why) {
  throw InputError("cannot write '" + path.string() + "': " + why);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : ".";
  std::filesystem::path temporary;
  int fd = -1;
  // O_EXCL: never write into a file someone else created; mode 0666 lets the
  // umask decide the permissions, as for any new file.
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    temporary = directory / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                             std::to_string(temporary_counter.fetch_add(1)));
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) fail(path, std::strerror(errno));
  }
  if (fd < 0) fail(path, "cannot create a temporary file next to it");
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? std::strerror(errno) : "short write";
      ::close(fd);
      ::unlink(temporary.c_str());
      fail(path, why);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temporary.c_str());
    fail(path, why);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temporary.c_str());
    fail(path, why);
  }
}

}  // namespace glasses::reports
