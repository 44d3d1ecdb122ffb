#include <fstream>
#include <string>
#include <system_error>
#include <unistd.h>

#include "fuzz_target.hpp"

namespace glasses::fuzz {
namespace {

struct ScratchDirectory {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("glasses-fuzz-" + std::to_string(::getpid()));
  ScratchDirectory() { std::filesystem::create_directories(path); }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

std::filesystem::path scratch_file(std::string_view name, std::string_view bytes) {
  static const ScratchDirectory directory;
  const std::filesystem::path file = directory.path / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw std::runtime_error("fuzz: cannot write " + file.string());
  return file;
}

}  // namespace glasses::fuzz
