// The rounding-site ablation table (report_builder.hpp).
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

void ReportBuilder::ablation_table(Section& section) {
  std::vector<const PreparedSweep*> sweeps;
  for (const PreparedSweep& p : suite_.sweeps) {
    if (p.spec->ablate) sweeps.push_back(&p);
  }
  if (sweeps.empty()) return;
  Table t;
  t.header = {"Rounded in the low format"};
  t.alignment = {Align::left};
  t.widths = {0};
  for (const PreparedSweep* p : sweeps) {
    t.header.push_back(escape(p->spec->label) + ", " + code(*p->spec->ablate) + ", $n \\le " + integer(p->settings.ns.back()) + "$");
    t.alignment.push_back(Align::center);
    t.widths.push_back(std::min(0.3, 0.6 / static_cast<double>(sweeps.size())));
  }
  t.size = FontSize::small;
  // Rows: every site, the mixed policy, and the uniform low format when it ran.
  std::vector<std::string> labels;
  for (const model::NamedSite& site : model::kSites) labels.emplace_back(site.name);
  for (const PreparedSweep* p : sweeps) {
    for (const model::TrackResult& tr : result(*p).tracks) {
      if (tr.spec.group == "ablation" && tr.spec.label.rfind("mixed:", 0) == 0 &&
          std::find(labels.begin(), labels.end(), tr.spec.label) == labels.end())
        labels.push_back(tr.spec.label);
    }
  }
  const auto cell = [](const model::TrackResult* tr) -> std::string {
    if (tr == nullptr) return "n/a";
    return onset_or_dash(tr->summary.onset_first) + " / " + onset_or_dash(tr->summary.onset_permanent);
  };
  for (const std::string& label : labels) {
    std::vector<std::string> row{label.rfind("mixed:", 0) == 0 ? "policy " + code(label) : "only the " + code(label) + " site"};
    for (const PreparedSweep* p : sweeps) {
      const model::TrackResult* tr = nullptr;
      for (const model::TrackResult& x : result(*p).tracks) {
        if (x.spec.group == "ablation" && x.spec.label == label) tr = &x;
      }
      row.push_back(cell(tr));
    }
    t.rows.push_back(std::move(row));
  }
  {
    std::vector<std::string> row{"every site (uniform)"};
    bool any = false;
    for (const PreparedSweep* p : sweeps) {
      const model::TrackResult* tr = find_track(result(*p), *p->spec->ablate);
      any = any || tr != nullptr;
      row.push_back(cell(tr != nullptr && tr->spec.group == "formats" ? tr : nullptr));
    }
    if (any) t.rows.push_back(std::move(row));
  }
  t.caption = "Rounding-site ablation: the reference format everywhere except one site, rounded in the low "
              "format (policy \\texttt{ablate:<site>=<F>}); each cell gives the first / permanent collapse onset (--: none). "
              "The site whose rounding alone collapses earliest is the cause of the collapse.";
  t.label = "tab:ablation";
  section.blocks.push_back(std::move(t));
}

}  // namespace glasses::reports::detail
