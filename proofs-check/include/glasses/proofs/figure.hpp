// What a check publishes for the report's figures: typed data, not prose.
//
// The contract
// ------------
// A check's result (verdict.hpp) holds its data series (`Series`: a name,
// column names, rows of doubles) and, for each built-in figure it feeds, a
// `FigureData`:
//   * `name`     the figure, one of kCheckFigures below;
//   * `section`  the part of the report it belongs in (from kCheckFigures);
//   * `curves`   exactly what to draw: column `y` against column `x` of the
//                series `series`, optionally only the rows where one column
//                has one value (B.5-full: one curve per search case); with
//                what the curve shows in plain words (`subject`: a format, a
//                positional encoding, an attention kind, a depth, a case);
//   * `levels`   horizontal reference lines (values, e.g. a limit).
// The report draws what is listed here and names it from `subject`; it
// never reads a check's notes (prose for people), never composes column
// names, and never takes series names apart. A curve whose series or columns
// the check did not produce is reported as a figure that could not be drawn.
//
// How each check fills it: `figure_for(name)` gives an empty FigureData of a
// kCheckFigures entry with its section already set, so the section of a
// figure is stated once, in the table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glasses::proofs {

// The sections of the report that take check figures.
enum class ReportSection : std::uint8_t {
  paper_figures,       // "Reproductions of the paper's figures"
  sensitivity_bounds,  // "Sensitivity bounds and the limit of depth"
};

// A built-in figure drawn from a check's data.
struct CheckFigureInfo {
  std::string_view name;         // "fig9": the suite's "figure" key and the figure's file stem
  std::string_view check;        // the check that publishes it, e.g. "B.2"
  ReportSection section;         // where the report places it
  std::string_view description;  // a few words
};

inline constexpr std::array kCheckFigures{
    CheckFigureInfo{"fig9", "B.2", ReportSection::paper_figures,
                    "Fig. 9: total variation against n, exact and in fp32, fp16, bf16"},
    CheckFigureInfo{"b2-literal", "B.2-literal", ReportSection::paper_figures,
                    "the counterexample to Lemma 4.1 as literally stated"},
    CheckFigureInfo{"b3-decay", "B.3", ReportSection::paper_figures,
                    "last-layer distance against n for each positional encoding"},
    CheckFigureInfo{"b4", "B.4", ReportSection::paper_figures,
                    "alternating sequences: the exact constant and what the formats compute"},
    CheckFigureInfo{"b5-profiles", "B.5", ReportSection::sensitivity_bounds, "Jacobian position profiles and the bound"},
    CheckFigureInfo{"b5-full", "B.5-full", ReportSection::sensitivity_bounds,
                    "worst ratio Jacobian / bound with the assumptions dropped"},
    CheckFigureInfo{"b5-spectral", "B.5-spectral", ReportSection::sensitivity_bounds,
                    "tightness Jacobian / bound in the spectral and the infinity norm"},
    CheckFigureInfo{"b8-rate", "B.8", ReportSection::sensitivity_bounds, "distance of the bound to its limit against rho^L"},
    CheckFigureInfo{"b8-profile", "B.8", ReportSection::sensitivity_bounds, "the bound's last row for growing depth"},
    CheckFigureInfo{"b10-fractions", "B.10", ReportSection::paper_figures,
                    "fraction of bit-identical components against n"},
    CheckFigureInfo{"r1-drift", "R.1", ReportSection::paper_figures,
                    "RoPE score drift at a fixed offset against the absolute position, per format"},
    CheckFigureInfo{"s1-max-weight", "S.1", ReportSection::paper_figures,
                    "the largest attention weight of the extremal case against n: the bound and each format"},
};

// The kCheckFigures entry `name`; throws Error (a programming error: checks
// only publish figures of the table).
const CheckFigureInfo& find_check_figure(std::string_view name);

// The rows of a series whose column `column` equals `value`.
struct RowFilter {
  std::string column;
  double value = 0;
};

// One curve: column `y` against column `x` of the data series `series`.
struct Curve {
  std::string series;  // a Series::name of the same result
  std::string x, y;    // columns of that series
  std::string subject; // what the curve shows, plain text: "fp32", "uniform attention", "L = 4", a case
  std::size_t colour = 0;   // curves with the same index belong together (a value and its bound)
  bool companion = false;   // the second curve of its colour: a bound, a minimum, a rate (drawn dashed)
  std::optional<RowFilter> rows;  // only these rows (all when empty)
};

struct FigureData {
  std::string name;  // a kCheckFigures name
  ReportSection section = ReportSection::paper_figures;
  std::vector<Curve> curves;   // in drawing (and legend) order
  std::vector<double> levels;  // horizontal reference lines at these values
};

// An empty FigureData for the kCheckFigures entry `name`, its section set.
FigureData figure_for(std::string_view name);

}  // namespace glasses::proofs
