// The built-in check figures, drawn from the FigureData the checks publish (report_builder.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "glasses/model/policy.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/fit.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/reports/latex.hpp"
#include "report_builder.hpp"
#include "report_text.hpp"

namespace glasses::reports::detail {

std::vector<Block>& ReportBuilder::blocks_of(proofs::ReportSection section) {
  switch (section) {
    case proofs::ReportSection::paper_figures: return figure_blocks_;
    case proofs::ReportSection::sensitivity_bounds: return bound_blocks_;
  }
  return figure_blocks_;
}

// A built-in check figure, drawn from the FigureData its check published
// (proofs/figure.hpp): the curves, their subjects and the section come
// from the check; the axes, legend wording, styles and caption from here.
void ReportBuilder::check_figure(const FigureSpec& f) {
  const proofs::CheckFigureInfo& info = proofs::find_check_figure(f.check_figure);
  const std::string check_id(info.check);
  const CheckOutcome* c = check(check_id);
  if (c == nullptr || c->result.instances.empty()) {
    missing(blocks_of(info.section), f, "check " + check_id_text(check_id) + " produced no results in this build.");
    return;
  }
  const auto published = std::find_if(c->result.figures.begin(), c->result.figures.end(),
                                      [&](const proofs::FigureData& d) { return d.name == info.name; });
  if (published == c->result.figures.end() || published->curves.empty()) {
    missing(blocks_of(info.section), f,
            "check " + check_id_text(check_id) + " published no data for figure " + code(info.name) + ".");
    return;
  }
  const proofs::FigureData& data = *published;
  std::vector<Block>& into = blocks_of(data.section);
  // The data file of every curve, with the columns it names.
  std::vector<const DataFile*> files;
  for (const proofs::Curve& curve : data.curves) {
    const DataFile* d = check_series(check_id, curve.series);
    if (d == nullptr) {
      missing(into, f, "check " + check_id_text(check_id) + " produced no data series " + code(curve.series) + ".");
      return;
    }
    for (const std::string* column : {&curve.x, &curve.y}) {
      if (!has_column(*d, *column)) {
        missing(into, f, "data series " + code(curve.series) + " has no column " + code(*column) + ".");
        return;
      }
    }
    if (curve.rows && !has_column(*d, curve.rows->column)) {
      missing(into, f, "data series " + code(curve.series) + " has no column " + code(curve.rows->column) + ".");
      return;
    }
    files.push_back(d);
  }
  const auto line = [&](std::size_t i, std::string label, std::string style) {
    return Series{std::move(label), files[i]->name, data.curves[i].x, data.curves[i].y, std::move(style)};
  };
  const auto solid = [](const proofs::Curve& curve) { return palette_color(curve.colour); };
  const auto dashed = [](const proofs::Curve& curve) { return palette_color(curve.colour) + ", mark=none, densely dashed"; };

  Figure fig;
  fig.name = f.name;
  fig.log_x = fig.log_y = true;
  fig.legend = LegendPosition::outer_north_east;
  const std::string caption_tail = " " + check_caption(check_id) + ".";
  const std::string_view name = info.name;
  if (name == "fig9") {
    fig.x_label = "sequence length $n$";
    fig.y_label = "$\\delta(n) = \\sum_i |\\mathrm{softmax}(x)_i - \\mathrm{softmax}(x^*)_i|$";
    for (std::size_t i = 0; i < data.curves.size(); ++i) {
      const proofs::Curve& curve = data.curves[i];
      fig.series.push_back(curve.companion ? line(i, "", dashed(curve))
                                           : line(i, escape(curve.subject) + ", max over seeds", solid(curve)));
    }
    fig.caption = "Fig.~9: total variation $\\delta$ between the softmax of $x_i \\sim U[0,1]$ and of $x^*$, which "
                  "adds $U[0, 0.1]$ noise to the first entries, against $n$; maximum (marked) and minimum (dashed) "
                  "over the seeds, exact and computed by the model's softmax kernel in each format." + caption_tail;
  } else if (name == "b2-literal") {
    fig.log_y = false;
    fig.x_label = "sequence length $n$";
    fig.y_label = "$\\delta(n)$";
    for (std::size_t i = 0; i < data.curves.size(); ++i) {
      const proofs::Curve& curve = data.curves[i];
      fig.series.push_back(curve.companion ? line(i, escape(curve.subject), "mark=none, densely dashed")
                                           : line(i, "$\\delta(n)$, $" + escape(curve.subject) + "$", ""));
    }
    for (double limit : data.levels) fig.lines.push_back({limit, "limit $\\tanh(1/2) = " + format_number(limit, 6) + "$"});
    fig.axis_options = "y tick label style={/pgf/number format/.cd, fixed, precision=3}";
    fig.caption = "Lemma 4.1 read literally: $x = (1,0,1,0,\\ldots,1,0,c)$ and $x^* = (0,\\ldots,0,c)$ share "
                  "their last entry, yet $\\delta(n)$ does not tend to 0." + caption_tail;
  } else if (name == "b3-decay") {
    fig.x_label = "sequence length $n$";
    fig.y_label = "$D_L(n) = \\lVert v^{(L)}_n - v^{*(L)}_{n+1}\\rVert_1$";
    for (std::size_t i = 0; i < data.curves.size(); ++i) fig.series.push_back(line(i, escape(data.curves[i].subject), ""));
    fig.caption = "B.3: the distance of the last rows after the last layer, per positional encoding, for the "
                  "repeat-last pair (binary64)." + caption_tail;
  } else if (name == "b4") {
    fig.x_label = "sequence length $n$ (even)";
    fig.y_label = "computed $\\delta(n)$";
    for (std::size_t i = 0; i < data.curves.size(); ++i)
      fig.series.push_back(line(i, escape(data.curves[i].subject), solid(data.curves[i])));
    fig.caption = "B.4: alternating sequences $x = (1,0,1,0,\\ldots)$ and $x^* = (0,1,0,1,\\ldots)$ have "
                  "$\\delta = 2\\tanh(1/2)$ at every even $n$; what the softmax kernel computes in each format (a value of "
                  "0, where the partition function overflows, leaves a gap)." +
                  caption_tail;
  } else if (name == "b5-profiles") {
    fig.x_label = "input position $i$";
    fig.y_label = "$\\lVert J_i\\rVert_\\infty = \\lVert \\partial y_n / \\partial v^{(0)}_i\\rVert_\\infty$";
    for (std::size_t i = 0; i < data.curves.size(); ++i) {
      const proofs::Curve& curve = data.curves[i];
      fig.series.push_back(curve.companion ? line(i, escape(curve.subject) + ": bound", dashed(curve))
                                           : line(i, escape(curve.subject) + ": $\\lVert J_i\\rVert$ (frozen)", solid(curve)));
    }
    fig.log_x = false;
    fig.axis_options = "xmin=0";
    fig.caption = "B.5 position profiles: the Jacobian of $y_n$ with respect to each input row, with attention "
                  "and normalisation statistics frozen (the theorem's assumptions), and the matrix-product bound "
                  "$\\lVert N_3\\rVert (B^{(L-1)}\\cdots B^{(0)})_{n,i}$, in binary64." + caption_tail;
  } else if (name == "b5-full") {
    // One curve per case: the rows of the trace the curve selects, as a data file of its own
    // (added after the loop: adding moves the data files `files` points into).
    std::vector<std::string> legend;
    std::vector<DataFile> selections;
    for (std::size_t i = 0; i < data.curves.size(); ++i) {
      const proofs::Curve& curve = data.curves[i];
      const DataFile& d = *files[i];
      DataFile file;
      if (curve.rows) {
        file.name = file_stem(d.name + "-" + curve.rows->column + std::to_string(static_cast<std::int64_t>(curve.rows->value)));
      } else {
        file.name = d.name;
      }
      file.table.header = {curve.x, curve.y};
      const auto kx = static_cast<std::size_t>(column_index(d.table, curve.x));
      const auto ky = static_cast<std::size_t>(column_index(d.table, curve.y));
      for (const std::vector<CsvCell>& row : d.table.rows) {
        if (curve.rows) {
          const CsvCell& cell = row[static_cast<std::size_t>(column_index(d.table, curve.rows->column))];
          if (!std::holds_alternative<double>(cell) || std::get<double>(cell) != curve.rows->value) continue;
        }
        file.table.rows.push_back({row[kx], row[ky]});
      }
      const std::string label = "case " + std::to_string(i + 1);
      legend.push_back(label + ": " + escape(curve.subject));
      fig.series.push_back({label, file.name, curve.x, curve.y, "mark=none, thick"});
      selections.push_back(std::move(file));
    }
    for (DataFile& file : selections) {
      if (data_names_.count(file.name) == 0) add_data(std::move(file));
    }
    fig.log_x = fig.log_y = false;
    fig.lines.push_back({1.0, "ratio 1"});
    fig.x_label = "evaluation (random search, then $(1+1)$-ES)";
    fig.y_label = "largest $\\lVert J_i\\rVert / \\text{bound}$ so far";
    fig.caption = "B.5 with the assumptions dropped: the full Jacobian (attention weights and normalisation "
                  "statistics differentiated) against the same bound; the worst ratio found so far along a "
                  "random search followed by an adversarial $(1+1)$ evolution strategy. Above 1 is what the "
                  "frozen-$\\alpha$ and frozen-statistics assumptions hide. " +
                  (legend.empty() ? std::string() : "Cases: " + join(legend, "; ") + ".") + caption_tail;
  } else if (name == "b5-spectral") {
    fig.log_x = false;
    fig.x_label = "instance (case, then input position $i$)";
    fig.y_label = "$\\lVert J_i\\rVert / \\text{bound}_i$";
    for (std::size_t i = 0; i < data.curves.size(); ++i) {
      fig.series.push_back(line(i, escape(data.curves[i].subject), solid(data.curves[i]) + ", only marks"));
    }
    for (double level : data.levels) fig.lines.push_back({level, "ratio 1"});
    fig.caption = "B.5 in two operator norms: the frozen Jacobian over its bound, with every factor of the bound "
                  "and $\\lVert J_i\\rVert$ in the spectral norm (singular values, certified) and in the "
                  "$\\infty$-norm, on the same cases; nearer 1 is tighter." + caption_tail;
  } else if (name == "b8-rate") {
    fig.log_x = fig.log_y = false;
    fig.x_label = "depth $L$";
    fig.y_label = "$\\log_{10}$ of the distance";
    for (std::size_t i = 0; i < data.curves.size(); ++i) {
      const proofs::Curve& curve = data.curves[i];
      fig.series.push_back(curve.companion ? line(i, escape(curve.subject) + ": $\\rho^L$", dashed(curve))
                                           : line(i, escape(curve.subject) + ": $\\lVert M^L - E\\rVert_\\infty$", solid(curve)));
    }
    fig.legend = LegendPosition::south_west;
    fig.caption = "B.8: distance of the depth-$L$ bound $M^L$, $M = (\\Lambda + I)/2$, to its limit $E$ (first "
                  "column ones, other entries 0), against $\\rho^L$ with $\\rho = \\max_{i \\ge 2}(1 + "
                  "\\Lambda_{ii})/2$; both on a $\\log_{10}$ scale." + caption_tail;
  } else if (name == "b8-profile") {
    fig.log_x = false;
    fig.x_label = "input position $i$";
    fig.y_label = "$(M^L)_{n,i}$";
    for (std::size_t i = 0; i < data.curves.size(); ++i) fig.series.push_back(line(i, "$" + escape(data.curves[i].subject) + "$", ""));
    fig.caption = "B.8: the last row of the bound $M^L$ for uniform causal attention and growing depth $L$: "
                  "U-shaped at small $L$, concentrating on token 1 as $L$ grows." + caption_tail;
  } else if (name == "b10-fractions") {
    fig.log_y = false;
    fig.x_label = "number of ones $n$";
    fig.y_label = "fraction of bit-identical components of $y_n$";
    fig.legend = LegendPosition::north_west;
    for (std::size_t i = 0; i < data.curves.size(); ++i)
      fig.series.push_back(line(i, escape(data.curves[i].subject), solid(data.curves[i])));
    fig.y_range = AxisRange{-0.05, 1.05};
    fig.caption = "B.10: the fraction of components of $y$ that are bit-identical between $1^n$ and $1^{n+1}$; "
                  "at 1 the two counts are indistinguishable by any readout." + caption_tail;
  } else if (name == "r1-drift") {
    fig.x_label = "absolute position $m$ of the query (key at $m - 8$)";
    fig.y_label = "$|s_F(m, m-8) - s_F(8, 0)| / (\\lVert q\\rVert \\lVert k\\rVert)$";
    fig.legend = LegendPosition::north_west;
    for (std::size_t i = 0; i < data.curves.size(); ++i)
      fig.series.push_back(line(i, escape(data.curves[i].subject), solid(data.curves[i])));
    fig.caption = "R.1: in exact arithmetic a RoPE score depends only on the offset $m - n$ (certified); computed "
                  "by the model's RoPE code in each format, the score at offset 8 drifts from its value at "
                  "position 8 as the absolute position grows (a format that cannot hold the position, as fp16 "
                  "above 65504, has no curve there)." + caption_tail;
  } else if (name == "s1-max-weight") {
    fig.x_label = "sequence length $n$";
    fig.y_label = "largest attention weight";
    for (std::size_t i = 0; i < data.curves.size(); ++i) {
      const proofs::Curve& curve = data.curves[i];
      fig.series.push_back(i == 0 ? line(i, escape(curve.subject), "black, mark=none, densely dashed")
                                  : line(i, escape(curve.subject), solid(curve)));
    }
    fig.caption = "S.1: with logits in $[-B, B]$ the largest softmax weight is at most $e^{2B}/(e^{2B} + n - 1)$, "
                  "attained by one logit at $B$ and the rest at $-B$ (here $B = 1$); what the model's softmax kernel "
                  "computes for that case in each format, which stops following the bound once the partition sum "
                  "stagnates." + caption_tail;
  }
  place(f, std::move(fig), into, check_id);
}

}  // namespace glasses::reports::detail
