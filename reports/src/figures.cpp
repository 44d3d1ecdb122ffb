#include "glasses/reports/figures.hpp"

#include <algorithm>
#include <cmath>

#include "checks.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::reports {
namespace {

// The value of a numeric cell; nullopt for text.
std::optional<double> numeric(const CsvCell& cell) {
  if (const double* d = std::get_if<double>(&cell)) return *d;
  if (const std::int64_t* i = std::get_if<std::int64_t>(&cell)) return static_cast<double>(*i);
  return std::nullopt;
}

// Whether pgfplots draws value v on an axis (guarantee 1 of figures.hpp).
bool drawable(double v, bool log_axis) { return std::isfinite(v) && (!log_axis || v > 0); }

const DataFile& find_data(std::span<const DataFile> data, const std::string& name, const std::string& what) {
  for (const DataFile& file : data)
    if (file.name == name) return file;
  throw InputError(what + " reads data '" + name + "', which is not among the document's data files");
}

// Note 1 of csv.hpp: everything in `file` that pgfplots would misread.
void check_readable_by_pgfplots(const DataFile& file) {
  const std::string where = "data '" + file.name + "' (read by a figure)";
  for (const std::string& column : file.table.header) detail::check_column_name(column, where + ": column");
  for (std::size_t r = 0; r < file.table.rows.size(); ++r) {
    for (std::size_t k = 0; k < file.table.rows[r].size(); ++k) {
      const std::string* text = std::get_if<std::string>(&file.table.rows[r][k]);
      if (text == nullptr) continue;
      if (csv_needs_quotes(*text) || text->find_first_of("%#\\{}") != std::string::npos)
        throw InputError(where + ", row " + std::to_string(r + 1) + ", column '" +
                         (k < file.table.header.size() ? file.table.header[k] : std::string("?")) +
                         "': text '" + *text +
                         "' cannot be read by pgfplots (no , \" % # \\ { } line breaks or edge spaces)");
    }
  }
}

// The index of a numeric column of `file`, checked.
std::size_t numeric_column(const DataFile& file, const std::string& column, const std::string& what) {
  detail::check_column_name(column, what);
  const std::ptrdiff_t index = column_index(file.table, column);
  if (index < 0) throw InputError(what + " '" + column + "' is not a column of data '" + file.name + "'");
  const std::size_t k = static_cast<std::size_t>(index);
  for (std::size_t r = 0; r < file.table.rows.size(); ++r) {
    if (k < file.table.rows[r].size() && !numeric(file.table.rows[r][k]))
      throw InputError(what + " '" + column + "' of data '" + file.name + "' holds text in row " +
                       std::to_string(r + 1) + "; a plotted column must hold numbers");
  }
  return k;
}

// Rejects ']' or '[' outside braces in a pgfplots option string (they would
// end the option list early) and the usual fragment errors.
void check_style(const std::string& style, const std::string& what) {
  detail::check_fragment(style, what);
  int depth = 0;
  for (char c : style) {
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (depth == 0 && (c == '[' || c == ']'))
      throw InputError(what + " '" + style + "' has a bracket outside braces; write key={...}");
  }
}

void check_range(const std::optional<AxisRange>& range, bool log_axis, const std::string& what) {
  if (!range) return;
  if (!std::isfinite(range->min) || !std::isfinite(range->max) || !(range->min < range->max))
    throw InputError(what + " must be finite with min < max, got [" + csv_number(range->min) + ", " +
                     csv_number(range->max) + "]");
  if (log_axis && range->min <= 0)
    throw InputError(what + " must be positive on a log axis, got min " + csv_number(range->min));
}

std::string_view legend_key(LegendPosition p) {
  switch (p) {
    case LegendPosition::north_east: return "north east";
    case LegendPosition::north_west: return "north west";
    case LegendPosition::south_east: return "south east";
    case LegendPosition::south_west: return "south west";
    case LegendPosition::outer_north_east: return "outer north east";
    case LegendPosition::none: return "";
  }
  return "";
}

// A series after checking: its file, columns and the first drawable point.
struct Resolved {
  const DataFile* file;
  std::optional<double> first_x;  // x of the first drawable point
};

}  // namespace

std::string render_figure(const Figure& figure, std::span<const DataFile> data) {
  detail::check_name(figure.name, "figure name");
  const std::string fig = "figure '" + figure.name + "'";
  detail::check_fragment(figure.title, fig + " title");
  detail::check_fragment(figure.caption, fig + " caption");
  detail::check_fragment(figure.x_label, fig + " x label");
  detail::check_fragment(figure.y_label, fig + " y label");
  if (figure.log_basis_x < 2 || figure.log_basis_y < 2)
    throw InputError(fig + ": log bases must be at least 2");
  check_range(figure.x_range, figure.log_x, fig + " x range");
  check_range(figure.y_range, figure.log_y, fig + " y range");
  check_style(figure.axis_options, fig + " axis options");

  // Guarantee 1: check every series and find what is drawable.
  std::vector<Resolved> resolved;
  std::optional<std::size_t> anchor;  // a series with a drawable point, for the lines
  for (std::size_t i = 0; i < figure.series.size(); ++i) {
    const Series& s = figure.series[i];
    const std::string what = fig + " series " + std::to_string(i + 1);
    detail::check_fragment(s.label, what + " label");
    check_style(s.style, what + " style");
    const DataFile& file = find_data(data, s.data, what);
    check_readable_by_pgfplots(file);
    const std::size_t kx = numeric_column(file, s.x_column, what + " x column");
    const std::size_t ky = numeric_column(file, s.y_column, what + " y column");
    Resolved r{&file, std::nullopt};
    for (const auto& row : file.table.rows) {
      if (kx >= row.size() || ky >= row.size()) continue;
      const double x = *numeric(row[kx]);
      const double y = *numeric(row[ky]);
      if (drawable(x, figure.log_x) && drawable(y, figure.log_y)) {
        r.first_x = x;
        break;
      }
    }
    if (r.first_x && !anchor) anchor = i;
    resolved.push_back(r);
  }
  for (std::size_t j = 0; j < figure.lines.size(); ++j) {
    const HorizontalLine& line = figure.lines[j];
    const std::string what = fig + " line " + std::to_string(j + 1);
    detail::check_fragment(line.label, what + " label");
    if (!drawable(line.y, figure.log_y))
      throw InputError(what + ": y = " + csv_number(line.y) +
                       (figure.log_y ? " cannot be drawn on a log axis" : " is not finite"));
  }

  const bool legend = figure.legend != LegendPosition::none;
  std::string out = "% Figure '" + figure.name + "', written by glasses::reports::render_figure.\n";
  out += "\\begin{tikzpicture}\n\\begin{axis}[\n";
  const auto option = [&out](const std::string& text) { out += "  " + text + ",\n"; };
  // An outer legend sits right of the axis: leave it room in the text width.
  option(figure.legend == LegendPosition::outer_north_east ? "width=0.65\\linewidth" : "width=0.9\\linewidth");
  option("height=0.56\\linewidth");
  if (figure.log_x) option("xmode=log, log basis x=" + std::to_string(figure.log_basis_x));
  if (figure.log_y) option("ymode=log, log basis y=" + std::to_string(figure.log_basis_y));
  if (!figure.title.empty()) option("title={" + figure.title + "}");
  if (!figure.x_label.empty()) option("xlabel={" + figure.x_label + "}");
  if (!figure.y_label.empty()) option("ylabel={" + figure.y_label + "}");
  // Guarantee 2: an axis with nothing to draw gets limits of its own, wide
  // enough for the lines.
  std::optional<AxisRange> x_range = figure.x_range;
  std::optional<AxisRange> y_range = figure.y_range;
  if (!anchor) {
    if (!x_range) x_range = figure.log_x ? AxisRange{1, 10} : AxisRange{0, 1};
    if (!y_range) {
      y_range = figure.log_y ? AxisRange{1, 10} : AxisRange{0, 1};
      for (const HorizontalLine& line : figure.lines) {
        y_range->min = std::min(y_range->min, figure.log_y ? line.y / 2 : line.y - 1);
        y_range->max = std::max(y_range->max, figure.log_y ? line.y * 2 : line.y + 1);
      }
    }
  }
  if (x_range) option("xmin=" + csv_number(x_range->min) + ", xmax=" + csv_number(x_range->max));
  if (y_range) option("ymin=" + csv_number(y_range->min) + ", ymax=" + csv_number(y_range->max));
  if (legend) {
    option("legend pos=" + std::string(legend_key(figure.legend)));
    option("legend cell align=left");
    option("legend style={font=\\small}");
  }
  option("label style={font=\\small}");
  option("tick label style={font=\\small}");
  option("title style={font=\\small}");
  option("grid=major");
  option("grid style={black!12}");
  option("unbounded coords=jump");
  option("filter discard warning=false");
  if (!figure.axis_options.empty()) option(figure.axis_options);
  out += "]\n";

  for (std::size_t i = 0; i < figure.series.size(); ++i) {
    const Series& s = figure.series[i];
    const SeriesStyle& palette = kPalette[i % kPalette.size()];
    const bool in_legend = legend && !s.label.empty();
    out += "\\addplot[color={" + std::string(palette.color) + "}, mark=" + std::string(palette.mark) +
           ", mark size=1.6pt, semithick, mark options={solid}";
    if (!in_legend) out += ", forget plot";
    if (!s.style.empty()) out += ", " + s.style;
    out += "]\n  table[x=" + s.x_column + ", y=" + s.y_column + ", col sep=comma]{data/" + s.data + ".csv};\n";
    if (in_legend) out += "\\addlegendentry{" + s.label + (resolved[i].first_x ? "" : " (no data)") + "}\n";
  }

  if (!anchor) {
    out += "\\node[align=center, font=\\small] at (rel axis cs:0.5,0.5) {no plottable data};\n";
  }
  // Guarantee 3: the x at which the line's y is computed lies inside the
  // axis: the middle of a given x range, else a drawable point of the data.
  std::string line_x;
  if (x_range) {
    line_x = csv_number(figure.log_x ? std::sqrt(x_range->min) * std::sqrt(x_range->max)
                                     : x_range->min / 2 + x_range->max / 2);
  } else if (anchor) {
    line_x = csv_number(*resolved[*anchor].first_x);
  }
  for (std::size_t j = 0; j < figure.lines.size(); ++j) {
    const HorizontalLine& line = figure.lines[j];
    const std::string y = csv_number(line.y);
    const std::string style(kLineStyles[j % kLineStyles.size()]);
    if (!y_range) {
      // An invisible plot over the anchor's own x values brings y into the
      // limits without touching the x limits (no y_range implies an anchor).
      const Series& s = figure.series[*anchor];
      out += "\\addplot[draw=none, mark=none, forget plot]\n  table[x=" + s.x_column + ", y expr=" + y +
             ", col sep=comma]{data/" + s.data + ".csv};\n";
    }
    const std::string at = "{axis cs:" + line_x + "," + y + "}";
    out += "\\draw[" + style + "] ({rel axis cs:0,0} |- " + at + ") -- ({rel axis cs:1,0} |- " + at + ");\n";
    if (legend && !line.label.empty()) {
      out += "\\addlegendimage{" + style + "}\n\\addlegendentry{" + line.label + "}\n";
    }
  }
  out += "\\end{axis}\n\\end{tikzpicture}\n";
  return out;
}

std::string render_figure_float(const Figure& figure) {
  detail::check_name(figure.name, "figure name");
  detail::check_fragment(figure.caption, "figure '" + figure.name + "' caption");
  std::string out = "\\begin{figure}[htbp]\n\\centering\n\\input{figures/" + figure.name + ".tex}\n";
  if (!figure.caption.empty()) out += "\\caption{" + figure.caption + "}\\label{fig:" + figure.name + "}\n";
  return out + "\\end{figure}\n";
}

}  // namespace glasses::reports
