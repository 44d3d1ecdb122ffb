// Figures: a pgfplots description -> the .tex of one tikzpicture.
//
// A Figure names its data by DataFile name; the plot reads
// `data/<name>.csv` relative to the directory the document is compiled in
// (the Document writer puts report.tex, figures/ and data/ side by side and
// compiles in that directory). render_figure() returns only the
// `tikzpicture` (title inside the axis, legend, axis labels), so the file
// can be \input anywhere; the caption belongs to the float around it, which
// the Document writer adds (render_figure_float()).
//
// What render_figure() guarantees, given the data it is passed:
//  1. pdflatex never stops on the figure because of the data. Points that
//     cannot be drawn (NaN, inf, and values <= 0 on a log axis: pgfplots
//     treats log(0) and the log of a negative number as unbounded) are left
//     out and the line is interrupted there (`unbounded coords=jump`), so a
//     gap in the data shows as a gap, not as a segment bridging it. Every
//     file a figure reads is checked first: the columns exist, hold numbers
//     (double or int64 cells) and the file has no cell pgfplots would misread
//     (csv.hpp, note 1).
//  2. A series with no drawable point gets the legend entry "<label> (no
//     data)"; a figure with no drawable point at all gets fixed axis limits
//     and the text "no plottable data" instead of pgfplots' empty-axis
//     defaults.
//  3. A horizontal line (e.g. a format's unit roundoff u_F) spans the full
//     width of the axis, is included in the y limits unless y_range is given,
//     and gets a legend entry in its own dash pattern. Lines are drawn through
//     a point of the data, never at a fixed x such as 1 that could lie far
//     outside a narrow axis (TeX's "Dimension too large").
//  4. Series i is drawn in kPalette[i % size] (Okabe-Ito colours, safe for
//     colour-blind readers, with distinct markers), so the same Figure always
//     gives the same picture.
//  5. Output is a pure function of (Figure, data): byte-identical on reruns.
//
// Text fields (title, labels, legend labels) are LaTeX: escape user text.
// `style` strings are pgfplots options appended after the palette's (so they
// win), e.g. "dashed" or "mark=none".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/reports/csv.hpp"

namespace glasses::reports {

struct Series {
  std::string label;     // LaTeX legend entry; empty: not in the legend
  std::string data;      // DataFile name: the plot reads data/<data>.csv
  std::string x_column;  // column names in that file
  std::string y_column;
  std::string style;     // extra pgfplots options, may be empty
};

struct HorizontalLine {
  double y;           // finite; > 0 on a log y axis
  std::string label;  // LaTeX legend entry; empty: not in the legend
};

enum class LegendPosition : std::uint8_t { north_east, north_west, south_east, south_west, outer_north_east, none };

struct AxisRange {
  double min;  // finite, min < max, > 0 on a log axis
  double max;
};

struct Figure {
  std::string name;     // file figures/<name>.tex and label fig:<name>; [A-Za-z0-9][A-Za-z0-9_-]*
  std::string title;    // LaTeX above the axis; may be empty
  std::string caption;  // LaTeX for the float; may be empty (then no \caption and no \label)
  std::string x_label;  // LaTeX
  std::string y_label;  // LaTeX
  bool log_x = false;
  bool log_y = false;
  int log_basis_x = 10;  // tick basis on a log axis (2 for n = 1, 2, 4, ...)
  int log_basis_y = 10;
  std::vector<Series> series;
  std::vector<HorizontalLine> lines;
  LegendPosition legend = LegendPosition::north_east;
  std::optional<AxisRange> x_range;  // unset: pgfplots chooses from the data
  std::optional<AxisRange> y_range;
  std::string axis_options;  // extra pgfplots axis options, appended last (checked like a style)
};

// A series' colour (xcolor `rgb,255:` syntax) and marker.
struct SeriesStyle {
  std::string_view color;
  std::string_view mark;
};

// The fixed palette of guarantee 4: Okabe-Ito blue, vermillion, bluish
// green, orange, reddish purple, sky blue, black; yellow is left out (too
// pale on white).
inline constexpr std::array kPalette{
    SeriesStyle{"rgb,255:red,0;green,114;blue,178", "*"},
    SeriesStyle{"rgb,255:red,213;green,94;blue,0", "square*"},
    SeriesStyle{"rgb,255:red,0;green,158;blue,115", "triangle*"},
    SeriesStyle{"rgb,255:red,230;green,159;blue,0", "diamond*"},
    SeriesStyle{"rgb,255:red,204;green,121;blue,167", "pentagon*"},
    SeriesStyle{"rgb,255:red,86;green,180;blue,233", "o"},
    SeriesStyle{"rgb,255:red,0;green,0;blue,0", "x"},
};

// Dash patterns of horizontal line i: kLineStyles[i % size].
inline constexpr std::array<std::string_view, 4> kLineStyles{
    "black, dashed, semithick", "black, dotted, thick", "black, dashdotted, semithick",
    "black!60, densely dashed, semithick"};

// The tikzpicture of `figure`, reading the files named in its series, which
// must all be in `data`. Throws InputError naming the field for an invalid
// name, LaTeX fragment, range or line, a series whose data is missing from
// `data`, a missing or non-numeric column, or a file pgfplots cannot read.
std::string render_figure(const Figure& figure, std::span<const DataFile> data);

// The float around the input file: \begin{figure}, \input{figures/<name>.tex},
// caption and \label{fig:<name>} (when the caption is non-empty).
std::string render_figure_float(const Figure& figure);

}  // namespace glasses::reports
