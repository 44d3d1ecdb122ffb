// The collapse-onset section: the onset table and the table of sweeps (report_builder.hpp).
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

std::vector<const PreparedSweep*> ReportBuilder::onset_sweeps() const {
  std::vector<const PreparedSweep*> out;
  for (const PreparedSweep& p : suite_.sweeps) {
    if (p.spec->onset_table) out.push_back(&p);
  }
  return out;
}

// The low formats of the onset table, in order of first appearance.
std::vector<std::string> ReportBuilder::onset_formats() const {
  std::vector<std::string> out;
  for (const PreparedSweep* p : onset_sweeps()) {
    for (const model::TrackResult* t : low_tracks(*p, result(*p))) {
      if (std::find(out.begin(), out.end(), t->spec.label) == out.end()) out.push_back(t->spec.label);
    }
  }
  return out;
}

void ReportBuilder::onsets_section() {
  if (suite_.sweeps.empty()) return;
  Section section{"Collapse onsets", {}};
  section.blocks.push_back(Paragraph{
      "For a pair family indexed by $n$ and a format $F$, the collapse onset $n^*_F$ is the smallest $n$ from "
      "which $y_F(s)$ and $y_F(s^*)$ are equal bit for bit (permanent onset); the first $n$ at which they are "
      "equal at all is shown in parentheses when it is earlier. The predicted onset is the smallest $n$ with "
      "$D_{\\mathrm{ref}}(n) < u_F \\lVert y_{\\mathrm{ref}}\\rVert_\\infty$. \\emph{Certified} means that at "
      "the first onset the interval enclosure of the exact distance has a positive lower bound: the model tells "
      "the two inputs apart, rounding does not. Data: \\texttt{data/onsets.csv} and \\texttt{data/sweep-*.csv}."});
  const std::vector<const PreparedSweep*> sweeps = onset_sweeps();
  const std::vector<std::string> formats = onset_formats();
  if (!sweeps.empty() && !formats.empty()) {
    Table t;
    // n_max gets a column only when the rows differ in it (else the caption says it).
    const std::size_t n_max = sweeps.front()->settings.ns.back();
    const bool same_n_max = std::all_of(sweeps.begin(), sweeps.end(),
                                        [&](const PreparedSweep* p) { return p->settings.ns.back() == n_max; });
    t.header = {"Task", "Model", "Positions"};
    t.alignment = {Align::left, Align::left, Align::left};
    t.widths = {0, 0, 0};
    if (!same_n_max) {
      t.header.push_back("$n_{\\max}$");
      t.alignment.push_back(Align::right);
      t.widths.push_back(0);
    }
    // Wide enough for "-- (1234) / 1234 x" on one line.
    const double format_width = formats.size() <= 3 ? 0.15 : 0.145;
    for (const std::string& f : formats) {
      t.header.push_back(breakable_code(f, ":/"));
      t.alignment.push_back(Align::center);
      t.widths.push_back(format_width);
    }
    t.size = FontSize::footnotesize;
    for (const PreparedSweep* p : sweeps) {
      std::vector<std::string> row{code(p->spec->family), code(model_base_name(p->spec->model)),
                                   positional_short_name(p->model->config)};
      if (!same_n_max) row.push_back(integer(p->settings.ns.back()));
      for (const std::string& f : formats) {
        const model::TrackResult* tr = find_track(result(*p), f);
        if (tr == nullptr || tr->spec.group != "formats") {
          row.push_back("");
          continue;
        }
        const model::TrackSummary& su = tr->summary;
        row.push_back(observed_onset(su) + "\\,/\\," + onset_or_dash(su.onset_predicted) + certified_mark(su));
      }
      t.rows.push_back(std::move(row));
    }
    t.caption = "Collapse onsets: rows are tasks $\\times$ positional encodings, columns formats. Each cell: the "
                "observed (permanent) onset $n^*_F$, with the first onset in parentheses when it is earlier, / the "
                "onset predicted from the reference track (the " + code(std::string(model::to_string(model::kChosenPredictor))) +
                " predictor, Table~\\ref{tab:calibration}); -- means none up to $n_{\\max}$" +
                (same_n_max ? std::string(" (") + integer(n_max) + " for every row)" : std::string()) +
                ". $^\\dagger$: a permanent onset no later grid point confirms (seen only on the $n$ walked to "
                "$n_{\\max}$). $\\checkmark$: the "
                "exact distance at the first onset is certified positive, so the collapse is caused by rounding; "
                "$\\times$: not certified; no mark: no onset, or above the certification limit. The model specs "
                "and settings of each row are in Table~\\ref{tab:sweeps}.";
    t.label = "tab:onsets";
    section.blocks.push_back(std::move(t));
  }
  ablation_table(section);
  mitigations_table(section);
  for (Block& b : onset_blocks_) section.blocks.push_back(std::move(b));
  section.blocks.push_back(Paragraph{"\\clearpage"});
  doc_.sections.push_back(std::move(section));
}

// A dash: no collapse (or no prediction) up to n_max.
std::string ReportBuilder::onset_or_dash(const std::optional<std::size_t>& n) { return n ? integer(*n) : std::string("--"); }

// The permanent onset, with the first one in parentheses when earlier.
std::string ReportBuilder::observed_onset(const model::TrackSummary& s) {
  std::string out = permanent_onset(s);
  if (s.onset_first && (!s.onset_permanent || *s.onset_first < *s.onset_permanent))
    out += "\\,(" + integer(*s.onset_first) + ")";
  return out;
}

std::string ReportBuilder::permanent_onset(const model::TrackSummary& s) {
  return onset_or_dash(s.onset_permanent) + (s.onset_permanent && !s.onset_confirmed ? "$^\\dagger$" : "");
}

std::string ReportBuilder::certified_mark(const model::TrackSummary& s) {
  if (!s.certification || s.certification->bits <= 0) return "";
  return s.certification->certified ? "\\,$\\checkmark$" : "\\,$\\times$";
}

void ReportBuilder::sweeps_table(Section& section) {
  Table t;
  t.header = {"Sweep", "Model", "Family", "$n$", "Formats", "Reference", "Seed"};
  t.alignment = {Align::left, Align::left, Align::left, Align::left, Align::left, Align::left, Align::right};
  t.widths = {0.15, 0.18, 0, 0.11, 0.15, 0.12, 0};
  for (const PreparedSweep& p : suite_.sweeps) {
    std::vector<std::string> formats;
    for (const std::string& f : p.spec->formats) formats.push_back(breakable_code(f));
    if (p.spec->ablate) formats.push_back("ablation of " + code(*p.spec->ablate));
    const std::vector<std::size_t>& ns = p.settings.ns;
    std::string reference = breakable_code(p.spec->reference, ":");
    if (const auto& x = result(p).cross_check) reference += " and " + breakable_code(x->cross_check, ":");
    t.rows.push_back({breakable_code(p.spec->id, "-"), breakable_code(p.spec->model.text), code(p.spec->family),
                      integer(ns.size()) + " in $[" + integer(ns.front()) + ", " + integer(ns.back()) + "]$",
                      join(formats, ", "), reference, integer(p.spec->seed)});
  }
  t.caption = "The sweeps of this suite. Model specs are presets with options (\\texttt{NAME:key=value}) or files; "
              "the family's prompt and token ids are described in each figure caption.";
  t.label = "tab:sweeps";
  t.size = FontSize::footnotesize;
  t.long_table = true;
  section.blocks.push_back(std::move(t));
  cross_check_paragraph(section);
}

// The references' largest disagreement in each sweep that ran two
// independent 256-bit references (suite key cross_check).
void ReportBuilder::cross_check_paragraph(Section& section) {
  std::vector<std::string> sentences;
  for (const PreparedSweep& p : suite_.sweeps) {
    const auto& x = result(p).cross_check;
    if (!x) continue;
    sentences.push_back("in sweep " + code(p.spec->id) + ", " + code(p.spec->reference) + " and " +
                        code(x->cross_check) + " differ by at most " + math(format_number(x->max_error, 3)) +
                        " in $\\lVert y\\rVert_\\infty$ (" + math(format_number(x->max_relative, 3)) +
                        " relative to $\\lVert y\\rVert_\\infty$; largest at $n = " + integer(x->n_at_max) + "$)");
  }
  if (sentences.empty()) return;
  section.blocks.push_back(Paragraph{
      "\\textbf{Reference cross-check.} MPFR and Boost.Multiprecision's \\texttt{cpp\\_bin\\_float} share no "
      "code; their basic operations are correctly rounded, their exp and tanh are not (a few ulps of 256 bits), "
      "so two correct evaluations of the same model agree to far below double precision: " +
      join(sentences, "; ") +
      ". A disagreement near the distances the report measures would mean a defect in one of the references."});
}

}  // namespace glasses::reports::detail
