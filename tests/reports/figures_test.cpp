// figures.hpp: the pgfplots code of small figures (fragments that carry the
// guarantees), the palette, the horizontal-line construction, the no-data
// cases and every rejected input. That the code compiles and looks right is
// checked in pdf_test.cpp.
#include "glasses/reports/figures.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "glasses/numerics/error.hpp"

namespace gr = glasses::reports;

namespace {

std::vector<gr::DataFile> sweep_data() {
  gr::CsvTable fp16{{"n", "format", "err"}, {}};
  fp16.rows.push_back({std::int64_t{1}, std::string("fp16"), 0.0});  // not drawable on a log axis
  fp16.rows.push_back({std::int64_t{2}, std::string("fp16"), -1.0});
  fp16.rows.push_back({std::int64_t{4}, std::string("fp16"), 1e-3});
  fp16.rows.push_back({std::int64_t{8}, std::string("fp16"), 0.5});
  gr::CsvTable bf16{{"n", "err"}, {}};
  bf16.rows.push_back({std::int64_t{1}, 1e-2});
  bf16.rows.push_back({std::int64_t{8}, 0.25});
  gr::CsvTable zeros{{"n", "err"}, {}};
  zeros.rows.push_back({std::int64_t{1}, 0.0});
  zeros.rows.push_back({std::int64_t{2}, std::numeric_limits<double>::quiet_NaN()});
  return {{"fp16", fp16}, {"bf16", bf16}, {"zeros", zeros}};
}

gr::Figure loglog() {
  gr::Figure f;
  f.name = "collapse";
  f.title = "Collapse";
  f.x_label = "$n$";
  f.y_label = "$\\max|y - y_{\\mathrm{ref}}|$";
  f.log_x = true;
  f.log_y = true;
  f.log_basis_x = 2;
  f.series = {{"fp16", "fp16", "n", "err", ""}, {"bf16", "bf16", "n", "err", "dashed"}};
  f.lines = {{std::ldexp(1.0, -11), "$u_{\\mathrm{fp16}}$"}};
  return f;
}

bool has(const std::string& text, const std::string& fragment) { return text.find(fragment) != std::string::npos; }

bool message_has(const glasses::InputError& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(figures)

BOOST_AUTO_TEST_CASE(a_log_log_figure_reads_its_columns_and_discards_the_undrawable) {
  const std::string out = gr::render_figure(loglog(), sweep_data());
  BOOST_TEST(out.rfind("% Figure 'collapse'", 0) == 0);
  BOOST_TEST(has(out, "\\begin{tikzpicture}\n\\begin{axis}[\n"));
  BOOST_TEST(has(out, "  xmode=log, log basis x=2,\n"));
  BOOST_TEST(has(out, "  ymode=log, log basis y=10,\n"));
  BOOST_TEST(has(out, "  unbounded coords=jump,\n"));
  BOOST_TEST(has(out, "  title={Collapse},\n"));
  BOOST_TEST(has(out, "  xlabel={$n$},\n"));
  BOOST_TEST(has(out, "table[x=n, y=err, col sep=comma]{data/fp16.csv};\n\\addlegendentry{fp16}\n"));
  BOOST_TEST(has(out, "table[x=n, y=err, col sep=comma]{data/bf16.csv};\n\\addlegendentry{bf16}\n"));
  BOOST_TEST(out.ends_with("\\end{axis}\n\\end{tikzpicture}\n"));
}

BOOST_AUTO_TEST_CASE(series_take_the_palette_in_order_and_styles_come_last) {
  const std::string out = gr::render_figure(loglog(), sweep_data());
  BOOST_TEST(has(out, "\\addplot[color={" + std::string(gr::kPalette[0].color) + "}, mark=" +
                          std::string(gr::kPalette[0].mark) + ", mark size=1.6pt, semithick, mark options={solid}]\n"));
  BOOST_TEST(has(out, "\\addplot[color={" + std::string(gr::kPalette[1].color) + "}, mark=" +
                          std::string(gr::kPalette[1].mark) +
                          ", mark size=1.6pt, semithick, mark options={solid}, dashed]\n"));
  // Eight series wrap around the seven colours.
  gr::Figure f = loglog();
  f.series.assign(8, {"s", "bf16", "n", "err", ""});
  const std::string many = gr::render_figure(f, sweep_data());
  std::size_t first = many.find(std::string(gr::kPalette[0].color));
  BOOST_TEST(many.find(std::string(gr::kPalette[0].color), first + 1) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_horizontal_line_spans_the_axis_through_a_drawable_point) {
  const std::string out = gr::render_figure(loglog(), sweep_data());
  // The first drawable point of the first series is (4, 1e-3): x = 4.
  BOOST_TEST(has(out, "\\addplot[draw=none, mark=none, forget plot]\n  table[x=n, y expr=0.00048828125, "
                      "col sep=comma]{data/fp16.csv};\n"));
  BOOST_TEST(has(out, "\\draw[" + std::string(gr::kLineStyles[0]) +
                          "] ({rel axis cs:0,0} |- {axis cs:4,0.00048828125}) -- ({rel axis cs:1,0} |- {axis "
                          "cs:4,0.00048828125});\n"));
  BOOST_TEST(has(out, "\\addlegendimage{" + std::string(gr::kLineStyles[0]) + "}\n\\addlegendentry{$u_{\\mathrm{fp16}}$}\n"));
  // With a fixed range the line is computed at the middle of the x range and
  // no invisible plot widens the limits.
  gr::Figure f = loglog();
  f.x_range = gr::AxisRange{1, 16};
  f.y_range = gr::AxisRange{1e-6, 1};
  const std::string fixed = gr::render_figure(f, sweep_data());
  BOOST_TEST(has(fixed, "  xmin=1, xmax=16,\n"));
  BOOST_TEST(has(fixed, "{axis cs:4,0.00048828125}"));
  BOOST_TEST(!has(fixed, "y expr"));
}

BOOST_AUTO_TEST_CASE(series_without_drawable_points_are_marked_in_the_legend) {
  gr::Figure f = loglog();
  f.series.push_back({"all zero", "zeros", "n", "err", ""});
  const std::string out = gr::render_figure(f, sweep_data());
  BOOST_TEST(has(out, "\\addlegendentry{all zero (no data)}\n"));
  BOOST_TEST(!has(out, "no plottable data"));
}

BOOST_AUTO_TEST_CASE(a_figure_without_any_drawable_point_gets_limits_and_a_note) {
  gr::Figure f = loglog();
  f.series = {{"zeros", "zeros", "n", "err", ""}};
  const std::string out = gr::render_figure(f, sweep_data());
  BOOST_TEST(has(out, "  xmin=1, xmax=10,\n"));
  // y limits widened to show the line at 2^-11: [2^-12, 10].
  BOOST_TEST(has(out, "  ymin=0.000244140625, ymax=10,\n"));
  BOOST_TEST(has(out, "{no plottable data}"));
  f.series.clear();
  f.log_y = false;
  const std::string empty = gr::render_figure(f, sweep_data());
  BOOST_TEST(has(empty, "{no plottable data}"));
}

BOOST_AUTO_TEST_CASE(unlabelled_series_and_the_none_legend_make_no_entries) {
  gr::Figure f = loglog();
  f.series[0].label.clear();
  std::string out = gr::render_figure(f, sweep_data());
  BOOST_TEST(has(out, "mark options={solid}, forget plot]\n  table[x=n, y=err, col sep=comma]{data/fp16.csv};\n\\addplot"));
  f.legend = gr::LegendPosition::none;
  out = gr::render_figure(f, sweep_data());
  BOOST_TEST(!has(out, "addlegend"));
  BOOST_TEST(!has(out, "legend pos"));
}

BOOST_AUTO_TEST_CASE(axis_options_come_last_and_are_checked) {
  gr::Figure f = loglog();
  f.axis_options = "height=0.4\\linewidth, xmin=2";
  const std::string out = gr::render_figure(f, sweep_data());
  BOOST_TEST(has(out, "  filter discard warning=false,\n  height=0.4\\linewidth, xmin=2,\n]\n"));
  f.axis_options = "xmin=2]";
  BOOST_CHECK_EXCEPTION(gr::render_figure(f, sweep_data()), glasses::InputError,
                        [](const auto& e) { return message_has(e, "axis options 'xmin=2]' has a bracket outside braces"); });
  f.axis_options = "50%";
  BOOST_CHECK_EXCEPTION(gr::render_figure(f, sweep_data()), glasses::InputError,
                        [](const auto& e) { return message_has(e, "unescaped '%'"); });
}

BOOST_AUTO_TEST_CASE(render_is_deterministic) {
  BOOST_TEST(gr::render_figure(loglog(), sweep_data()) == gr::render_figure(loglog(), sweep_data()));
}

BOOST_AUTO_TEST_CASE(the_float_inputs_the_figure_file) {
  gr::Figure f = loglog();
  f.caption = "Errors.";
  BOOST_TEST(gr::render_figure_float(f) ==
             "\\begin{figure}[htbp]\n\\centering\n\\input{figures/collapse.tex}\n"
             "\\caption{Errors.}\\label{fig:collapse}\n\\end{figure}\n");
  f.caption.clear();
  BOOST_TEST(!has(gr::render_figure_float(f), "\\label"));
}

BOOST_AUTO_TEST_CASE(bad_figures_are_rejected_with_the_field_named) {
  const auto rejects = [](const gr::Figure& f, const std::vector<gr::DataFile>& data, const std::string& text) {
    BOOST_CHECK_EXCEPTION(gr::render_figure(f, data), glasses::InputError,
                          [&](const auto& e) { return message_has(e, text); });
  };
  gr::Figure f = loglog();
  f.series[1].data = "missing";
  rejects(f, sweep_data(), "reads data 'missing'");
  f = loglog();
  f.series[0].y_column = "nope";
  rejects(f, sweep_data(), "'nope' is not a column");
  f = loglog();
  f.series[0].y_column = "format";
  rejects(f, sweep_data(), "holds text in row 1");
  f = loglog();
  f.lines[0].y = 0;
  rejects(f, sweep_data(), "cannot be drawn on a log axis");
  f.log_y = false;
  f.lines[0].y = std::numeric_limits<double>::infinity();
  rejects(f, sweep_data(), "is not finite");
  f = loglog();
  f.name = "has space";
  rejects(f, sweep_data(), "is not a valid name");
  f = loglog();
  f.series[0].style = "mark=*]";
  rejects(f, sweep_data(), "bracket outside braces");
  f.series[0].style = "mark options={fill=white}";
  BOOST_CHECK_NO_THROW(gr::render_figure(f, sweep_data()));
  f = loglog();
  f.x_range = gr::AxisRange{0, 10};
  rejects(f, sweep_data(), "positive on a log axis");
  f.x_range = gr::AxisRange{2, 1};
  rejects(f, sweep_data(), "min < max");
  f = loglog();
  f.title = "50% done";
  rejects(f, sweep_data(), "title contains an unescaped '%'");
  f = loglog();
  f.log_basis_x = 1;
  rejects(f, sweep_data(), "log bases");
}

BOOST_AUTO_TEST_CASE(files_pgfplots_would_misread_are_rejected) {
  std::vector<gr::DataFile> data = sweep_data();
  data[0].table.rows[0][1] = std::string("fp16, rne");  // needs CSV quoting
  BOOST_CHECK_EXCEPTION(gr::render_figure(loglog(), data), glasses::InputError,
                        [](const auto& e) { return message_has(e, "row 1, column 'format'"); });
  for (const char* text : {"a%b", "a#b", "a\\b", "{x", "y}"}) {
    BOOST_TEST_CONTEXT(text) {
      data = sweep_data();
      data[0].table.rows[2][1] = std::string(text);
      BOOST_CHECK_THROW(gr::render_figure(loglog(), data), glasses::InputError);
    }
  }
  data = sweep_data();
  data[0].table.header[1] = "format name";  // pgfplots column names are keys
  BOOST_CHECK_EXCEPTION(gr::render_figure(loglog(), data), glasses::InputError,
                        [](const auto& e) { return message_has(e, "cannot be read by pgfplots"); });
  data = sweep_data();
  data[0].table.rows[2][1] = std::string("α ≤ β $&^_~ text");  // harmless to pgfplots
  BOOST_CHECK_NO_THROW(gr::render_figure(loglog(), data));
}

BOOST_AUTO_TEST_SUITE_END()
