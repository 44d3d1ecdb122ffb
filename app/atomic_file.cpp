#include "atomic_file.hpp"

#include <cstdio>
#include <fstream>
#include <system_error>
#include <unistd.h>

#include "glasses/numerics/error.hpp"

namespace glasses::app {

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path temporary =
      path.parent_path() / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError("cannot write '" + path.string() + "': cannot create a file in its directory");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw InputError("cannot write '" + path.string() + "': write failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw InputError("cannot write '" + path.string() + "': " + ec.message());
  }
}

}  // namespace glasses::app
