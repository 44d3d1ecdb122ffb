// pdf.hpp, and the whole chain through real TeX: escaped text compiles and
// pdftotext reads it back, a small report with a table, a log-log figure and
// a long table builds, the build is reproducible and ignores planted rc files
// and \write18, a broken document fails with the right excerpt, and a runaway
// build is stopped. The `log_excerpt` suite checks the excerpt rules on
// hand-written logs and needs no TeX.
#include "glasses/reports/pdf.hpp"

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/reports/document.hpp"
#include "glasses/reports/latex.hpp"
#include "scratch.hpp"
#include "support/feature.hpp"

namespace gr = glasses::reports;
namespace fs = std::filesystem;
using glasses::reports::testing::normalise_whitespace;
using glasses::reports::testing::read_file;
using glasses::reports::testing::run;
using glasses::reports::testing::ScratchDir;

namespace {

bool has(const std::string& text, const std::string& fragment) { return text.find(fragment) != std::string::npos; }

// The PDF suite needs latexmk: without it the suite is skipped (not passed).
boost::test_tools::assertion_result tex_present(boost::unit_test::test_unit_id) {
  return glasses::test::requirement(gr::latex_available(), "latexmk or pdflatex not on PATH");
}

// pdftotext's reading of `pdf`, white space normalised. With `layout`, lines
// follow the page (a table row is one line) instead of text columns.
std::string pdf_text(const fs::path& pdf, bool layout = false) {
  std::vector<std::string> argv{"pdftotext"};
  if (layout) argv.push_back("-layout");
  argv.insert(argv.end(), {pdf.string(), "-"});
  return normalise_whitespace(run(argv).output);
}

// Writes `document` into dir and builds it; reports the excerpt on failure.
gr::BuildResult write_and_build(const gr::Document& document, const fs::path& dir,
                                const gr::BuildOptions& options = {}) {
  gr::write_document(document, dir);
  gr::BuildResult result = gr::build_pdf(dir, options);
  BOOST_TEST_MESSAGE("build of " << dir << ": ok=" << result.ok << "\n" << result.log_excerpt);
  return result;
}

// A string for the round trip and what pdftotext must give back for it.
struct RoundTrip {
  std::string user_text;
  std::string visible;
};

// What is checkable through pdftotext (latex.hpp, note 2): all of ASCII, the
// replacements for control characters, unknown and invalid characters, and
// the mathematical characters (blackboard letters come back as the Latin
// letter their glyph is named after). Accented letters come back decomposed
// and are left to the compile-everything test.
const std::vector<RoundTrip> kRoundTrips = {
    {"\\ { } $ & # ^ _ ~ % < > | \" ' ` - [ ]", "\\ { } $ & # ^ _ ~ % < > | \" ' ` - [ ]"},
    {"a_b%c$d&e#f{g}h~i^j\\k|l<m>n\"o'p`q--r[s]t", "a_b%c$d&e#f{g}h~i^j\\k|l<m>n\"o'p`q--r[s]t"},
    {"fp16_everything --format=custom:p=5,emax=15", "fp16_everything --format=custom:p=5,emax=15"},
    {"/models/tiny-gpt2/model.safetensors", "/models/tiny-gpt2/model.safetensors"},
    {"bell\x07 and tab\tend", "bell\\x07 and tab end"},
    {"α ≤ β", "α ≤ β"},
    {"x ∈ ℝ → ∞", "x ∈ R → ∞"},  // msbm's glyph for ℝ is named R
    {"snow ☃ man", "snow [U+2603] man"},
    {"bad \xFF byte", "bad ? byte"},
};

gr::Document round_trip_document() {
  gr::Document d;
  d.title = "Round trip";
  std::string text, typewriter_escape, typewriter_code;
  for (std::size_t k = 0; k < kRoundTrips.size(); ++k) {
    const std::string open = "QB" + std::to_string(k) + "Q ", close = " QE" + std::to_string(k) + "Q";
    text += open + gr::escape(kRoundTrips[k].user_text) + close + "\n\n";
    typewriter_escape += "TB" + std::to_string(k) + "T \\texttt{" + gr::escape(kRoundTrips[k].user_text) + "} TE" +
                         std::to_string(k) + "T\n\n";
    typewriter_code += "CB" + std::to_string(k) + "C " + gr::code(kRoundTrips[k].user_text) + " CE" +
                       std::to_string(k) + "C\n\n";
  }
  // Every character of the table, in normal text and in typewriter type.
  std::string all;
  for (const gr::UnicodeCharacter& u : gr::unicode_characters()) {
    std::string utf8;
    const char32_t c = u.code_point;
    if (c < 0x800) {
      utf8 = {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    } else {
      utf8 = {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
              static_cast<char>(0x80 | (c & 0x3F))};
    }
    all += gr::escape(utf8) + " ";
  }
  // Escaped text in moving arguments: a section title (also a PDF bookmark
  // through hyperref) and a table caption and cell.
  gr::Table table;
  table.header = {"TH " + gr::escape(kRoundTrips[1].user_text)};
  table.rows = {{gr::escape(kRoundTrips[0].user_text)}};
  table.caption = "TC " + gr::escape(kRoundTrips[1].user_text);
  table.label = "tab:escaped";
  d.sections = {{"ST " + gr::escape(kRoundTrips[1].user_text), {table, gr::Paragraph{"See Table~\\ref{tab:escaped}."}}},
                {"Normal text", {gr::Paragraph{text}}},
                {"Typewriter, escape()", {gr::Paragraph{typewriter_escape}}},
                {"Typewriter, code()", {gr::Paragraph{typewriter_code}}},
                {"Every table character " + gr::escape("α"), {gr::Paragraph{all}, gr::Paragraph{"\\texttt{" + all + "}"}}}};
  return d;
}

// The small report of the brief: a 3-row table, a log-log figure with a
// series holding zeros and a negative value, two resolution lines, and a
// long table.
gr::Document small_report() {
  gr::Document d;
  d.title = "A small report";
  d.provenance = {{"suite", "paper"}, {"model", "/models/tiny gpt2/"}, {"command", "glasses report --out dir"}};
  gr::CsvTable fp16{{"n", "format", "max_abs_err"}, {}};
  gr::CsvTable bf16{{"n", "max_abs_err"}, {}};
  for (std::int64_t n = 1; n <= 1024; n *= 2) {
    const double e = std::ldexp(1.0, -14) * static_cast<double>(n);
    fp16.rows.push_back({n, std::string("fp16"), n == 1 ? 0.0 : n == 4 ? -1.0 : e});
    bf16.rows.push_back({n, 8 * e});
  }
  d.data = {{"fp16", fp16}, {"bf16", bf16}};
  gr::Table formats;
  formats.header = {"format", "$p$", "$e_{\\max}$", "$u_F$"};
  formats.alignment = {gr::Align::left, gr::Align::right, gr::Align::right, gr::Align::right};
  formats.rows = {{gr::code("fp16"), gr::format_integer(11), gr::format_integer(15), gr::math(gr::format_power_of_two(-11))},
                  {gr::code("bf16"), gr::format_integer(8), gr::format_integer(127), gr::math(gr::format_power_of_two(-8))},
                  {gr::code("fp32"), gr::format_integer(24), gr::format_integer(127), gr::math(gr::format_power_of_two(-24))}};
  formats.caption = "Formats.";
  formats.label = "tab:formats";
  gr::Figure figure;
  figure.name = "collapse";
  figure.title = "Distance to the reference";
  figure.caption = "Error against $n$; dashed: unit roundoffs.";
  figure.x_label = "$n$";
  figure.y_label = "$\\max_i |y_i - y_i^{\\mathrm{ref}}|$";
  figure.log_x = figure.log_y = true;
  figure.log_basis_x = 2;
  figure.legend = gr::LegendPosition::south_east;
  figure.series = {{gr::code("fp16"), "fp16", "n", "max_abs_err", ""}, {gr::code("bf16"), "bf16", "n", "max_abs_err", ""}};
  figure.lines = {{std::ldexp(1.0, -11), "$u_{\\mathrm{fp16}} = " + gr::format_power_of_two(-11) + "$"},
                  {std::ldexp(1.0, -8), "$u_{\\mathrm{bf16}} = " + gr::format_power_of_two(-8) + "$"}};
  // A log-log figure with nothing drawable (guarantee 2 of figures.hpp), and
  // a linear one with the extremes of a double.
  gr::CsvTable zeros{{"n", "err"}, {{std::int64_t{1}, 0.0}, {std::int64_t{2}, -0.0}}};
  const double inf = std::numeric_limits<double>::infinity();
  gr::CsvTable extremes{{"x", "y"},
                        {{-1.0, -1e300}, {0.0, 1e300}, {1.0, inf}, {2.0, std::nan("")}, {3.0, 1e-300}, {4.0, 0.0}}};
  d.data.push_back({"zeros", zeros});
  d.data.push_back({"extremes", extremes});
  gr::Figure empty;
  empty.name = "empty";
  empty.caption = "Nothing to draw.";
  empty.log_x = empty.log_y = true;
  empty.series = {{"zero", "zeros", "n", "err", ""}};
  empty.lines = {{std::ldexp(1.0, -24), "$u_{\\mathrm{fp32}}$"}};
  gr::Figure wide;
  wide.name = "extremes";
  wide.caption = "Extremes on a linear axis.";
  wide.series = {{"extremes", "extremes", "x", "y", ""}};
  wide.lines = {{0.0, "zero"}};
  gr::Table long_table;
  long_table.header = {"$n$", "value"};
  for (int n = 1; n <= 40; ++n)
    long_table.rows.push_back({gr::format_integer(n), gr::math(gr::format_number(1.0 / n, 3))});
  long_table.caption = "A table longer than a float.";
  d.sections = {{"Results",
                 {gr::Paragraph{"Table~\\ref{tab:formats} and Figure~\\ref{fig:collapse}. "
                                "\\immediate\\write18{touch shell-escape-ran}"},
                  formats, figure, empty, wide}},
                {"Long", {long_table}}};
  return d;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(log_excerpt)

BOOST_AUTO_TEST_CASE(errors_come_with_their_context_up_to_a_blank_line) {
  const std::string log =
      "This is pdfTeX\n"
      "(./report.tex\n"
      "! Undefined control sequence.\n"
      "l.12 \\undefinedmacro\n"
      "                    \n"
      "\n"
      "The control sequence at the end of the top line\n"
      "LaTeX Warning: Reference `tab:x' on page 1 undefined on input line 3.\n"
      "Missing character: There is no ^^A in font cmr10!\n"
      "LaTeX Font Warning: Font shape `OMS/cmtt/m/n' undefined\n"
      "LaTeX Warning: There were undefined references.\n"
      "!  ==> Fatal error occurred, no output PDF file produced!\n";
  BOOST_TEST(gr::log_excerpt(log) ==
             "! Undefined control sequence.\n"
             "l.12 \\undefinedmacro\n"
             "                    \n"
             "LaTeX Warning: Reference `tab:x' on page 1 undefined on input line 3.\n"
             "Missing character: There is no ^^A in font cmr10!\n"
             "LaTeX Warning: There were undefined references.\n"
             "!  ==> Fatal error occurred, no output PDF file produced!\n");
  BOOST_TEST(gr::log_excerpt("Output written on report.pdf (1 page).\n") == "");
  BOOST_TEST(gr::log_excerpt("") == "");
}

BOOST_AUTO_TEST_CASE(context_is_at_most_six_lines_and_the_excerpt_is_capped) {
  std::string log = "! Error.\n";
  for (int k = 0; k < 10; ++k) log += "context " + std::to_string(k) + "\n";
  BOOST_TEST(gr::log_excerpt(log) == "! Error.\ncontext 0\ncontext 1\ncontext 2\ncontext 3\ncontext 4\ncontext 5\n");
  std::string many;
  for (std::size_t k = 0; k < 2 * gr::kMaxExcerptLines; ++k) many += "! Error " + std::to_string(k) + "\n\n";
  const std::string excerpt = gr::log_excerpt(many);
  BOOST_TEST(has(excerpt, "! Error " + std::to_string(gr::kMaxExcerptLines - 1) + "\n"));
  BOOST_TEST(!has(excerpt, "! Error " + std::to_string(gr::kMaxExcerptLines) + "\n"));
  BOOST_TEST(has(excerpt, "[... excerpt truncated after"));
}

// The messages of LaTeX 2022 and longtable 4.17 (Debian 12) that mean the
// PDF has not converged, and look-alikes that do not.
BOOST_AUTO_TEST_CASE(rerun_requests_are_recognised_and_excerpted) {
  const std::string longtable = "Package longtable Warning: Table widths have changed. Rerun LaTeX.\n";
  const std::string labels = "LaTeX Warning: Label(s) may have changed. Rerun to get cross-references right.\n";
  BOOST_TEST(gr::log_asks_for_rerun("[3]\n\n" + longtable + "\n(build/report.aux)\n"));
  BOOST_TEST(gr::log_asks_for_rerun(labels));
  BOOST_TEST(!gr::log_asks_for_rerun("Package longtable Warning: Column widths have changed\n"
                                     "(longtable)                in table 2 on input line 500.\n"
                                     "Output written on build/report.pdf (3 pages, 145149 bytes).\n"));
  BOOST_TEST(!gr::log_asks_for_rerun(""));
  BOOST_TEST(gr::log_excerpt("[2]\n" + longtable) == longtable);
}

// Without latexmk on PATH the build fails with that reason and no PDF.
BOOST_AUTO_TEST_CASE(a_missing_latexmk_is_reported) {
  ScratchDir scratch("no-latexmk");
  std::ofstream(scratch.path() / "report.tex") << "\\documentclass{article}\\begin{document}x\\end{document}\n";
  const char* path = std::getenv("PATH");
  const std::string saved = path != nullptr ? path : "";
  ::setenv("PATH", "/nonexistent", 1);
  const gr::BuildResult result = gr::build_pdf(scratch.path());
  ::setenv("PATH", saved.c_str(), 1);
  BOOST_TEST(!result.ok);
  BOOST_TEST(has(result.log_excerpt, "could not run latexmk"), result.log_excerpt);
  BOOST_TEST(!fs::exists(scratch.path() / "report.pdf"));
}

BOOST_AUTO_TEST_CASE(a_directory_without_report_tex_is_an_input_error) {
  ScratchDir scratch("no-report");
  BOOST_CHECK_THROW(gr::build_pdf(scratch.path()), glasses::InputError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pdf, *boost::unit_test::label("slow") * boost::unit_test::precondition(tex_present))

BOOST_AUTO_TEST_CASE(every_preamble_package_is_installed) {
  for (const gr::Package& p : gr::kPackages) {
    BOOST_TEST_CONTEXT(p.name) {
      const auto found = run({"kpsewhich", std::string(p.name) + ".sty"});
      BOOST_TEST(found.exit_code == 0);
      BOOST_TEST(!found.output.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(escaped_text_compiles_and_reads_back_from_the_pdf) {
  ScratchDir scratch("round-trip");
  const gr::BuildResult result = write_and_build(round_trip_document(), scratch.path());
  BOOST_TEST_REQUIRE(result.ok, result.log_excerpt);
  BOOST_TEST(!has(result.log_excerpt, "!"));
  // No bitmap (Type 3) fonts: every glyph came from a Type 1 font.
  const std::string fonts = run({"pdffonts", result.pdf.string()}).output;
  BOOST_TEST(!has(fonts, "Type 3"), fonts);
  const std::string text = pdf_text(result.pdf);
  const std::string specials = kRoundTrips[1].visible;
  BOOST_TEST(has(text, "1 ST " + specials), text);
  BOOST_TEST(has(text, "TC " + specials));
  BOOST_TEST(has(text, "TH " + specials));
  for (std::size_t k = 0; k < kRoundTrips.size(); ++k) {
    const std::string n = std::to_string(k);
    const std::string visible = normalise_whitespace(kRoundTrips[k].visible);
    BOOST_TEST_CONTEXT("string " << k << ": " << visible) {
      BOOST_TEST(has(text, "QB" + n + "Q " + visible + " QE" + n + "Q"));
      BOOST_TEST(has(text, "TB" + n + "T " + visible + " TE" + n + "T"));
      BOOST_TEST(has(text, "CB" + n + "C " + visible + " CE" + n + "C"));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_small_report_builds_reproducibly_and_safely) {
  ScratchDir a("small-report-a"), b("small-report-b");
  // Planted rc files would run Perl as us if latexmk read them.
  for (const char* rc : {"latexmkrc", ".latexmkrc"}) {
    std::ofstream(a.path() / rc) << "open(my $f, '>', 'rc-was-read'); close($f);\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const gr::BuildResult result = write_and_build(small_report(), a.path());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE("small report built in " << seconds << " s");
  BOOST_TEST_REQUIRE(result.ok, result.log_excerpt);
  BOOST_TEST(fs::is_regular_file(a.path() / "report.pdf"));
  BOOST_TEST(!has(result.log_excerpt, "!"), result.log_excerpt);
  BOOST_TEST(!has(result.log_excerpt, "undefined"), result.log_excerpt);
  BOOST_TEST(!fs::exists(a.path() / "rc-was-read"));
  BOOST_TEST(!fs::exists(a.path() / "shell-escape-ran"));
  BOOST_TEST(!fs::exists(a.path() / "build" / "shell-escape-ran"));

  const std::string text = pdf_text(result.pdf, /*layout=*/true);
  BOOST_TEST(has(text, "fp16 11 15 2−11"), text);
  BOOST_TEST(has(text, "bf16 8 127 2−8"));
  BOOST_TEST(has(text, "fp32 24 127 2−24"));
  BOOST_TEST(has(text, "/models/tiny gpt2/"));
  BOOST_TEST(has(text, "40 0.0250"));  // last row of the long table
  BOOST_TEST(has(text, "Distance to the reference"));

  // The same document elsewhere gives the same PDF, byte for byte (no
  // dates, no trailer ID, no paths).
  const gr::BuildResult again = write_and_build(small_report(), b.path());
  BOOST_TEST_REQUIRE(again.ok);
  BOOST_TEST((read_file(result.pdf) == read_file(again.pdf)), "PDF is reproducible");
}

BOOST_AUTO_TEST_CASE(a_broken_document_fails_with_an_excerpt_and_no_pdf) {
  ScratchDir scratch("broken");
  gr::Document d;
  d.title = "Broken";
  d.sections = {{"Oops", {gr::Paragraph{"Before. \\undefinedmacro\\ after."}}}};
  gr::write_document(d, scratch.path());
  std::ofstream(scratch.path() / "report.pdf") << "stale";
  const gr::BuildResult result = gr::build_pdf(scratch.path());
  BOOST_TEST(!result.ok);
  BOOST_TEST(!result.timed_out);
  BOOST_TEST(has(result.log_excerpt, "Undefined control sequence"), result.log_excerpt);
  BOOST_TEST(has(result.log_excerpt, "\\undefinedmacro"), result.log_excerpt);
  BOOST_TEST(!fs::exists(scratch.path() / "report.pdf"));
}

BOOST_AUTO_TEST_CASE(a_runaway_build_is_stopped_at_the_timeout) {
  ScratchDir scratch("runaway");
  gr::Document d;
  d.title = "Forever";
  d.sections = {{"Loop", {gr::Paragraph{"\\def\\forever{\\forever}\\forever"}}}};
  gr::write_document(d, scratch.path());
  const auto start = std::chrono::steady_clock::now();
  const gr::BuildResult result = gr::build_pdf(scratch.path(), {std::chrono::milliseconds(1500)});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(!result.ok);
  BOOST_TEST(result.timed_out);
  BOOST_TEST(seconds < 10.0);
  BOOST_TEST(has(result.log_excerpt, "stopped after 1500 ms"), result.log_excerpt);
  BOOST_TEST(!fs::exists(scratch.path() / "report.pdf"));
}

BOOST_AUTO_TEST_SUITE_END()
