// document.hpp: determinism (two writes, byte-identical files), the set of
// files written and nothing else (no temporaries left), validation before
// any file is written, and the preamble's promises (no \today, packages in
// the documented order).
#include "glasses/reports/document.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <set>
#include <string>

#include "glasses/numerics/error.hpp"
#include "glasses/reports/latex.hpp"
#include "scratch.hpp"

namespace gr = glasses::reports;
namespace fs = std::filesystem;
using glasses::reports::testing::read_file;
using glasses::reports::testing::ScratchDir;

namespace {

gr::Document sample_document() {
  gr::Document d;
  d.title = "Precision collapse of " + gr::escape("fp16_everything");
  d.provenance = {{"suite", "paper"}, {"model", "/models/tiny gpt2/"}, {"prompt", "50% of {x} & ~y"}};
  gr::CsvTable sweep{{"n", "err"}, {}};
  for (std::int64_t n = 1; n <= 64; n *= 2) sweep.rows.push_back({n, std::ldexp(1.0, static_cast<int>(-n))});
  d.data = {{"sweep", sweep}, {"extra", gr::CsvTable{{"name, with comma"}, {{std::string("x,y")}}}}};
  gr::Figure f;
  f.name = "sweep";
  f.caption = "Error against $n$.";
  f.log_x = f.log_y = true;
  f.series = {{"fp16", "sweep", "n", "err", ""}};
  f.lines = {{std::ldexp(1.0, -11), "$u$"}};
  gr::Table t;
  t.header = {"n", "error"};
  t.rows = {{"1", "$" + gr::format_number(0.5, 3) + "$"}};
  t.label = "tab:one";
  d.sections = {{"Results", {gr::Paragraph{"Text with \\emph{emphasis}."}, t, f}}};
  return d;
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) out.insert(fs::relative(entry.path(), dir).string());
  return out;
}

bool has_text(const std::string& text, const std::string& fragment) { return text.find(fragment) != std::string::npos; }

bool message_has(const glasses::InputError& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(document)

BOOST_AUTO_TEST_CASE(writing_twice_gives_byte_identical_files) {
  ScratchDir a("determinism-a"), b("determinism-b");
  const auto written_a = gr::write_document(sample_document(), a.path() / "out");
  const auto written_b = gr::write_document(sample_document(), b.path() / "out");
  BOOST_TEST(written_a == written_b);
  const std::set<std::string> expected{"data", "data/sweep.csv", "data/extra.csv", "figures", "figures/sweep.tex",
                                       "report.tex"};
  BOOST_TEST(listing(a.path() / "out") == expected, "exactly the named files, no temporaries");
  for (const fs::path& file : written_a) {
    BOOST_TEST_CONTEXT(file) {
      const std::string content = read_file(a.path() / "out" / file);
      BOOST_TEST(!content.empty());
      BOOST_TEST(content == read_file(b.path() / "out" / file));
    }
  }
  BOOST_TEST(written_a.back() == fs::path("report.tex"));
  // Rewriting in place replaces the files and leaves nothing else.
  gr::write_document(sample_document(), a.path() / "out");
  BOOST_TEST(listing(a.path() / "out") == expected);
}

BOOST_AUTO_TEST_CASE(report_tex_has_the_promised_structure) {
  const std::string tex = gr::render_report(sample_document());
  BOOST_TEST(tex.find("\\today") == std::string::npos);
  BOOST_TEST(tex.find("\\date{}") != std::string::npos);
  BOOST_TEST(tex.find("\\title{Precision collapse of fp16\\_everything}") != std::string::npos);
  BOOST_TEST(tex.find("\\pdfinfoomitdate=1") != std::string::npos);
  BOOST_TEST(tex.find("\\tracinglostchars=3") != std::string::npos);
  BOOST_TEST(tex.find("\\input{figures/sweep.tex}") != std::string::npos);
  BOOST_TEST(tex.find(gr::code("50% of {x} & ~y")) != std::string::npos);
  // Packages in the order of kPackages, hyperref last, the escape support after it.
  std::size_t at = 0;
  for (const gr::Package& p : gr::kPackages) {
    const std::size_t found = tex.find("{" + std::string(p.name) + "}\n", at);
    BOOST_TEST_CONTEXT(p.name) { BOOST_TEST(found != std::string::npos); }
    at = found == std::string::npos ? at : found;
  }
  BOOST_TEST(tex.find("\\DeclareUnicodeCharacter", at) != std::string::npos);
  BOOST_TEST(tex.find("\\begin{document}") < tex.find("\\section{Results}"));
  BOOST_TEST(tex.ends_with("\\end{document}\n"));
}

BOOST_AUTO_TEST_CASE(a_title_page_ends_after_the_provenance) {
  gr::Document d = sample_document();
  BOOST_TEST(!has_text(gr::render_report(d), "\\clearpage"));
  d.title_page = true;
  const std::string tex = gr::render_report(d);
  BOOST_TEST(has_text(tex, "\\end{center}\n\n\\clearpage\n\n\\section{Results}"));
}

BOOST_AUTO_TEST_CASE(itemize_labels_avoid_bitmap_fonts) {
  BOOST_TEST(has_text(gr::render_report(sample_document()), "\\renewcommand{\\labelitemi}{\\ensuremath{\\bullet}}"));
}

BOOST_AUTO_TEST_CASE(extra_preamble_goes_before_hyperref) {
  gr::Document d = sample_document();
  d.extra_preamble = "\\newcommand{\\uF}{u_F}";
  const std::string tex = gr::render_report(d);
  BOOST_TEST(tex.find("\\newcommand{\\uF}{u_F}\n\\usepackage[hidelinks]{hyperref}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_invalid_document_writes_nothing) {
  ScratchDir scratch("invalid");
  const fs::path out = scratch.path() / "out";
  gr::Document d = sample_document();
  std::get<gr::Figure>(d.sections[0].blocks[2]).series[0].data = "absent";
  BOOST_CHECK_THROW(gr::write_document(d, out), glasses::InputError);
  BOOST_TEST(!fs::exists(out));
}

BOOST_AUTO_TEST_CASE(names_and_labels_must_be_unique) {
  gr::Document d = sample_document();
  d.data.push_back(d.data[0]);
  BOOST_CHECK_EXCEPTION(gr::render_report(d), glasses::InputError,
                        [](const auto& e) { return message_has(e, "two data files are named 'sweep'"); });
  d = sample_document();
  d.sections[0].blocks.push_back(d.sections[0].blocks[2]);
  BOOST_CHECK_EXCEPTION(gr::render_report(d), glasses::InputError,
                        [](const auto& e) { return message_has(e, "two figures are named 'sweep'"); });
  d = sample_document();
  d.sections[0].blocks.push_back(d.sections[0].blocks[1]);
  BOOST_CHECK_EXCEPTION(gr::render_report(d), glasses::InputError,
                        [](const auto& e) { return message_has(e, "label 'tab:one'"); });
  d = sample_document();
  std::get<gr::Table>(d.sections[0].blocks[1]).label = "fig:sweep";
  BOOST_CHECK_EXCEPTION(gr::render_report(d), glasses::InputError,
                        [](const auto& e) { return message_has(e, "label 'fig:sweep'"); });
  d = sample_document();
  d.data[1].name = "../escape";
  BOOST_CHECK_THROW(gr::render_report(d), glasses::InputError);
}

BOOST_AUTO_TEST_CASE(paragraphs_need_balanced_braces_only) {
  gr::Document d = sample_document();
  d.sections[0].blocks = {gr::Paragraph{"% a comment with { inside\nA & B, 50\\%.\n"}};
  BOOST_CHECK_NO_THROW(gr::render_report(d));
  d.sections[0].blocks = {gr::Paragraph{"\\textbf{unclosed"}};
  BOOST_CHECK_EXCEPTION(gr::render_report(d), glasses::InputError,
                        [](const auto& e) { return message_has(e, "paragraph in section 1"); });
  d = sample_document();
  d.sections[0].title = "100%";
  BOOST_CHECK_THROW(gr::render_report(d), glasses::InputError);
}

BOOST_AUTO_TEST_CASE(an_unwritable_directory_is_an_input_error) {
  ScratchDir scratch("unwritable");
  const fs::path blocker = scratch.path() / "file";
  std::ofstream(blocker) << "not a directory\n";
  BOOST_CHECK_EXCEPTION(gr::write_document(sample_document(), blocker / "out"), glasses::InputError,
                        [&](const auto& e) { return message_has(e, blocker.string()); });
}

BOOST_AUTO_TEST_SUITE_END()
