// Where a report's suite and output come from and go, shared by every
// client (`glasses report`, the Python package).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace glasses::reports {

// A suite's JSON text and how to name it: a built-in suite by name (built-in
// names win over files of the same name: write ./paper for a file called
// paper), else the file at `spec`. Throws InputError when neither.
struct SuiteText {
  std::string text, origin;
  std::filesystem::path directory;  // relative model paths are resolved against it
};
SuiteText load_suite_text(const std::string& spec);

// "paper, quick, ...": the built-in suites' names.
std::string builtin_suite_names();

// Rerunning into the same DIR: figures and data of an earlier report that
// this one did not write (`written`, from write_document), and its PDF,
// would be stale; only those are removed.
void remove_stale_outputs(const std::filesystem::path& dir, const std::vector<std::filesystem::path>& written);

}  // namespace glasses::reports
