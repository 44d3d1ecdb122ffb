#include "glasses/reports/pdf.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "process.hpp"

namespace glasses::reports {
namespace {

// Whether `name` is an executable regular file in a directory of PATH.
bool on_path(std::string_view name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest(path);
  while (true) {
    const std::size_t colon = rest.find(':');
    const std::string directory(rest.substr(0, colon));
    const std::filesystem::path candidate = std::filesystem::path(directory.empty() ? "." : directory) / name;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool contains(std::string_view line, std::string_view what) { return line.find(what) != std::string_view::npos; }

bool asks_for_rerun(std::string_view line) {
  return contains(line, "Rerun to get") || contains(line, "Rerun LaTeX") || contains(line, "may have changed. Rerun");
}

// Warnings worth an excerpt line (pdf.hpp): undefined references,
// citations and control sequences, missing characters; not font shape
// substitutions ("Font shape `OMS/cmtt/m/n' undefined"), which are harmless.
bool is_relevant_warning(std::string_view line) {
  if (contains(line, "Undefined control sequence") || contains(line, "Missing character")) return true;
  if (asks_for_rerun(line)) return true;
  return contains(line, "Warning") && !contains(line, "Font") &&
         (contains(line, "undefined") || contains(line, "Undefined"));
}

// The last `count` lines of `text`.
std::string tail_lines(std::string_view text, std::size_t count) {
  const std::vector<std::string_view> lines = split_lines(text);
  std::string out;
  for (std::size_t k = lines.size() > count ? lines.size() - count : 0; k < lines.size(); ++k)
    out += std::string(lines[k]) + "\n";
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

bool latex_available() { return on_path("latexmk") && on_path("pdflatex"); }

bool log_asks_for_rerun(std::string_view log_text) {
  const std::vector<std::string_view> lines = split_lines(log_text);
  return std::any_of(lines.begin(), lines.end(), asks_for_rerun);
}

std::string log_excerpt(std::string_view log_text) {
  const std::vector<std::string_view> lines = split_lines(log_text);
  std::vector<std::string_view> picked;
  bool truncated = false;
  const auto pick = [&](std::string_view line) {
    if (picked.size() < kMaxExcerptLines) {
      picked.push_back(line);
    } else {
      truncated = true;
    }
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].empty() && lines[i].front() == '!') {
      pick(lines[i]);
      for (std::size_t k = 1; k <= 6 && i + 1 < lines.size() && !lines[i + 1].empty(); ++k) pick(lines[++i]);
    } else if (is_relevant_warning(lines[i])) {
      pick(lines[i]);
    }
  }
  std::string out;
  for (std::string_view line : picked) out += std::string(line) + "\n";
  if (truncated) out += "[... excerpt truncated after " + std::to_string(kMaxExcerptLines) + " lines]\n";
  return out;
}

BuildResult build_pdf(const std::filesystem::path& dir, const BuildOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "report.tex", ec))
    throw InputError("cannot build a PDF in '" + dir.string() + "': it has no report.tex");
  BuildResult result;
  result.pdf = dir / "report.pdf";
  result.log = dir / "build" / "report.log";
  std::filesystem::create_directories(dir / "build", ec);
  if (ec) throw InputError("cannot create '" + (dir / "build").string() + "': " + ec.message());
  // Guarantee 4: no stale PDF, and no stale log to excerpt from.
  std::filesystem::remove(result.pdf, ec);
  std::filesystem::remove(dir / "build" / "report.pdf", ec);
  std::filesystem::remove(result.log, ec);

  const auto start = std::chrono::steady_clock::now();
  const auto run_latexmk = [&](bool force) {
    std::vector<std::string> argv = {"latexmk",         "-norc",        "-pdf",          "-interaction=nonstopmode",
                                     "-halt-on-error",  "-no-shell-escape", "-no-mktex=pk", "-outdir=build"};
    if (force) argv.push_back("-g");
    argv.push_back("report.tex");
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    return detail::run_process(argv, dir, {{"shell_escape", "f"}, {"openout_any", "p"}, {"max_print_line", "10000"}},
                               std::max(options.timeout - spent, std::chrono::milliseconds(1)));
  };
  detail::ProcessResult run = run_latexmk(/*force=*/false);
  // Guarantee 6: rerun while the final pass still asks for one.
  for (int k = 0; k < kMaxForcedReruns && run.started && !run.timed_out && run.exit_code == 0 &&
                  log_asks_for_rerun(read_file(result.log));
       ++k)
    run = run_latexmk(/*force=*/true);
  if (!run.started) {
    result.log_excerpt = "could not run latexmk: " + run.error + "\n";
    return result;
  }
  result.timed_out = run.timed_out;
  result.log_excerpt = log_excerpt(read_file(result.log));
  const bool built = !run.timed_out && run.exit_code == 0 &&
                     std::filesystem::is_regular_file(dir / "build" / "report.pdf", ec);
  if (built) {
    std::filesystem::rename(dir / "build" / "report.pdf", result.pdf, ec);
    if (ec) {
      result.log_excerpt += "cannot move build/report.pdf to report.pdf: " + ec.message() + "\n";
      return result;
    }
    result.ok = true;
    return result;
  }
  if (run.timed_out) {
    result.log_excerpt += "latexmk was stopped after " + std::to_string(options.timeout.count()) + " ms\n";
  } else if (result.log_excerpt.empty()) {
    // Guarantee 5: latexmk's own words only when the log says nothing.
    result.log_excerpt = "latexmk exited with status " + std::to_string(run.exit_code) + "; its last lines:\n" +
                         tail_lines(run.output, 20);
  }
  return result;
}

}  // namespace glasses::reports
