// tables.hpp: the exact LaTeX of small tables, the longtable switch, and every
// rejected input of the header's list.
#include "glasses/reports/tables.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "glasses/numerics/error.hpp"

namespace gr = glasses::reports;

namespace {

gr::Table small_table() {
  gr::Table t;
  t.header = {"format", "$u_F$"};
  t.rows = {{"fp16", "$2^{-11}$"}, {"bf16", "$2^{-8}$"}};
  t.caption = "Unit roundoffs.";
  t.label = "tab:u";
  t.alignment = {gr::Align::left, gr::Align::right};
  return t;
}

bool message_has(const glasses::InputError& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tables)

BOOST_AUTO_TEST_CASE(a_small_table_is_a_booktabs_float) {
  BOOST_TEST(gr::render_table(small_table()) ==
             "\\begin{table}[htbp]\n"
             "\\centering\n"
             "\\caption{Unit roundoffs.}\\label{tab:u}\n"
             "\\begin{tabular}{lr}\n"
             "  \\toprule\n"
             "  format & $u_F$ \\\\\n"
             "  \\midrule\n"
             "  fp16 & $2^{-11}$ \\\\\n"
             "  bf16 & $2^{-8}$ \\\\\n"
             "  \\bottomrule\n"
             "\\end{tabular}\n"
             "\\end{table}\n");
}

BOOST_AUTO_TEST_CASE(alignment_defaults_to_left_and_maps_letters) {
  gr::Table t = small_table();
  t.alignment.clear();
  BOOST_TEST(gr::render_tabular(t).rfind("\\begin{tabular}{ll}\n", 0) == 0);
  t.header.push_back("c");
  for (auto& row : t.rows) row.push_back("x");
  t.alignment = {gr::Align::right, gr::Align::center, gr::Align::left};
  BOOST_TEST(gr::render_tabular(t).rfind("\\begin{tabular}{rcl}\n", 0) == 0);
}

BOOST_AUTO_TEST_CASE(widths_make_paragraph_columns_aligned_as_asked) {
  gr::Table t = small_table();
  t.widths = {0.25, 0};
  BOOST_TEST(gr::render_tabular(t).rfind("\\begin{tabular}{>{\\raggedright\\arraybackslash}p{0.250\\linewidth}r}\n", 0) == 0);
  t.alignment = {gr::Align::center, gr::Align::right};
  t.widths = {0.125, 0.5};
  BOOST_TEST(gr::render_tabular(t).rfind("\\begin{tabular}{>{\\centering\\arraybackslash}p{0.125\\linewidth}"
                                         ">{\\raggedleft\\arraybackslash}p{0.500\\linewidth}}\n",
                                         0) == 0);
  t.widths = {0.5};
  BOOST_CHECK_EXCEPTION(gr::render_tabular(t), glasses::InputError,
                        [](const auto& e) { return message_has(e, "2 columns but 1 widths"); });
  t.widths = {1.0, 0};
  BOOST_CHECK_EXCEPTION(gr::render_tabular(t), glasses::InputError,
                        [](const auto& e) { return message_has(e, "column 1 has width"); });
}

BOOST_AUTO_TEST_CASE(small_tables_are_set_in_small_type) {
  gr::Table t = small_table();
  t.size = gr::FontSize::small;
  BOOST_TEST(gr::render_table(t).rfind("\\begin{table}[htbp]\n\\centering\n\\small\n\\caption", 0) == 0);
  t.size = gr::FontSize::footnotesize;
  BOOST_TEST(gr::render_table(t).rfind("\\begin{table}[htbp]\n\\centering\n\\footnotesize\n\\caption", 0) == 0);
  t.long_table = true;
  BOOST_TEST(gr::render_table(t).rfind("\\begingroup\\footnotesize\n\\begin{longtable}", 0) == 0);
  t.long_table = false;
  t.rows.assign(gr::kRowsPerFloat + 1, {"a", "b"});
  const std::string out = gr::render_table(t);
  BOOST_TEST(out.rfind("\\begingroup\\footnotesize\n\\begin{longtable}", 0) == 0);
  BOOST_TEST(out.ends_with("\\end{longtable}\n\\endgroup\n"));
}

BOOST_AUTO_TEST_CASE(long_tables_become_longtables) {
  gr::Table t = small_table();
  t.rows.assign(gr::kRowsPerFloat, {"a", "b"});
  BOOST_TEST(gr::render_table(t).find("\\begin{table}") != std::string::npos);
  t.rows.push_back({"a", "b"});
  const std::string out = gr::render_table(t);
  BOOST_TEST(out.find("\\begin{table}") == std::string::npos);
  BOOST_TEST(out.rfind("\\begin{longtable}{lr}\n  \\caption{Unit roundoffs.}\\label{tab:u} \\\\\n", 0) == 0);
  BOOST_TEST(out.find("\\endfirsthead") != std::string::npos);
  BOOST_TEST(out.find("\\endhead") != std::string::npos);
  BOOST_TEST(out.find("\\endlastfoot") != std::string::npos);
  BOOST_TEST(out.find("\\end{longtable}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_tables_are_rejected_with_the_cell_named) {
  gr::Table t = small_table();
  t.rows[1].push_back("extra");
  BOOST_CHECK_EXCEPTION(gr::render_table(t), glasses::InputError,
                        [](const auto& e) { return message_has(e, "row 2 has 3 cells"); });
  t = small_table();
  t.alignment.push_back(gr::Align::left);
  BOOST_CHECK_THROW(gr::render_table(t), glasses::InputError);
  t = small_table();
  t.header.clear();
  t.rows.clear();
  t.alignment.clear();
  BOOST_CHECK_THROW(gr::render_table(t), glasses::InputError);
  const char* bad_cells[] = {"a & b", "50%", "#1", "{", "}", "a\\\\b", "two\nlines", "ends in \\"};
  for (const char* cell : bad_cells) {
    BOOST_TEST_CONTEXT("cell '" << cell << "'") {
      t = small_table();
      t.rows[0][1] = cell;
      BOOST_CHECK_EXCEPTION(gr::render_table(t), glasses::InputError,
                            [](const auto& e) { return message_has(e, "row 1, column 2"); });
    }
  }
  t = small_table();
  t.rows[0][1] = "\\& \\% \\# \\{ \\} \\textbackslash{}";  // escaped: fine
  BOOST_CHECK_NO_THROW(gr::render_table(t));
  t.label = "tab: spaces";
  BOOST_CHECK_THROW(gr::render_table(t), glasses::InputError);
  t.label = "tab:u";
  t.caption = "100% sure";
  BOOST_CHECK_THROW(gr::render_table(t), glasses::InputError);
}

BOOST_AUTO_TEST_SUITE_END()
