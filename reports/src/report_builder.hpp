// The report builder (private to glasses::reports): the state that
// build_report() (report.hpp) fills a Document from, and one member function
// per part of the report. Each part lives in a file of its own:
//   report.cpp                 build_report(), the order of the sections, lookups
//   report_provenance.cpp      the provenance block (suite, build, date, seeds)
//   report_data.cpp            data/*.csv: sweeps, onsets, checks, check series
//   report_figures.cpp         sweep figures, check-series figures, placing figures
//   report_check_figures.cpp   built-in check figures, from the checks' FigureData
//   report_onsets.cpp          the collapse-onset table and the table of sweeps
//   report_ablation.cpp        the rounding-site ablation table
//   report_mitigations.cpp     the mitigation table
//   report_merge.cpp           onsets by summation order, where the two inputs merge
//   report_why.cpp             the section "Why it collapses": predictor calibration, orders figure
//   report_summary.cpp         the summary of findings
//   report_check_sections.cpp  verdict table, loose statements, check details
// The text helpers they share (numbers, lists, models, tracks, sweep
// descriptions) are in report_text.hpp.
//
// Every member is deterministic: the same suite and results give the same
// Document, byte for byte once written.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "glasses/model/predict.hpp"
#include "glasses/reports/document.hpp"
#include "glasses/reports/report.hpp"

namespace glasses::reports::detail {

class ReportBuilder {
 public:
  ReportBuilder(const PreparedSuite& suite, const SuiteResults& results, const ReportContext& context);
  Document build();

 private:
  const PreparedSuite& suite_;
  const SuiteResults& results_;
  const ReportContext& context_;
  Document doc_;
  // Rendered blocks waiting for their section.
  std::vector<Block> onset_blocks_, figure_blocks_, bound_blocks_;
  std::map<std::string, std::vector<std::string>> figures_of_check_;  // check id -> figure names
  std::map<std::string, std::vector<std::string>> track_keys_;  // sweep id -> column key of each track
  std::set<std::string> data_names_;
  std::map<std::pair<std::string, std::string>, std::string> check_files_;  // (check, series) -> data name
  // A format of a mitigating sweep and the same format of its baseline.
  struct Mitigation {
    const PreparedSweep* base;
    const PreparedSweep* sweep;
    const model::TrackResult* with;
    const model::TrackResult* without;
  };

  // ---- report.cpp: build_report(), the order of the sections, lookups
  const PreparedSweep& sweep(const std::string& id) const;
  const model::SweepResult& result(const PreparedSweep& p) const;
  const CheckOutcome* check(std::string_view id) const;
  std::string sweep_data_name(const PreparedSweep& p) const;
  // The column of `metric` of the first track labelled `track` (a format
  // before an ablation policy of the same name).
  std::string column(const PreparedSweep& p, const std::string& track, const std::string& metric) const;

  // ---- report_provenance.cpp: the provenance block
  void provenance();

  // ---- report_data.cpp: the data files
  void add_data(DataFile file);
  void sweep_data();
  void check_data();
  // The data file of a check's series, or nullptr when the check did not produce it.
  const DataFile* check_series(std::string_view check_id, std::string_view series) const;

  // ---- report_figures.cpp: sweep figures, check-series figures, placing figures
  std::string user_caption(const FigureSpec& f) const;
  std::string check_caption(std::string_view id) const;
  // A figure that could not be drawn: a paragraph saying why.
  void missing(std::vector<Block>& into, const FigureSpec& f, const std::string& why);
  void place(const FigureSpec& spec, Figure figure, std::vector<Block>& into, std::string_view check_id = {});
  void collapse_figure(const FigureSpec& f);
  void heads_figure(const FigureSpec& f);
  std::string metric_label(const std::string& metric) const;
  void compare_figure(const FigureSpec& f);
  // A series of a check's data file.
  static Series check_line(const DataFile& file, const std::string& x, const std::string& y, const std::string& label,
                           const std::string& style = "");
  static std::string palette_color(std::size_t i);
  bool has_column(const DataFile& file, const std::string& column) const;
  void check_series_figure(const FigureSpec& f);
  void tables_and_figures();
  void figures_section();
  void bounds_section();
  // A section of the blocks waiting in `blocks` (none when empty), then a page break.
  void pending_section(const std::string& title, std::vector<Block>& blocks);

  // ---- report_check_figures.cpp: built-in check figures, from the checks' FigureData
  std::vector<Block>& blocks_of(proofs::ReportSection section);
  // A built-in check figure, drawn from the FigureData its check published
  // (proofs/figure.hpp): the curves, their subjects and the section come
  // from the check; the axes, legend wording, styles and caption from here.
  void check_figure(const FigureSpec& f);

  // ---- report_onsets.cpp: the collapse-onset table and the table of sweeps
  std::vector<const PreparedSweep*> onset_sweeps() const;
  // The low formats of the onset table, in order of first appearance.
  std::vector<std::string> onset_formats() const;
  void onsets_section();
  // A dash: no collapse (or no prediction) up to n_max.
  static std::string onset_or_dash(const std::optional<std::size_t>& n);
  // The permanent onset, with the first one in parentheses when earlier.
  static std::string observed_onset(const model::TrackSummary& s);
  // The permanent onset, marked $^\dagger$ when no later point confirms it.
  static std::string permanent_onset(const model::TrackSummary& s);
  static std::string certified_mark(const model::TrackSummary& s);
  void sweeps_table(Section& section);
  void cross_check_paragraph(Section& section);

  // ---- report_ablation.cpp: the rounding-site ablation table
  void ablation_table(Section& section);

  // ---- report_mitigations.cpp: the mitigation table
  // Every mitigated format, grouped by baseline sweep, all in suite order.
  std::vector<Mitigation> mitigations() const;
  // The paper's mitigations (commas, a sliding window, a hint, more
  // precision at one site): each mitigating sweep's formats against the same
  // format of its baseline sweep.
  void mitigations_table(Section& section);

  // ---- report_merge.cpp: onsets by summation order, where the two inputs merge
  void order_table(Section& section);
  void merge_table(Section& section);

  // ---- report_why.cpp: the section "Why it collapses"
  struct CalibrationCase {
    const PreparedSweep* sweep;
    const model::TrackResult* track;
  };
  struct CalibrationScore {
    std::size_t within = 0, observed = 0;  // observed permanent onsets, and those predicted within a factor 2
    std::size_t within_confirmed = 0, confirmed = 0;  // the same over confirmed onsets (TrackSummary::onset_confirmed)
    std::size_t false_alarms = 0;          // predicted onsets where none was observed
  };
  std::vector<CalibrationCase> calibration_cases() const;
  CalibrationScore calibration_score(model::Predictor predictor) const;
  std::string calibration_text(model::Predictor predictor) const;  // over confirmed onsets: "5 of 6 (83 %)"
  void calibration_table(Section& section);
  void order_figure(Section& section);
  void why_text(Section& section);
  // The place of R.1 and S.1 (issue 14 part 4) in this section.
  void why_statements(Section& section);
  void why_section();

  // ---- report_summary.cpp: the summary of findings
  void summary_section();

  // ---- report_check_sections.cpp: verdict table, loose statements, check details
  static std::string verdict_outcome(const CheckOutcome& c);
  void statements_section();
  std::string notes_list(const proofs::CheckResult& r) const;
  std::string counts_text(const CheckOutcome& c) const;
  void loose_section();
  void details_section();
};

}  // namespace glasses::reports::detail
