// report.hpp and `glasses report`, end to end through the command line:
//   report        a tiny suite (tests/reports/suites/tiny.json, whose user text
//                 holds every LaTeX special): the .tex is structurally right
//                 (sections, tables with the expected rows, every figure's
//                 data file exists, has the columns the figure reads and is
//                 referenced by it), user text is escaped (pdftotext gives it
//                 back verbatim), two runs give the same bytes, the PDF builds
//                 without errors or undefined references and its text holds
//                 the verdict table's rows; a bad suite exits 2 and writes
//                 nothing.
//   report_quick  the built-in quick suite (sources only): its sections,
//                 tables and figures.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "glasses/proofs/check.hpp"
#include "glasses/reports/pdf.hpp"
#include "scratch.hpp"
#include "support/feature.hpp"
#include "glasses/model/policy.hpp"

namespace fs = std::filesystem;
using glasses::reports::testing::normalise_whitespace;
using glasses::reports::testing::read_file;
using glasses::reports::testing::run;
using glasses::reports::testing::ScratchDir;

namespace {

const std::string kTiny = std::string(GLASSES_TESTS_DIR) + "/reports/suites/tiny.json";

bool has(const std::string& text, const std::string& fragment) { return text.find(fragment) != std::string::npos; }

// Runs `glasses report` with a fixed date; returns the exit code.
int run_report(const std::string& suite, const fs::path& out, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{GLASSES_CLI, "report", "--suite", suite, "--out", out.string(), "--date", "2024-12-10"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run(argv).exit_code;
}

// The files below `dir` with extension `ext`, relative to dir, sorted.
std::vector<std::string> files(const fs::path& dir, const std::string& ext) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> matches(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str());
  return out;
}

// The CSV header of a data file, split at commas (figure data is never quoted).
std::vector<std::string> header(const fs::path& csv) {
  const std::string text = read_file(csv);
  std::vector<std::string> columns;
  std::string line = text.substr(0, text.find('\n')), cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) columns.push_back(cell);
  return columns;
}

// Every figure is \input by report.tex, and every table it reads exists and
// has the x and y columns it names.
void check_figures(const fs::path& dir, const std::string& tex) {
  const std::vector<std::string> inputs = matches(tex, R"(\\input\{figures/([A-Za-z0-9_-]+)\.tex\})");
  const std::vector<std::string> figure_files = files(dir / "figures", ".tex");
  BOOST_TEST(inputs.size() == figure_files.size());
  for (const std::string& name : inputs) {
    BOOST_TEST_CONTEXT("figure " << name) {
      BOOST_TEST(fs::exists(dir / "figures" / (name + ".tex")));
      const std::string figure = read_file(dir / "figures" / (name + ".tex"));
      const std::regex table(R"(table\[x=([^,\]]+), y(?:=([^,\]]+)| expr=[^,\]]+), col sep=comma\]\{(data/[A-Za-z0-9_-]+\.csv)\})");
      int tables = 0;
      for (auto it = std::sregex_iterator(figure.begin(), figure.end(), table); it != std::sregex_iterator(); ++it) {
        ++tables;
        const fs::path csv = dir / (*it)[3].str();
        BOOST_TEST(fs::exists(csv), csv);
        if (!fs::exists(csv)) continue;
        const std::vector<std::string> columns = header(csv);
        BOOST_TEST((std::find(columns.begin(), columns.end(), (*it)[1].str()) != columns.end()), (*it)[1].str());
        if ((*it)[2].matched)
          BOOST_TEST((std::find(columns.begin(), columns.end(), (*it)[2].str()) != columns.end()), (*it)[2].str());
      }
      BOOST_TEST(tables > 0);
      BOOST_TEST(has(tex, "\\label{fig:" + name + "}"));
    }
  }
}

// The rows of the table labelled `label` in report.tex (between \midrule and \bottomrule).
std::vector<std::string> table_rows(const std::string& tex, const std::string& label) {
  const std::size_t at = tex.find("\\label{" + label + "}");
  if (at == std::string::npos) return {};
  // A table float: between \midrule and \bottomrule; a longtable: after its
  // head and foot definitions (\endlastfoot), up to \end{longtable}.
  const std::size_t table_end = tex.find("\\end{", at);
  const bool longtable = tex.compare(table_end, 15, "\\end{longtable}") == 0;
  const std::size_t begin = longtable ? tex.find("\\endlastfoot\n", at) + 13 : tex.find("\\midrule\n", at) + 9;
  const std::size_t end = longtable ? table_end : tex.find("\\bottomrule", at);
  std::vector<std::string> rows;
  std::istringstream in(tex.substr(begin, end - begin));
  for (std::string line; std::getline(in, line);) {
    if (line.find("\\\\") != std::string::npos) rows.push_back(line);
  }
  return rows;
}

// A run of the tiny suite, shared by the cases (about 10 s with the PDF).
struct TinyRun {
  ScratchDir dir{"tiny"};
  int exit_code = run_report(kTiny, dir.path() / "out");
  fs::path out() const { return dir.path() / "out"; }
};

const TinyRun& tiny() {
  static const TinyRun r;
  return r;
}

boost::test_tools::assertion_result tex_present(boost::unit_test::test_unit_id) {
  return glasses::test::requirement(glasses::reports::latex_available(), "latexmk or pdflatex not on PATH");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report, *boost::unit_test::label("slow"))

BOOST_AUTO_TEST_CASE(tiny_suite_report_is_structurally_complete) {
  const TinyRun& r = tiny();
  BOOST_TEST_REQUIRE(r.exit_code == 0);
  const std::string tex = read_file(r.out() / "report.tex");
  for (const char* section : {"Summary of findings", "The statements of THEORY $\\S$3", "Collapse onsets",
                              "Why it collapses", "Reproductions of the paper's figures", "Sensitivity bounds and the limit of depth",
                              "Where the paper's statements are loose or wrong as printed", "Check details"}) {
    BOOST_TEST(has(tex, "\\section{" + std::string(section) + "}"), section);
  }
  // The verdict table: one row per check, in order.
  const std::vector<std::string> verdicts = table_rows(tex, "tab:verdicts");
  BOOST_TEST_REQUIRE(verdicts.size() == 3u);
  BOOST_TEST(verdicts[0].rfind("  B.2-literal & ", 0) == 0);
  BOOST_TEST(verdicts[1].rfind("  B.6-counterexample & ", 0) == 0);
  BOOST_TEST(verdicts[2].rfind("  B.8 & ", 0) == 0);
  BOOST_TEST(has(verdicts[0], "refuted as printed"));
  // The onset table: the two sweeps with onset_table (not fig10-nope); its
  // columns are the low formats of those sweeps.
  const std::vector<std::string> onsets = table_rows(tex, "tab:onsets");
  BOOST_TEST_REQUIRE(onsets.size() == 2u);
  BOOST_TEST(has(onsets[0], "count-ones"));
  BOOST_TEST(has(onsets[0], "NoPE"));
  BOOST_TEST(has(onsets[1], "copy-ones"));
  BOOST_TEST(has(onsets[1], "RoPE"));
  BOOST_TEST(has(tex, "Positions & $n_{\\max}$ & \\texttt{bf16} & \\texttt{fp16} & \\texttt{mixed"));
  // The ablation table: one row per rounding site, the mixed policy and the uniform format.
  const std::vector<std::string> ablation = table_rows(tex, "tab:ablation");
  BOOST_TEST(ablation.size() == glasses::model::kSiteCount + 2u);
  BOOST_TEST(has(ablation[4], "softmax"));
  // The mitigation table: one row per format of the mitigating sweep, the
  // sites: policy compared with its default format. A window of 4 over 2
  // layers sees at most the last 7 tokens, so from n = 7 the exact model
  // itself cannot tell 1^n from 1^(n+1) (7 lies between the grid points 4
  // and 8 of 1, 2, 4, ..., 64; the KV-cache walk tests it on the way): that
  // collapse is not certified.
  const std::vector<std::string> mitigations = table_rows(tex, "tab:mitigations");
  BOOST_TEST_REQUIRE(mitigations.size() == 2u);
  BOOST_TEST(has(mitigations[0], "count\\_ones"));
  BOOST_TEST(has(mitigations[0], "window\\_4 \\& \\#2"));
  BOOST_TEST(has(mitigations[1], "softmax=fp32"));
  BOOST_TEST(has(mitigations[0], "& 7\\,$\\times$ \\\\"));
  BOOST_TEST(has(tex, "\\textbf{Mitigations}"));
  // The sweeps table lists all four.
  BOOST_TEST(table_rows(tex, "tab:sweeps").size() == 4u);
  // Figures and their data.
  check_figures(r.out(), tex);
  for (const char* name : {"collapse-count-nope", "heads-ones-rope", "compare-all", "b2-literal", "b8-rate", "series-b8_u_shape"})
    BOOST_TEST(fs::exists(r.out() / "figures" / (std::string(name) + ".tex")), name);
  for (const char* name : {"sweep-count-nope", "sweep-ones-rope", "sweep-fig10-nope", "onsets", "checks", "check-b2_literal",
                           "check-b8_rate_uniform"})
    BOOST_TEST(fs::exists(r.out() / "data" / (std::string(name) + ".csv")), name);
  // The collapse figure draws each low format's unit roundoff.
  const std::string collapse = read_file(r.out() / "figures" / "collapse-count-nope.tex");
  BOOST_TEST(has(collapse, "$u = 2^{-8}$ (bf16)"));
  BOOST_TEST(has(collapse, "$u = 2^{-11}$ (fp16)"));
  // Nothing from the file system: the suite is named by its file name only.
  BOOST_TEST(!has(tex, GLASSES_TESTS_DIR));
  BOOST_TEST(has(tex, "file tiny.json"));
}

BOOST_AUTO_TEST_CASE(user_text_is_escaped) {
  const TinyRun& r = tiny();
  BOOST_TEST_REQUIRE(r.exit_code == 0);
  const std::string tex = read_file(r.out() / "report.tex");
  // The raw strings never reach the LaTeX (each holds _ & % # ~ ^ \ { } $).
  for (const char* raw : {"tiny_&%#~^\\{}$ suite", "Tiny: 50% of _all_ #1 {x} ~y ^z \\ $5 & more", "count_ones & NoPE 100%",
                          "RoPE {#1}", "User caption: 100% _raw_ & #escaped$."}) {
    BOOST_TEST(!has(tex, raw), raw);
  }
  const std::string figure = read_file(r.out() / "figures" / "compare-all.tex");
  BOOST_TEST(!has(figure, "Compare {all} & 50%"));
  BOOST_TEST(!has(figure, "unscaled_NoPE"));
}

BOOST_AUTO_TEST_CASE(two_runs_give_the_same_bytes) {
  const TinyRun& first = tiny();
  BOOST_TEST_REQUIRE(first.exit_code == 0);
  ScratchDir second("tiny-again");
  // Other threads, no PDF: neither may change a byte of the sources.
  BOOST_TEST_REQUIRE(run_report(kTiny, second.path(), {"--threads", "1", "--no-pdf"}) == 0);
  std::vector<std::string> names = files(first.out(), ".csv");
  for (const std::string& f : files(first.out(), ".tex")) {
    if (f.rfind("build", 0) != 0) names.push_back(f);
  }
  BOOST_TEST(names.size() > 10u);
  BOOST_TEST(files(second.path(), ".csv").size() == files(first.out(), ".csv").size());
  for (const std::string& name : names) {
    BOOST_TEST_CONTEXT("file " << name) {
      BOOST_TEST_REQUIRE(fs::exists(second.path() / name));
      BOOST_TEST((read_file(first.out() / name) == read_file(second.path() / name)));
    }
  }
}

BOOST_AUTO_TEST_CASE(without_tex_the_sources_are_written_and_the_build_explained) {
  ScratchDir dir("no-tex");
  const char* saved = std::getenv("PATH");
  const std::string path = saved == nullptr ? "" : saved;
  ::setenv("PATH", (dir.path() / "empty").c_str(), 1);  // no latexmk, no pdflatex
  const auto r = run({GLASSES_CLI, "report", "--suite", kTiny, "--out", (dir.path() / "out").string(), "--date", "x"});
  ::setenv("PATH", path.c_str(), 1);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(has(r.output, "latexmk -pdf report.tex"), r.output);
  BOOST_TEST(fs::exists(dir.path() / "out" / "report.tex"));
  BOOST_TEST(!fs::exists(dir.path() / "out" / "report.pdf"));
}

BOOST_AUTO_TEST_CASE(a_rerun_removes_the_stale_files_of_the_earlier_report_only) {
  ScratchDir dir("rerun");
  const fs::path out = dir.path() / "out";
  fs::create_directories(out / "figures");
  fs::create_directories(out / "data");
  for (const char* name : {"report.pdf", "figures/old.tex", "data/old.csv", "notes.txt", "data/notes.txt"})
    std::ofstream(out / name) << "earlier";
  BOOST_TEST_REQUIRE(run_report(kTiny, out, {"--no-pdf"}) == 0);
  BOOST_TEST(!fs::exists(out / "report.pdf"));  // it would not match the new report.tex
  BOOST_TEST(!fs::exists(out / "figures" / "old.tex"));
  BOOST_TEST(!fs::exists(out / "data" / "old.csv"));
  BOOST_TEST(fs::exists(out / "notes.txt"));  // not the report's: kept
  BOOST_TEST(fs::exists(out / "data" / "notes.txt"));
  BOOST_TEST(fs::exists(out / "data" / "onsets.csv"));
}

BOOST_AUTO_TEST_CASE(a_bad_suite_exits_2_and_writes_nothing) {
  ScratchDir dir("bad");
  {
    std::ofstream bad(dir.path() / "bad.json");
    bad << R"({"suite": "t", "sweeps": [{"id": "a", "model": "paper-literal", "family": "count-ones", "n": [1],
              "formats": ["bf16"], "colour": "red"}]})";
  }
  const fs::path out = dir.path() / "out";
  BOOST_TEST(run_report((dir.path() / "bad.json").string(), out) == 2);
  BOOST_TEST(!fs::exists(out));
  BOOST_TEST(run_report("no-such-suite", out) == 2);
  BOOST_TEST(!fs::exists(out));
}

BOOST_AUTO_TEST_SUITE_END()

// The PDF of the tiny report: skipped (not passed) without TeX.
BOOST_AUTO_TEST_SUITE(report_pdf, *boost::unit_test::label("slow") * boost::unit_test::precondition(tex_present))

BOOST_AUTO_TEST_CASE(escaped_user_text_reads_back_from_the_pdf) {
  const TinyRun& r = tiny();
  BOOST_TEST_REQUIRE(r.exit_code == 0);
  // pdftotext gives every one of them back, character for character.
  const std::string text = normalise_whitespace(run({"pdftotext", (r.out() / "report.pdf").string(), "-"}).output);
  for (const char* shown : {"Tiny: 50% of _all_ #1 {x} ~y ^z \\ $5 & more", "tiny_&%#~^\\{}$ suite",
                            "count_ones & NoPE 100%", "RoPE {#1}", "User caption: 100% _raw_ & #escaped$.",
                            "Compare {all} & 50%", "unscaled_NoPE",
                            "A test suite whose user text holds every LaTeX special: _ & % # ~ ^ \\ { } $."}) {
    BOOST_TEST(has(text, shown), shown);
  }
}

BOOST_AUTO_TEST_CASE(pdf_builds_without_errors_or_undefined_references) {
  const TinyRun& r = tiny();
  BOOST_TEST_REQUIRE(r.exit_code == 0);
  BOOST_TEST_REQUIRE(fs::exists(r.out() / "report.pdf"));
  const std::string log = read_file(r.out() / "build" / "report.log");
  // No undefined references, citations or control sequences (the excerpt's
  // rules; a bare search for "undefined" also finds -fsanitize=undefined in
  // the provenance of a sanitizer build).
  BOOST_TEST(glasses::reports::log_excerpt(log).empty(), glasses::reports::log_excerpt(log));
  BOOST_TEST(!has(log, "\n! "));
  BOOST_TEST(!has(log, "Missing character"));
  // The verdict table's rows, as laid out on the page.
  const std::string text = normalise_whitespace(run({"pdftotext", "-layout", (r.out() / "report.pdf").string(), "-"}).output);
  // (A long statement wraps within its cell, so only its first words share the row's line.)
  BOOST_TEST(has(text, "B.2-literal Lemma 4.1 as literally"));
  BOOST_TEST(has(text, "B.6-counterexample simple eigenvalue 1"));
  BOOST_TEST(has(text, "B.8 limit of depth"));
  BOOST_TEST(has(text, "refuted as printed"));
  BOOST_TEST(!has(text, "[U+"));  // no character fell back to its code point
  BOOST_TEST(!has(text, "??"));   // no undefined reference
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(report_quick, *boost::unit_test::label("slow"))

BOOST_AUTO_TEST_CASE(quick_suite_sources_are_complete) {
  ScratchDir dir("quick");
  BOOST_TEST_REQUIRE(run_report("quick", dir.path(), {"--no-pdf"}) == 0);
  const std::string tex = read_file(dir.path() / "report.tex");
  for (const char* section : {"Summary of findings", "The statements of THEORY $\\S$3", "Collapse onsets",
                              "Why it collapses", "Reproductions of the paper's figures", "Sensitivity bounds and the limit of depth",
                              "Where the paper's statements are loose or wrong as printed", "Check details"}) {
    BOOST_TEST(has(tex, "\\section{" + std::string(section) + "}"), section);
  }
  // Every registered check has its row in the verdict table.
  const std::vector<std::string> verdicts = table_rows(tex, "tab:verdicts");
  const auto& registry = glasses::proofs::registry();
  BOOST_TEST_REQUIRE(verdicts.size() == registry.size());
  for (std::size_t i = 0; i < registry.size(); ++i)
    BOOST_TEST(verdicts[i].rfind("  " + std::string(registry[i].id) + " & ", 0) == 0, verdicts[i]);
  BOOST_TEST(!table_rows(tex, "tab:onsets").empty());
  BOOST_TEST(table_rows(tex, "tab:ablation").size() >= 9u);
  // Why it collapses: the calibration table (cases and three score rows:
  // confirmed onsets, all onsets, false alarms), the orders table and
  // figure of the count-nope-orders sweep, the merge table.
  const std::vector<std::string> calibration = table_rows(tex, "tab:calibration");
  BOOST_TEST(calibration.size() >= 4u);
  BOOST_TEST(std::count_if(calibration.begin(), calibration.end(), [](const std::string& row) {
               return has(row, "within $2\\times$ of a confirmed onset");
             }) == 1);
  BOOST_TEST(!table_rows(tex, "tab:orders").empty());
  BOOST_TEST(!table_rows(tex, "tab:merge").empty());
  BOOST_TEST(fs::exists(dir.path() / "figures" / "why-orders.tex"));
  // R.1 and S.1 in the section, with their figures referenced.
  BOOST_TEST(has(tex, "drifts with the absolute position by up to"));
  BOOST_TEST(has(tex, "the largest weight stops falling in"));
  BOOST_TEST(has(tex, "\\ref{fig:r1-drift}"));
  BOOST_TEST(has(tex, "\\ref{fig:s1-max-weight}"));
  // Powers in the checks' hypotheses are math, not a literal caret.
  BOOST_TEST(has(tex, "$2^{k/2}$"));
  BOOST_TEST(has(tex, "$10^{9}$"));
  BOOST_TEST(has(tex, "tolerance $2^{-160}$."));
  BOOST_TEST(!has(tex, "2\\textasciicircum{}(k/2)"));
  BOOST_TEST(!has(tex, "10\\textasciicircum{}9"));
  // ... in the statements and findings too (B.9: "1^n", "1^(n+1)").
  BOOST_TEST(has(tex, "$1^{n}$"));
  BOOST_TEST(!has(tex, "1\\textasciicircum{}n"));
  check_figures(dir.path(), tex);
  for (const char* name : {"fig8", "fig9", "fig10-scaled", "b3-decay", "b5-profiles", "b8-rate"})
    BOOST_TEST(fs::exists(dir.path() / "figures" / (std::string(name) + ".tex")), name);
  BOOST_TEST(!has(tex, "not drawn"));
}

BOOST_AUTO_TEST_SUITE_END()
