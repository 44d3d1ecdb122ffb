// Atomic file output: every file glasses writes (reports, sweeps, checks,
// forward --output) is written to a temporary file next to it and renamed
// into place, so a reader never sees a half-written file.
#pragma once

#include <filesystem>
#include <string_view>

namespace glasses::reports {

// Writes `content` to a new temporary file in path's directory and renames it
// onto `path`, so `path` is either the old file or the complete new one.
// Throws InputError naming `path` when the directory is missing or not
// writable, or the write fails; no temporary file is left behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace glasses::reports
