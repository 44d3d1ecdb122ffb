// The section "Why it collapses" (report_builder.hpp): onsets by summation
// order (table and figure), where the two inputs merge, and the
// calibration of the onset predictors of model/predict.hpp against the
// observed onsets (docs/why_it_collapses.md).
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "glasses/model/policy.hpp"
#include "glasses/model/predict.hpp"
#include "glasses/reports/latex.hpp"
#include "report_builder.hpp"
#include "report_text.hpp"

namespace glasses::reports::detail {
namespace {

// A track's format without its @<order>.
std::string base_format(const std::string& label) { return label.substr(0, label.find('@')); }

bool within_factor_2(std::size_t observed, std::size_t predicted) {
  const double ratio = static_cast<double>(observed) / static_cast<double>(predicted);
  return ratio >= 0.5 && ratio <= 2.0;
}

}  // namespace

// Every low-precision format track of every sweep: the observed permanent
// onset against each predictor's.
std::vector<ReportBuilder::CalibrationCase> ReportBuilder::calibration_cases() const {
  std::vector<CalibrationCase> out;
  for (const PreparedSweep& p : suite_.sweeps) {
    for (const model::TrackResult* t : low_tracks(p, result(p))) out.push_back({&p, t});
  }
  return out;
}

ReportBuilder::CalibrationScore ReportBuilder::calibration_score(model::Predictor predictor) const {
  CalibrationScore s;
  for (const CalibrationCase& c : calibration_cases()) {
    const model::TrackSummary& su = c.track->summary;
    const std::optional<std::size_t> predicted = model::predicted_onset(su, predictor);
    if (!su.onset_permanent) {
      s.false_alarms += predicted ? 1 : 0;
      continue;
    }
    const std::size_t hit = predicted && within_factor_2(*su.onset_permanent, *predicted) ? 1 : 0;
    ++s.observed;
    s.within += hit;
    if (su.onset_confirmed) {
      ++s.confirmed;
      s.within_confirmed += hit;
    }
  }
  return s;
}

std::string ReportBuilder::calibration_text(model::Predictor predictor) const {
  const CalibrationScore s = calibration_score(predictor);
  return integer(s.within_confirmed) + " of " + integer(s.confirmed) +
         (s.confirmed > 0 ? " (" + integer(static_cast<std::size_t>(std::lround(100.0 * static_cast<double>(s.within_confirmed) /
                                                                                 static_cast<double>(s.confirmed)))) +
                                "\\,\\%)"
                          : std::string());
}

void ReportBuilder::calibration_table(Section& section) {
  Table t;
  t.header = {"Sweep", "Format", "observed"};
  t.alignment = {Align::left, Align::left, Align::right};
  t.widths = {0.2, 0.13, 0};
  for (const model::NamedPredictor& p : model::kPredictors) {
    t.header.push_back(std::string(p.name) + (p.predictor == model::kChosenPredictor ? "$^*$" : ""));
    t.alignment.push_back(Align::right);
    t.widths.push_back(0);
  }
  t.size = FontSize::footnotesize;
  for (const CalibrationCase& c : calibration_cases()) {
    const model::TrackSummary& su = c.track->summary;
    std::vector<std::string> row{escape(c.sweep->spec->label), breakable_code(c.track->spec.label, ":/;@"),
                                 permanent_onset(su)};
    bool any = su.onset_permanent.has_value();
    for (const model::NamedPredictor& p : model::kPredictors) {
      const std::optional<std::size_t> n = model::predicted_onset(su, p.predictor);
      any = any || n.has_value();
      std::string cell = onset_or_dash(n);
      if (n && su.onset_permanent && within_factor_2(*su.onset_permanent, *n)) cell = "\\textbf{" + cell + "}";
      row.push_back(cell);
    }
    if (any) t.rows.push_back(std::move(row));
  }
  if (t.rows.empty()) return;
  // The score of each predictor, as three last rows.
  std::vector<std::string> confirmed{"within $2\\times$ of a confirmed onset", "", ""},
      within{"within $2\\times$ of any observed onset", "", ""}, alarms{"predicted, none observed", "", ""};
  for (const model::NamedPredictor& p : model::kPredictors) {
    const CalibrationScore score = calibration_score(p.predictor);
    confirmed.push_back(integer(score.within_confirmed) + "/" + integer(score.confirmed));
    within.push_back(integer(score.within) + "/" + integer(score.observed));
    alarms.push_back(integer(score.false_alarms));
  }
  t.caption =
      "Calibration of the onset predictors: per low-precision track of every sweep (rows with an observed or a "
      "predicted onset), the observed permanent onset and each predictor's permanent onset (the first point from "
      "which it expects a collapse at every later point), computed from the reference track and the format's "
      "parameters only; bold: within a factor "
      "2 of the observed onset; $^\\dagger$: an onset no later point of the grid confirms (it holds only on the $n$ "
      "walked to the range's end, so it cannot be told from a collapse that merely comes more and more often; "
      "\\texttt{onset\\_confirmed} in \\texttt{summary.json}), left out of the first score. distance: $D_\\infty^{\\mathrm{ref}} < u_F \\lVert y\\rVert_\\infty$ (the original "
      "predictor); ulp-count: $\\sum_i |\\delta_i|/\\mathrm{ulp}_F(y_i) < \\ln 2$; stagnation: layer~0's exact "
      "softmax denominators differ by at most half an ulp in $F$; replay: layer~0's attention of the last position "
      "redone in the track's formats and summation orders on the reference's scores and values gives identical "
      "outputs for $s$ and $s^*$; residual: the replay carried on through $W_O$ and the residual add gives an identical residual stream; absorption: residual where $s^*$ only adds keys at layer~0 (up to a common shift of the scores), else ulp-count. $^*$: the predictor behind \\texttt{onset\\_predicted}. No constant is fitted. "
      "Definitions and derivations: \\texttt{docs/why\\_it\\_collapses.md}.";
  t.rows.push_back(std::move(confirmed));
  t.rows.push_back(std::move(within));
  t.rows.push_back(std::move(alarms));
  t.label = "tab:calibration";
  section.blocks.push_back(std::move(t));
}

// Onset per summation order, one line per (sweep, format), on a log axis.
void ReportBuilder::order_figure(Section& section) {
  std::vector<std::string> orders;
  std::map<std::string, std::map<std::string, std::optional<std::size_t>>> lines;  // key -> order -> onset
  std::vector<std::string> keys;
  std::map<std::string, std::string> labels;  // key -> legend entry
  for (const PreparedSweep& p : suite_.sweeps) {
    for (const model::TrackResult* t : low_tracks(p, result(p))) {
      const std::string order = model::orders_text(t->spec.run.policy);
      if (std::find(orders.begin(), orders.end(), order) == orders.end()) orders.push_back(order);
      const std::string key = p.spec->id + "." + base_format(t->spec.label);
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        keys.push_back(key);
        labels[key] = escape(p.spec->id) + ", " + code(base_format(t->spec.label));
      }
      lines[key][order] = t->summary.onset_first;
    }
  }
  if (orders.size() < 2) return;
  // Only the lines measured in more than one order, and with some onset.
  std::erase_if(keys, [&](const std::string& key) {
    const auto& by_order = lines[key];
    return by_order.size() < 2 ||
           std::none_of(by_order.begin(), by_order.end(), [](const auto& e) { return e.second.has_value(); });
  });
  if (keys.empty()) return;
  DataFile file;
  file.name = "why-orders";
  file.table.header = {"order"};
  Figure f;
  f.name = "why-orders";
  for (const std::string& key : keys) {
    const std::string column = "onset" + integer(file.table.header.size());
    file.table.header.push_back(column);
    f.series.push_back({labels[key], file.name, "order", column, ""});
  }
  for (std::size_t o = 0; o < orders.size(); ++o) {
    std::vector<CsvCell> row{static_cast<std::int64_t>(o + 1)};
    for (const std::string& key : keys) {
      const auto it = lines[key].find(orders[o]);
      row.emplace_back(it != lines[key].end() && it->second ? static_cast<double>(*it->second) : std::nan(""));
    }
    file.table.rows.push_back(std::move(row));
  }
  std::vector<std::string> ticks, names;
  for (std::size_t o = 0; o < orders.size(); ++o) {
    ticks.push_back(integer(o + 1));
    names.push_back("{\\texttt{" + escape(orders[o]) + "}}");
  }
  f.x_label = "summation order";
  f.y_label = "first collapse onset $n$";
  f.log_y = true;
  f.log_basis_y = 2;
  f.legend = LegendPosition::outer_north_east;
  f.x_range = AxisRange{0.5, static_cast<double>(orders.size()) + 0.5};
  f.axis_options = "width=0.55\\linewidth, height=0.44\\linewidth, xtick={" + join(ticks, ",") + "}, xticklabels={" + join(names, ",") +
                   "}, x tick label style={rotate=30, anchor=north east, font=\\scriptsize}";
  f.caption = "First collapse onset by summation order: each line is one format of one sweep summed in every order "
              "the suite ran (Table~\\ref{tab:orders}); a missing point means no collapse up to $n_{\\max}$.";
  add_data(std::move(file));
  section.blocks.push_back(std::move(f));
}

// What the numbers of this section show, in sentences built from them.
void ReportBuilder::why_text(Section& section) {
  std::vector<std::string> sentences;
  // The predictors' calibration.
  std::vector<std::string> scores;
  for (const model::NamedPredictor& p : model::kPredictors) scores.push_back(std::string(p.name) + " " + calibration_text(p.predictor));
  const CalibrationScore chosen = calibration_score(model::kChosenPredictor);
  if (chosen.confirmed > 0) {
    sentences.push_back("Of the observed permanent onsets that a later grid point confirms, each predictor puts within a factor 2 "
                        "(Table~\\ref{tab:calibration}): " +
                        join(scores, ", ") + "; the reported \\texttt{onset\\_predicted} is " +
                        code(std::string(model::to_string(model::kChosenPredictor))) + ", which puts " +
                        integer(chosen.within) + " of all " + integer(chosen.observed) +
                        " permanent onsets, confirmed or not, within a factor 2");
  }
  // Where the inputs merge: the step most first roundings fall on.
  std::map<std::string, std::size_t> first_rounding;
  std::size_t merges = 0;
  for (const PreparedSweep& p : suite_.sweeps) {
    for (const model::TrackResult& t : result(p).tracks) {
      const auto& m = t.summary.merge;
      if (!m || !m->collapsed || !m->first_rounding) continue;
      ++merges;
      const model::MergeLocation& r = *m->first_rounding;
      ++first_rounding[(r.layer >= 0 ? "layer " + integer(static_cast<std::size_t>(r.layer)) + " " : std::string()) +
                       std::string(model::to_string(r.step))];
    }
  }
  if (merges > 0) {
    const auto top = std::max_element(first_rounding.begin(), first_rounding.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
    sentences.push_back("at " + integer(top->second) + " of " + integer(merges) +
                        " first onsets the first rounding that absorbs the difference is the " + escape(top->first) +
                        " (Table~\\ref{tab:merge})");
  }
  // Orders: which order collapses first, per line that ran several.
  std::map<std::string, std::size_t> earliest;
  std::size_t compared = 0;
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::size_t>> onsets;
  for (const PreparedSweep& p : suite_.sweeps) {
    for (const model::TrackResult* t : low_tracks(p, result(p))) {
      if (t->summary.onset_first) onsets[{p.spec->id, base_format(t->spec.label)}][model::orders_text(t->spec.run.policy)] = *t->summary.onset_first;
    }
  }
  for (const auto& [key, by_order] : onsets) {
    if (by_order.size() < 2) continue;
    ++compared;
    ++earliest[std::min_element(by_order.begin(), by_order.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first];
  }
  if (compared > 0) {
    std::vector<std::string> parts;
    for (const auto& [order, count] : earliest) parts.push_back(code(order) + " in " + integer(count));
    sentences.push_back((compared == 1 ? std::string("for the one format") : "among the " + integer(compared) + " formats") +
                        " run in several summation orders, the earliest first onset comes from " + and_list(parts) +
                        " (Fig.~\\ref{fig:why-orders})");
  }
  if (sentences.empty()) return;
  std::string text = join(sentences, "; ") + ".";
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  section.blocks.push_back(Paragraph{text});
}

// R.1 and S.1 (issue 14 part 4): what the two checks measured, in
// sentences built from their data, as the two mechanisms the predictors
// read (position-dependent rounding of the scores; the softmax sum that
// stops growing).
void ReportBuilder::why_statements(Section& section) {
  const auto figure_ref = [&](std::string_view id) {
    const auto it = figures_of_check_.find(std::string(id));
    return it == figures_of_check_.end() ? std::string() : " (Fig.~\\ref{fig:" + it->second.front() + "})";
  };
  const auto series = [](const CheckOutcome& c, std::string_view name) -> const proofs::Series* {
    for (const proofs::Series& s : c.result.data) {
      if (s.name == name) return &s;
    }
    return nullptr;
  };
  std::vector<std::string> paragraphs;
  if (const CheckOutcome* c = check("R.1")) {
    std::vector<std::string> drifts;
    for (const char* format : {"fp32", "bf16", "fp16"}) {
      const proofs::Series* s = series(*c, std::string("r1_drift_") + format);
      if (s == nullptr || s->rows.empty()) continue;
      const auto worst = std::max_element(s->rows.begin(), s->rows.end(), [](const auto& a, const auto& b) { return a[1] < b[1]; });
      drifts.push_back(num((*worst)[1], 2) + " in " + format + " (at $m = " + integer(static_cast<std::size_t>((*worst)[0])) + "$)");
    }
    std::string text = check_id_text("R.1") + " (" + verdict_outcome(*c) +
                       "): in exact arithmetic a RoPE score depends only on the offset $m - n$ (certified)";
    if (!drifts.empty()) {
      text += "; computed, the score at offset 8 drifts with the absolute position by up to " + and_list(drifts) +
              " of $\\lVert q\\rVert\\,\\lVert k\\rVert$" + figure_ref("R.1");
    }
    paragraphs.push_back(text + ". With RoPE the last position of $s^*$ sees every key at a new distance, so "
                                "its layer-0 scores are not those of $s$ plus one (ALiBi only shifts them all by one "
                                "slope, which softmax cannot see): no sum can simply absorb an extra "
                                "key, and \\texttt{absorption} falls back to the rounding of the output "
                                "(\\texttt{ulp-count}).");
  }
  if (const CheckOutcome* c = check("S.1")) {
    std::vector<std::string> stops;
    if (const proofs::Series* s = series(*c, "s1_extremal"); s != nullptr && s->rows.size() > 1) {
      for (std::size_t f = 2; f < s->columns.size(); ++f) {
        for (std::size_t i = 1; i < s->rows.size(); ++i) {
          if (s->rows[i][f] == s->rows[i - 1][f]) {
            stops.push_back(s->columns[f] + " at $n = " + integer(static_cast<std::size_t>(s->rows[i][0])) + "$");
            break;
          }
        }
      }
    }
    std::string text = check_id_text("S.1") + " (" + verdict_outcome(*c) +
                       "): with logits in $[-B, B]$ the largest attention weight is at most $e^{2B}/(e^{2B} + n - 1)$, "
                       "which tends to 0";
    if (!stops.empty()) {
      text += "; computed for $B = 1$, the largest weight stops falling in " + and_list(stops) + figure_ref("S.1") +
              ", where the sequential partition sum no longer grows by one more term";
    }
    paragraphs.push_back(text + ". That is the stagnation the \\texttt{stagnation} and \\texttt{replay} predictors "
                                "read from the reference: once an extra key's term no longer changes the sum, $s$ "
                                "and $s^*$ give the same weights.");
  }
  for (std::string& p : paragraphs) section.blocks.push_back(Paragraph{std::move(p)});
}

void ReportBuilder::why_section() {
  Section section;
  section.title = "Why it collapses";
  why_text(section);
  calibration_table(section);
  order_table(section);
  order_figure(section);
  merge_table(section);
  why_statements(section);
  if (section.blocks.empty()) return;
  section.blocks.push_back(Paragraph{"\\clearpage"});
  doc_.sections.push_back(std::move(section));
}

}  // namespace glasses::reports::detail
