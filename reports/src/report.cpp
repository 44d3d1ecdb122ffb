// build_report(): the Document of a suite's results (report.hpp). The parts
// of the report are written by ReportBuilder (report_builder.hpp), one file
// per part; this file holds the order of the sections and the lookups.
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

namespace glasses::reports {
namespace detail {

ReportBuilder::ReportBuilder(const PreparedSuite& suite, const SuiteResults& results, const ReportContext& context)
    : suite_(suite), results_(results), context_(context) {
  if (results.sweeps.size() != suite.sweeps.size() || results.checks.size() != suite.check_ids.size())
    throw InputError("build_report: the results do not belong to this suite");
}

Document ReportBuilder::build() {
  doc_.title = escape(suite_.suite.title);
  doc_.date = escape(context_.date);
  doc_.title_page = true;
  doc_.extra_preamble =
      "% Room for the report's many figures and tables.\n"
      "\\extrafloats{100}\n"
      "\\setcounter{topnumber}{3}\\setcounter{totalnumber}{4}\n"
      "\\renewcommand{\\topfraction}{0.9}\\renewcommand{\\bottomfraction}{0.6}\n"
      "\\renewcommand{\\textfraction}{0.07}\n"
      "\\setlength{\\emergencystretch}{2em}\n"
      "\\renewcommand{\\floatpagefraction}{0.4}\n"
      "\\setlength{\\tabcolsep}{4pt}\n"
      "\\frenchspacing";
  provenance();
  sweep_data();
  check_data();
  tables_and_figures();
  summary_section();
  statements_section();
  onsets_section();
  why_section();
  figures_section();
  bounds_section();
  loose_section();
  if (!suite_.sweeps.empty()) {
    Section sweeps{"The sweeps", {}};
    sweeps_table(sweeps);
    doc_.sections.push_back(std::move(sweeps));
  }
  details_section();
  return std::move(doc_);
}

const PreparedSweep& ReportBuilder::sweep(const std::string& id) const {
  for (const PreparedSweep& p : suite_.sweeps) {
    if (p.spec->id == id) return p;
  }
  throw InputError("build_report: no sweep '" + id + "'");
}

const model::SweepResult& ReportBuilder::result(const PreparedSweep& p) const {
  return results_.sweeps[static_cast<std::size_t>(&p - suite_.sweeps.data())].result;
}

const CheckOutcome* ReportBuilder::check(std::string_view id) const {
  for (const CheckOutcome& c : results_.checks) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

std::string ReportBuilder::sweep_data_name(const PreparedSweep& p) const { return "sweep-" + p.spec->id; }

// The column of `metric` of the first track labelled `track` (a format
// before an ablation policy of the same name).
std::string ReportBuilder::column(const PreparedSweep& p, const std::string& track, const std::string& metric) const {
  const model::SweepResult& r = result(p);
  for (std::size_t t = 0; t < r.tracks.size(); ++t) {
    if (r.tracks[t].spec.label == track) return track_keys_.at(p.spec->id).at(t) + "." + metric;
  }
  throw Error("build_report: sweep '" + p.spec->id + "' has no track '" + track + "'");
}

}  // namespace detail

Document build_report(const PreparedSuite& suite, const SuiteResults& results, const ReportContext& context) {
  return detail::ReportBuilder(suite, results, context).build();
}

}  // namespace glasses::reports
