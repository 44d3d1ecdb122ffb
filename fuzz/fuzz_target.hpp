// Fuzz harnesses: one per parser of untrusted input (README "Hardening").
//
// Each harness defines libFuzzer's entry point. A parser may reject its
// input only with glasses::InputError (the command line's exit code 2);
// every other exception escapes the harness, so libFuzzer (fuzz preset, clang)
// and the corpus replay (any compiler, CTest label `fuzz`) report it as a
// crash, as they do a sanitizer finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace glasses::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// For parsers that read a file: `bytes` written to `name` in a scratch folder
// of this process (removed at exit); returns its path.
std::filesystem::path scratch_file(std::string_view name, std::string_view bytes);

// The first line of `text` and the rest, for harnesses that take two inputs.
struct Split {
  std::string_view head, tail;
};
inline Split split_first_line(std::string_view text) {
  const std::size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return {text, {}};
  return {text.substr(0, nl), text.substr(nl + 1)};
}

// A memory limit for models built by harnesses: small, so that a fuzzed
// config asking for a huge model is refused (as --max-memory does) rather
// than allocated.
inline constexpr double kModelMemoryLimit = 16.0 * 1024 * 1024;

}  // namespace glasses::fuzz
