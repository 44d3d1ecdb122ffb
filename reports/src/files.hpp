// Atomic file output for the report writer (private).
#pragma once

#include <filesystem>
#include <string_view>

namespace glasses::reports::detail {

// Writes `content` to a new temporary file in path's directory and renames it
// onto `path`, so `path` is either the old file or the complete new one.
// Throws InputError naming `path` when the directory is missing or not
// writable, or the write fails; no temporary file is left behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace glasses::reports::detail
