// glasses report: run a suite of sweeps and checks and write a LaTeX report.
//
//   glasses report [--suite paper|quick|FILE] [--out DIR] [--date TEXT]
//
// writes DIR/report.tex, DIR/figures/*.tex (pgfplots) and DIR/data/*.csv,
// then DIR/report.pdf with latexmk when TeX is installed (reports/pdf.hpp:
// no shell escape, no rc files). Without TeX it writes the sources and says
// how to build them.
//
// Order of work, so that bad input never leaves half-written output: the
// suite is parsed and every model, family, format, check and figure
// reference is validated (exit 2 on any problem, nothing written); then
// everything runs (minutes); then the document is rendered in memory and
// written file by file atomically; then LaTeX runs.
//
// Determinism: the .tex and .csv files are a function of the suite, the
// binary and --date only. --date defaults to SOURCE_DATE_EPOCH (the
// reproducible-builds convention, as a UTC date) when set, else to the date
// of the commit the binary was built from; the thread count does not change
// any result.
//
// Exit codes: 0 success; 1 a check refuted a statement expected to hold (the
// report is still written); 2 bad usage or a bad suite; 3 internal error or
// a LaTeX failure (the relevant log lines are printed).
#include <algorithm>
#include <boost/version.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "commands.hpp"
#include "git_info.hpp"
#include "exit_codes.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/reports/pdf.hpp"
#include "glasses/reports/report.hpp"
#include "glasses/reports/suite.hpp"
#include "glasses/reports/suite_file.hpp"
#include "output_lock.hpp"
#include "progress.hpp"
#include "provenance.hpp"
#include "ranks.hpp"

namespace glasses::app {
namespace {

namespace fs = std::filesystem;

struct ReportOptions {
  std::string suite = "paper";
  std::string out = "glasses-report";
  std::string date;
  int threads = 2;
  bool no_pdf = false;
  bool list_suites = false;
  bool print_suite = false;
  int latex_timeout = 600;
};

// YYYY-MM-DD (UTC) of SOURCE_DATE_EPOCH, or of the commit this binary was built from.
std::string default_date() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    const long long seconds = std::strtoll(epoch, &end, 10);
    if (end == nullptr || *end != '\0' || seconds < 0)
      throw InputError("SOURCE_DATE_EPOCH='" + std::string(epoch) + "' is not a number of seconds since 1970");
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &utc);
    return buffer;
  }
  return GLASSES_GIT_DATE;
}

std::vector<reports::ProvenanceEntry> build_entries() {
  const nlohmann::json p = build_provenance();
  std::vector<reports::ProvenanceEntry> out;
  out.push_back({"commit", p.at("commit").get<std::string>()});
  out.push_back({"compiler", p.at("compiler").get<std::string>()});
  out.push_back({"flags", p.at("flags").get<std::string>()});
  std::string boost = BOOST_LIB_VERSION;
  std::replace(boost.begin(), boost.end(), '_', '.');
  const nlohmann::json& l = p.at("libraries");
  out.push_back({"libraries", "MPFR " + l.at("mpfr").get<std::string>() + ", GMP " + l.at("gmp").get<std::string>() +
                                  ", MPFI " + l.at("mpfi").get<std::string>() + ", Eigen " +
                                  l.at("eigen").get<std::string>() + ", Boost " + boost + ", CLI11 " +
                                  l.at("cli11").get<std::string>() + ", nlohmann_json " +
                                  l.at("nlohmann_json").get<std::string>()});
  return out;
}

std::string minutes(double seconds) {
  char b[32];
  if (seconds < 90) {
    std::snprintf(b, sizeof b, "%.0f s", seconds);
  } else {
    std::snprintf(b, sizeof b, "%.1f min", seconds / 60);
  }
  return b;
}

int run(const ReportOptions& o) {
  if (o.list_suites) {
    for (const reports::BuiltinSuite& s : reports::builtin_suites())
      std::printf("%-8s %s\n", std::string(s.name).c_str(), std::string(s.description).c_str());
    return kExitSuccess;
  }
  if (o.threads < 1 || o.threads > 64) throw InputError("--threads must be between 1 and 64");
  numerics::set_single_threaded(o.threads == 1);
  const Ranks& mpi = ranks();
  if (o.latex_timeout < 1) throw InputError("--latex-timeout must be at least 1 second");
  const reports::SuiteText source = reports::load_suite_text(o.suite);
  if (o.print_suite) {
    std::fwrite(source.text.data(), 1, source.text.size(), stdout);
    return kExitSuccess;
  }
  // 1. Validate everything before running or writing anything.
  reports::Suite parsed = reports::parse_suite(source.text, source.origin, source.directory);
  // The report names a suite file by its file name only (with the text's
  // fingerprint): where it happened to be stored is not part of the result.
  if (reports::find_builtin_suite(o.suite) == nullptr) parsed.origin = "file " + fs::path(o.suite).filename().string();
  std::unique_ptr<reports::PreparedSuite> suite = reports::prepare_suite(std::move(parsed));
  const std::string date = o.date.empty() ? default_date() : o.date;
  const fs::path dir(o.out);
  std::optional<OutputLock> out_lock;  // creates DIR; one writer per --out (rank 0 under MPI)
  if (mpi.writer()) out_lock.emplace(dir);

  double estimate = 0;
  for (const reports::PreparedSweep& p : suite->sweeps) estimate += p.estimated_cost;
  if (mpi.writer()) std::fprintf(stderr, "glasses report: suite '%s': %zu sweeps, %zu checks (%s), on %d threads\n",
               suite->suite.name.c_str(), suite->sweeps.size(), suite->check_ids.size(),
               suite->suite.checks.quick ? "quick" : "full", o.threads);

  // 2. Run.
  Progress progress("report " + suite->suite.name);
  std::vector<std::pair<double, std::string>> timings;
  std::mutex timings_mutex;
  reports::RunCallbacks callbacks;
  callbacks.on_progress = [&](double done, double total) { progress.update(done, total); };
  callbacks.on_done = [&](const std::string& job, double seconds) {
    std::lock_guard<std::mutex> lock(timings_mutex);
    timings.emplace_back(seconds, job);
  };
  callbacks.distributor = mpi.distributor();
  const reports::SuiteResults results = reports::run_suite(*suite, o.threads, callbacks);
  progress.finish();
  if (!mpi.writer()) return kExitSuccess;  // rank 0 writes the report
  std::sort(timings.rbegin(), timings.rend());
  std::string slowest;
  for (std::size_t i = 0; i < std::min<std::size_t>(5, timings.size()); ++i)
    slowest += (i ? ", " : "") + timings[i].second + " " + minutes(timings[i].first);
  if (!slowest.empty()) std::fprintf(stderr, "slowest jobs: %s\n", slowest.c_str());

  // 3. Write.
  reports::ReportContext context;
  context.build = build_entries();
  context.date = date;
  const reports::Document document = reports::build_report(*suite, results, context);
  const std::vector<fs::path> written = reports::write_document(document, dir);
  reports::remove_stale_outputs(dir, written);
  std::printf("wrote %s/report.tex, %zu figures and %zu data files\n", o.out.c_str(),
              static_cast<std::size_t>(std::count_if(written.begin(), written.end(),
                                                     [](const fs::path& p) { return p.parent_path() == "figures"; })),
              static_cast<std::size_t>(std::count_if(written.begin(), written.end(),
                                                     [](const fs::path& p) { return p.parent_path() == "data"; })));
  bool failed = false;
  for (const reports::CheckOutcome& c : results.checks) {
    if (c.result.failed()) {
      std::fprintf(stderr, "glasses: check %s refuted a statement expected to hold (see the report)\n", c.id().c_str());
      failed = true;
    }
  }

  // 4. Build the PDF.
  if (o.no_pdf) {
    std::printf("not building the PDF (--no-pdf); to build it: cd %s && latexmk -pdf report.tex\n", o.out.c_str());
  } else if (!reports::latex_available()) {
    std::printf("latexmk or pdflatex not found: wrote the LaTeX sources only. Install TeX Live (texlive-latex-base, "
                "texlive-latex-recommended, texlive-pictures, latexmk), then: cd %s && latexmk -pdf report.tex\n",
                o.out.c_str());
  } else {
    reports::BuildOptions options;
    options.timeout = std::chrono::seconds(o.latex_timeout);
    const reports::BuildResult built = reports::build_pdf(dir, options);
    if (!built.ok) {
      std::cerr << "glasses: error: LaTeX failed to build " << o.out << "/report.pdf"
                << (built.timed_out ? " (timed out)" : "") << "; the relevant lines of " << built.log.string()
                << ":\n"
                << built.log_excerpt;
      return kExitInternal;
    }
    std::printf("wrote %s\n", built.pdf.string().c_str());
  }
  return failed ? kExitRefuted : kExitSuccess;
}

}  // namespace

void add_report_command(CLI::App& root, Action& action) {
  static ReportOptions o;
  CLI::App* cmd = root.add_subcommand("report", "Run a suite of sweeps and checks and write a LaTeX/PDF report");
  cmd->add_option("--suite", o.suite, "Built-in suite (" + reports::builtin_suite_names() + ") or a suite JSON file")->capture_default_str();
  cmd->add_option("--out", o.out, "Output directory (report.tex, figures/, data/, report.pdf)")->capture_default_str();
  cmd->add_option("--date", o.date,
                  "Date shown in the report (default: SOURCE_DATE_EPOCH as a UTC date, else the commit date)");
  cmd->add_option("--threads", o.threads, "Worker threads (results do not depend on it); 1: no threads at all (one MPI rank per core)")->capture_default_str();
  cmd->add_flag("--no-pdf", o.no_pdf, "Write the LaTeX sources only");
  cmd->add_option("--latex-timeout", o.latex_timeout, "Seconds before the LaTeX build is stopped")->capture_default_str();
  cmd->add_flag("--list-suites", o.list_suites, "List the built-in suites and exit");
  cmd->add_flag("--print-suite", o.print_suite, "Print the suite's JSON (a starting point for your own) and exit");
  cmd->callback([&action] { action = [] { return run(o); }; });
}

}  // namespace glasses::app
