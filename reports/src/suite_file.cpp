#include "glasses/reports/suite_file.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include "glasses/numerics/error.hpp"
#include "glasses/reports/suite.hpp"

namespace glasses::reports {

namespace fs = std::filesystem;

std::string builtin_suite_names() {
  std::string names;
  for (const BuiltinSuite& s : builtin_suites()) names += (names.empty() ? "" : ", ") + std::string(s.name);
  return names;
}

SuiteText load_suite_text(const std::string& spec) {
  if (const BuiltinSuite* b = find_builtin_suite(spec)) {
    return {std::string(b->text), "built-in suite " + std::string(b->name), fs::current_path()};
  }
  std::error_code ec;
  if (!fs::is_regular_file(spec, ec)) {
    throw InputError("suite '" + spec + "' is neither a built-in suite (" + builtin_suite_names() +
                     ") nor a readable file");
  }
  std::ifstream in(spec, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw InputError("cannot read the suite file '" + spec + "'");
  const fs::path p(spec);
  return {text.str(), spec, p.has_parent_path() ? p.parent_path() : fs::path(".")};
}

void remove_stale_outputs(const fs::path& dir, const std::vector<fs::path>& written) {
  std::error_code ec;
  fs::remove(dir / "report.pdf", ec);
  for (const auto& [sub, extension] : {std::pair{"figures", ".tex"}, std::pair{"data", ".csv"}}) {
    for (const fs::directory_entry& e : fs::directory_iterator(dir / sub, ec)) {
      const fs::path relative = fs::path(sub) / e.path().filename();
      if (e.path().extension() == extension && std::find(written.begin(), written.end(), relative) == written.end())
        fs::remove(e.path(), ec);
    }
  }
}

}  // namespace glasses::reports
