// The figures of sweeps (collapse, heads, compare) and of user-chosen check series; placing figures (report_builder.hpp).
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

std::string ReportBuilder::user_caption(const FigureSpec& f) const { return f.caption.empty() ? "" : " " + escape(f.caption); }

std::string ReportBuilder::check_caption(std::string_view id) const {
  const CheckOutcome* c = check(id);
  const Suite& s = suite_.suite;
  std::string out = "Data of check " + check_id_text(id) + " (" + (c != nullptr && c->quick ? "quick" : "full") +
                    " configuration, seed " + integer(s.checks.seed) + ")";
  if (c != nullptr && !c->result.hypotheses.empty()) out += ": " + escape_with_powers(without_period(c->result.hypotheses));
  return out;
}

// A figure that could not be drawn: a paragraph saying why.
void ReportBuilder::missing(std::vector<Block>& into, const FigureSpec& f, const std::string& why) {
  into.push_back(Paragraph{"\\noindent\\textbf{Figure " + code(f.name) + " not drawn:} " + why});
}

void ReportBuilder::place(const FigureSpec& spec, Figure figure, std::vector<Block>& into, std::string_view check_id) {
  if (!spec.title.empty()) figure.title = escape(spec.title);
  // Lower than the writer's default, so that two figures share a page.
  // An outer legend needs room beside the axis.
  const std::string size = figure.legend == LegendPosition::outer_north_east ? "width=0.55\\linewidth, height=0.44\\linewidth"
                                                                              : "height=0.44\\linewidth";
  figure.axis_options = size + (figure.axis_options.empty() ? "" : ", " + figure.axis_options);
  figure.caption += user_caption(spec);
  if (!check_id.empty()) figures_of_check_[std::string(check_id)].push_back(figure.name);
  into.push_back(std::move(figure));
}

void ReportBuilder::collapse_figure(const FigureSpec& f) {
  const PreparedSweep& p = sweep(f.sweep);
  const model::SweepResult& r = result(p);
  Figure fig;
  fig.name = f.name;
  fig.x_label = "sequence length $n$";
  fig.y_label = "$D_\\infty(n) / \\lVert y(s)\\rVert_\\infty$";
  fig.log_x = fig.log_y = true;
  fig.legend = LegendPosition::outer_north_east;
  std::vector<const model::TrackResult*> tracks = low_tracks(p, r);
  tracks.push_back(&reference_track(r));
  std::set<double> lines;
  for (const model::TrackResult* t : tracks) {
    fig.series.push_back({escape(t->spec.label) + (is_reference(p, *t) ? " (reference)" : ""), sweep_data_name(p), "n",
                          column(p, t->spec.label, "rel_Dinf"), is_reference(p, *t) ? "black, mark=none, thick" : ""});
  }
  for (const model::TrackResult* t : tracks) {
    if (is_reference(p, *t)) continue;
    const double u = storage_roundoff(t->spec);
    if (u < 1e-30 || !lines.insert(u).second) continue;
    const int e = static_cast<int>(std::lround(std::log2(u)));
    fig.lines.push_back({u, "$u = " + format_power_of_two(e) + "$ (" + escape(t->spec.label) + ")"});
  }
  fig.caption = "Collapse distance against $n$, relative to $\\lVert y(s)\\rVert_\\infty$, for " + escape(p.spec->label) +
                ". A curve ends where its format collapses bitwise (a distance of 0 has no place on a log axis); "
                "the horizontal lines are the unit roundoffs $u_F$ of the formats $y$ is stored in: the "
                "distance predictor's onset is where the reference curve crosses $u_F$ (every predictor in "
                "Table~\\ref{tab:calibration}). " +
                describe_sweep(p);
  place(f, std::move(fig), onset_blocks_);
}

void ReportBuilder::heads_figure(const FigureSpec& f) {
  const PreparedSweep& p = sweep(f.sweep);
  const model::SweepResult& r = result(p);
  Figure fig;
  fig.name = f.name;
  fig.x_label = "sequence length $n$";
  fig.y_label = "$\\lVert o^h(s) - o^h(s^*)\\rVert_\\infty$ per head";
  fig.log_x = fig.log_y = true;
  fig.legend = LegendPosition::outer_north_east;
  std::vector<const model::TrackResult*> tracks = low_tracks(p, r);
  tracks.insert(tracks.begin(), &reference_track(r));
  for (const model::TrackResult& t : r.tracks) {
    const bool listed = std::any_of(tracks.begin(), tracks.end(),
                                    [&](const model::TrackResult* x) { return x->spec.label == t.spec.label; });
    if (t.spec.group == "ablation" && t.spec.label.rfind("mixed:", 0) == 0 && !listed) tracks.push_back(&t);
  }
  for (const model::TrackResult* t : tracks) {
    fig.series.push_back({escape(t->spec.label) + (is_reference(p, *t) ? " (reference)" : "") + ", mean",
                          sweep_data_name(p), "n", column(p, t->spec.label, "head_inf_mean"), ""});
  }
  // Minimum and maximum over heads for the reference and the coarsest
  // format only (for every track the plot becomes unreadable).
  std::size_t coarsest = 0;
  for (std::size_t i = 1; i < tracks.size(); ++i) {
    if (storage_roundoff(tracks[i]->spec) > storage_roundoff(tracks[coarsest]->spec)) coarsest = i;
  }
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    if (i != 0 && i != coarsest) continue;
    const std::string color = "color={" + std::string(kPalette[i % kPalette.size()].color) + "}";
    for (const char* m : {"head_inf_min", "head_inf_max"}) {
      fig.series.push_back({"", sweep_data_name(p), "n", column(p, tracks[i]->spec.label, m),
                            color + ", mark=none, thin, densely dashed"});
    }
  }
  fig.caption = "Synthetic Fig.~5 panel, " + escape(p.spec->label) +
                ": the $\\infty$-norm distance between the last-layer attention outputs of $s$ and $s^*$, per head: "
                "mean over heads (marked lines) and, for the reference and the coarsest format, minimum and maximum over "
                "heads (thin dashed lines of the same colour). " +
                describe_sweep(p);
  place(f, std::move(fig), figure_blocks_);
}

std::string ReportBuilder::metric_label(const std::string& metric) const {
  static const std::map<std::string, std::string> labels{
      {"D1", "$D_1(n) = \\lVert y(s) - y(s^*)\\rVert_1$"},
      {"D2", "$D_2(n) = \\lVert y(s) - y(s^*)\\rVert_2$"},
      {"Dinf", "$D_\\infty(n) = \\lVert y(s) - y(s^*)\\rVert_\\infty$"},
      {"rel_Dinf", "$D_\\infty(n) / \\lVert y(s)\\rVert_\\infty$"},
      {"identical_fraction", "fraction of bit-identical components of $y$"},
      {"ulp_distance", "$D_\\infty / \\mathrm{ulp}_F(\\lVert y\\rVert_\\infty)$"},
      {"error_inf", "$\\lVert y_F(s) - y_{\\mathrm{ref}}(s)\\rVert_\\infty$"},
      {"head_inf_mean", "mean over heads of $\\lVert o^h(s) - o^h(s^*)\\rVert_\\infty$"},
  };
  const auto it = labels.find(metric);
  if (it != labels.end()) return it->second;
  if (metric.rfind("D_layer_", 0) == 0)
    return "$D_{" + metric.substr(8) + "}(n) = \\lVert v^{(" + metric.substr(8) + ")}_n - v^{*(" + metric.substr(8) + ")}_{n+1}\\rVert_1$";
  return escape(metric);
}

void ReportBuilder::compare_figure(const FigureSpec& f) {
  Figure fig;
  fig.name = f.name;
  fig.x_label = "sequence length $n$";
  fig.y_label = metric_label(f.metric);
  fig.log_x = true;
  fig.log_y = f.log_y;
  fig.legend = LegendPosition::outer_north_east;
  // One colour per sweep; its second and further tracks dashed.
  std::vector<std::string> seen;
  std::vector<const PreparedSweep*> described;
  std::map<std::string, int> tracks_drawn;
  for (const CompareSeries& c : f.series) {
    const PreparedSweep& p = sweep(c.sweep);
    const std::string track = c.track.empty() ? p.settings.reference : c.track;
    const std::string label = c.label.empty() ? p.spec->label + ", " + track : c.label;
    auto it = std::find(seen.begin(), seen.end(), c.sweep);
    if (it == seen.end()) {
      seen.push_back(c.sweep);
      described.push_back(&p);
      it = seen.end() - 1;
    }
    const std::size_t colour = static_cast<std::size_t>(it - seen.begin());
    const std::string style = palette_color(colour) + ", mark=" + std::string(kPalette[colour % kPalette.size()].mark) +
                              (tracks_drawn[c.sweep]++ > 0 ? ", densely dashed" : "");
    fig.series.push_back({escape(label), sweep_data_name(p), "n", column(p, track, f.metric), style});
  }
  fig.caption = fig.y_label + " against $n$. " + describe_sweeps(described);
  place(f, std::move(fig), figure_blocks_);
}

// A series of a check's data file.
Series ReportBuilder::check_line(const DataFile& file, const std::string& x, const std::string& y, const std::string& label,
                         const std::string& style) {
  return Series{label, file.name, x, y, style};
}

std::string ReportBuilder::palette_color(std::size_t i) {
  return "color={" + std::string(kPalette[i % kPalette.size()].color) + "}";
}

bool ReportBuilder::has_column(const DataFile& file, const std::string& column) const { return column_index(file.table, column) >= 0; }

void ReportBuilder::check_series_figure(const FigureSpec& f) {
  const CheckOutcome* c = check(f.check);
  const DataFile* d = check_series(f.check, f.data);
  if (c == nullptr || d == nullptr) {
    missing(figure_blocks_, f, "check " + check_id_text(f.check) + " produced no data series " + code(f.data) + ".");
    return;
  }
  Figure fig;
  fig.name = f.name;
  fig.log_x = f.log_x;
  fig.log_y = f.log_y;
  fig.x_label = f.x_label.empty() ? code(f.x) : escape(f.x_label);
  fig.y_label = escape(f.y_label);
  fig.legend = LegendPosition::outer_north_east;
  for (const std::string& y : f.y) {
    if (!has_column(*d, y)) {
      missing(figure_blocks_, f, "data series " + code(f.data) + " has no column " + code(y) + ".");
      return;
    }
    fig.series.push_back(check_line(*d, f.x, y, code(y)));
  }
  if (!has_column(*d, f.x)) {
    missing(figure_blocks_, f, "data series " + code(f.data) + " has no column " + code(f.x) + ".");
    return;
  }
  fig.caption = "Data series " + code(f.data) + "." + " " + check_caption(f.check) + ".";
  place(f, std::move(fig), figure_blocks_, f.check);
}

void ReportBuilder::tables_and_figures() {
  for (const FigureSpec& f : suite_.suite.figures) {
    switch (f.kind) {
      case FigureKind::collapse: collapse_figure(f); break;
      case FigureKind::heads: heads_figure(f); break;
      case FigureKind::compare: compare_figure(f); break;
      case FigureKind::check: check_figure(f); break;
      case FigureKind::check_series: check_series_figure(f); break;
    }
  }
}

void ReportBuilder::figures_section() { pending_section("Reproductions of the paper's figures", figure_blocks_); }

void ReportBuilder::bounds_section() { pending_section("Sensitivity bounds and the limit of depth", bound_blocks_); }

void ReportBuilder::pending_section(const std::string& title, std::vector<Block>& blocks) {
  if (blocks.empty()) return;
  doc_.sections.emplace_back();
  Section& section = doc_.sections.back();
  section.title = title;
  section.blocks = std::move(blocks);
  section.blocks.emplace_back(Paragraph{"\\clearpage"});
}

}  // namespace glasses::reports::detail
