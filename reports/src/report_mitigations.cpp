// The mitigation table (report_builder.hpp).
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

// Every mitigated format, grouped by baseline sweep, all in suite order.
std::vector<ReportBuilder::Mitigation> ReportBuilder::mitigations() const {
  std::vector<Mitigation> out;
  for (const PreparedSweep& base : suite_.sweeps) {
    for (const PreparedSweep& p : suite_.sweeps) {
      if (p.spec->mitigates != base.spec->id) continue;
      for (const model::TrackResult& tr : result(p).tracks) {
        if (tr.spec.group != "formats" || tr.spec.label == p.settings.reference) continue;
        const model::TrackResult* without = find_track(result(base), baseline_format(tr.spec.label));
        if (without != nullptr) out.push_back({&base, &p, &tr, without});  // prepare_suite() checked that it exists
      }
    }
  }
  return out;
}

// The paper's mitigations (commas, a sliding window, a hint, more
// precision at one site): each mitigating sweep's formats against the same
// format of its baseline sweep.
void ReportBuilder::mitigations_table(Section& section) {
  Table t;
  t.header = {"Baseline", "Mitigation", "Format", "without", "with"};
  t.alignment = {Align::left, Align::left, Align::left, Align::center, Align::center};
  t.widths = {0.21, 0.22, 0.19, 0, 0};
  t.size = FontSize::footnotesize;
  const PreparedSweep* previous_base = nullptr;
  for (const Mitigation& m : mitigations()) {
    const PreparedSweep& base = *m.base;
    t.rows.push_back({&base != previous_base ? escape(base.spec->label) + ", $n \\le " + integer(base.settings.ns.back()) + "$" : "",
                      escape(m.sweep->spec->label), breakable_code(m.with->spec.label, ":/;"),
                      observed_onset(m.without->summary) + certified_mark(m.without->summary),
                      observed_onset(m.with->summary) + certified_mark(m.with->summary)});
    previous_base = &base;
  }
  if (t.rows.empty()) return;
  t.caption = "Mitigations: the collapse onset (permanent, with the first in parentheses when earlier) without and "
              "with each mitigation, in the same format (a \\texttt{sites:} policy is compared with its "
              "\\texttt{default} format); a dash means no collapse up to $n_{\\max}$. $\\checkmark$ / $\\times$: the exact "
              "distance at the first onset is / is not certified positive --- a $\\times$ means the exact model "
              "itself cannot tell the inputs apart there (e.g.\\ once a sliding window no longer sees the difference), "
              "so that collapse is not caused by rounding. Settings of each sweep in Table~\\ref{tab:sweeps}.";
  t.label = "tab:mitigations";
  section.blocks.push_back(std::move(t));
}

}  // namespace glasses::reports::detail
