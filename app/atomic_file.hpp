// Outputs are written to a temporary file next to the target and renamed
// into place, so a reader never sees a half-written file.
#pragma once

#include <filesystem>
#include <string_view>

namespace glasses::app {

// Writes `content` to `path` atomically; throws InputError naming the path
// when the directory is missing or not writable.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace glasses::app
