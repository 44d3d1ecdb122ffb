// The typed contract between checks and the report (proofs/figure.hpp):
// a check result's FigureData, built here by hand, reaches the report's
// figures and data files as published; the report reads no prose.
#include <boost/test/unit_test.hpp>
#include <string>
#include <variant>
#include <vector>

#include "glasses/proofs/check.hpp"
#include "glasses/proofs/figure.hpp"
#include "glasses/reports/document.hpp"
#include "glasses/reports/report.hpp"
#include "glasses/reports/suite.hpp"

namespace gp = glasses::proofs;
namespace gr = glasses::reports;

namespace {

bool has(const std::string& text, const std::string& fragment) { return text.find(fragment) != std::string::npos; }

std::unique_ptr<gr::PreparedSuite> suite_with(const std::string& check, const std::string& figure) {
  const std::string json = R"({"suite": "contract", "checks": {"ids": [")" + check +
                           R"("]}, "figures": [{"kind": "check", "figure": ")" + figure + R"("}]})";
  return gr::prepare_suite(gr::parse_suite(json, "contract", "."));
}

// A result of `check` with one proven instance, so that the report draws its figures.
gr::CheckOutcome outcome(const std::string& check) {
  gr::CheckOutcome c;
  c.check = &gp::find_check(check);
  c.result.id = check;
  c.result.expected = c.check->expected;
  gp::Instance i;
  i.lhs = {1, 1};
  i.rhs = {2, 2};
  i.margin = 1;
  i.verdict = gp::Verdict::proven;
  c.result.instances.push_back(i);
  return c;
}

// The figure `name` and the title of the section it was placed in.
const gr::Figure* find_figure(const gr::Document& d, const std::string& name, std::string* section) {
  for (const gr::Section& s : d.sections) {
    for (const gr::Block& b : s.blocks) {
      const gr::Figure* f = std::get_if<gr::Figure>(&b);
      if (f != nullptr && f->name == name) {
        *section = s.title;
        return f;
      }
    }
  }
  return nullptr;
}

const gr::DataFile* find_data(const gr::Document& d, const std::string& name) {
  for (const gr::DataFile& f : d.data) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(check_figures)

// Every built-in figure names a registered check, and figure_for() carries
// the table's section.
BOOST_AUTO_TEST_CASE(every_check_figure_names_a_registered_check) {
  for (const gp::CheckFigureInfo& f : gp::kCheckFigures) {
    BOOST_TEST(gp::find_check(f.check).id == f.check);
    const gp::FigureData d = gp::figure_for(f.name);
    BOOST_TEST(d.name == std::string(f.name));
    BOOST_TEST((d.section == f.section));
  }
  BOOST_CHECK_THROW(gp::figure_for("no-such-figure"), glasses::Error);
}

// B.5-full's search trace split into one curve per case by a row filter:
// each curve gets a data file of its own rows, is named by the published
// case name, and the figure lands in the section the check published. The
// one note is written in the form the report once parsed, with another
// name: the names must come from the typed curves, not from the note.
BOOST_AUTO_TEST_CASE(row_filtered_curves_reach_their_data_files_and_legend) {
  const auto suite = suite_with("B.5-full", "b5-full");
  gr::SuiteResults results;
  gr::CheckOutcome c = outcome("B.5-full");
  c.result.data.push_back({"b5_full_search",
                           {"case", "phase", "evaluation", "ratio", "best"},
                           {{0, 0, 0, 0.5, 0.5}, {1, 0, 0, 0.25, 0.25}, {0, 1, 1, 0.75, 0.75}, {1, 1, 1, 1.5, 1.5}}});
  gp::FigureData figure = gp::figure_for("b5-full");
  figure.curves.push_back({"b5_full_search", "evaluation", "best", "model alpha", 0, false, gp::RowFilter{"case", 0}});
  figure.curves.push_back({"b5_full_search", "evaluation", "best", "model beta", 1, false, gp::RowFilter{"case", 1}});
  c.result.figures.push_back(figure);
  c.result.notes.push_back("model gamma: worst ratio random 9, adversarial 9");  // prose: must not be read
  results.checks.push_back(std::move(c));
  const gr::Document d = gr::build_report(*suite, results, {{}, "2024-12-10"});

  std::string section;
  const gr::Figure* f = find_figure(d, "b5-full", &section);
  BOOST_TEST_REQUIRE(f != nullptr);
  BOOST_TEST(section == "Sensitivity bounds and the limit of depth");
  BOOST_TEST_REQUIRE(f->series.size() == 2u);
  BOOST_TEST(f->series[0].label == "case 1");
  BOOST_TEST(f->series[1].label == "case 2");
  BOOST_TEST(has(f->caption, "Cases: case 1: model alpha; case 2: model beta."));
  BOOST_TEST(!has(f->caption, "gamma"));

  const gr::DataFile* beta = find_data(d, f->series[1].data);
  BOOST_TEST_REQUIRE(beta != nullptr);
  BOOST_TEST(beta->name == "check-b5_full_search-case1");
  BOOST_TEST((beta->table.header == std::vector<std::string>{"evaluation", "best"}));
  BOOST_TEST_REQUIRE(beta->table.rows.size() == 2u);
  BOOST_TEST(std::get<double>(beta->table.rows[0][1]) == 0.25);
  BOOST_TEST(std::get<double>(beta->table.rows[1][0]) == 1.0);
  BOOST_TEST(std::get<double>(beta->table.rows[1][1]) == 1.5);
}

// Curves and levels of B.2-literal: the columns drawn are the ones the check
// named, and the limit line is the published value.
BOOST_AUTO_TEST_CASE(curves_and_levels_are_drawn_as_published) {
  const auto suite = suite_with("B.2-literal", "b2-literal");
  gr::SuiteResults results;
  gr::CheckOutcome c = outcome("B.2-literal");
  c.result.data.push_back({"b2_literal", {"n", "delta", "closed"}, {{3, 0.5, 0.5}, {5, 0.25, 0.25}}});
  gp::FigureData figure = gp::figure_for("b2-literal");
  figure.curves.push_back({"b2_literal", "n", "delta", "c = 0", 0, false, std::nullopt});
  figure.curves.push_back({"b2_literal", "n", "closed", "closed form", 0, true, std::nullopt});
  figure.levels.push_back(0.375);
  c.result.figures.push_back(figure);
  results.checks.push_back(std::move(c));
  const gr::Document d = gr::build_report(*suite, results, {{}, "2024-12-10"});

  std::string section;
  const gr::Figure* f = find_figure(d, "b2-literal", &section);
  BOOST_TEST_REQUIRE(f != nullptr);
  BOOST_TEST(section == "Reproductions of the paper's figures");
  BOOST_TEST_REQUIRE(f->series.size() == 2u);
  BOOST_TEST(f->series[0].data == "check-b2_literal");
  BOOST_TEST(f->series[0].y_column == "delta");
  BOOST_TEST(f->series[0].label == "$\\delta(n)$, $c = 0$");
  BOOST_TEST(f->series[1].y_column == "closed");
  BOOST_TEST(f->series[1].label == "closed form");
  BOOST_TEST_REQUIRE(f->lines.size() == 1u);
  BOOST_TEST(f->lines[0].y == 0.375);
  BOOST_TEST(f->lines[0].label == "limit $\\tanh(1/2) = 0.375000$");  // six significant digits
}

// A curve naming a column its series lacks is not drawn, and the report
// says which column is missing.
BOOST_AUTO_TEST_CASE(a_curve_on_a_missing_column_is_reported_not_drawn) {
  const auto suite = suite_with("B.10", "b10-fractions");
  gr::SuiteResults results;
  gr::CheckOutcome c = outcome("B.10");
  c.result.data.push_back({"b10_identical_fraction", {"n", "bf16"}, {{1, 0}, {2, 1}}});
  gp::FigureData figure = gp::figure_for("b10-fractions");
  figure.curves.push_back({"b10_identical_fraction", "n", "fp16", "fp16", 0, false, std::nullopt});
  c.result.figures.push_back(figure);
  results.checks.push_back(std::move(c));
  const gr::Document d = gr::build_report(*suite, results, {{}, "2024-12-10"});
  std::string section;
  BOOST_TEST(find_figure(d, "b10-fractions", &section) == nullptr);
  const std::string tex = gr::render_report(d);
  BOOST_TEST(has(tex, "has no column \\texttt{fp16}"));
}

BOOST_AUTO_TEST_SUITE_END()
