// The data files: sweep-<id>.csv, onsets.csv, checks.csv, check-<series>.csv (report_builder.hpp).
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

void ReportBuilder::add_data(DataFile file) {
  if (!data_names_.insert(file.name).second) throw Error("build_report: two data files are named '" + file.name + "'");
  doc_.data.push_back(std::move(file));
}

void ReportBuilder::sweep_data() {
  CsvTable onsets;
  onsets.header = {"sweep", "track", "group", "first", "permanent", "predicted", "certified", "exact_Dinf_lower",
                   "exact_Dinf_upper", "interval_bits", "nonfinite"};
  for (const PreparedSweep& p : suite_.sweeps) {
    const model::SweepResult& r = result(p);
    auto& keys = track_keys_[p.spec->id];
    std::set<std::string> used;
    // Ablation tracks are prefixed: their labels (sites, the mixed policy)
    // may repeat a format's.
    for (const model::TrackResult& t : r.tracks) {
      std::string key = (t.spec.group == "ablation" ? "ablate-" : "") + track_key(t.spec.label);
      std::string unique = key;
      for (int k = 2; !used.insert(unique).second; ++k) unique = key + "-" + std::to_string(k);
      keys.push_back(unique);
    }
    DataFile file;
    file.name = sweep_data_name(p);
    file.table.header.push_back("n");
      for (std::size_t t = 0; t < r.tracks.size(); ++t) {
      for (const auto& [name, value] : model::metric_values(r.tracks[t].points.front())) {
        (void)value;
        file.table.header.push_back(keys[t] + "." + name);
      }
      file.table.header.push_back(keys[t] + ".rel_Dinf");
    }
    for (std::size_t i = 0; i < p.settings.ns.size(); ++i) {
      std::vector<CsvCell> row{static_cast<std::int64_t>(p.settings.ns[i])};
      for (const model::TrackResult& t : r.tracks) {
        const model::PointMetrics& point = t.points.at(i);
        for (const auto& [name, value] : model::metric_values(point)) {
          (void)name;
          row.emplace_back(value);
        }
        row.emplace_back(point.y_norm_inf > 0 ? point.dinf / point.y_norm_inf : std::nan(""));
      }
      file.table.rows.push_back(std::move(row));
    }
    add_data(std::move(file));
    for (const model::TrackResult& t : r.tracks) {
      const model::TrackSummary& s = t.summary;
      const auto opt = [](const std::optional<std::size_t>& n) -> CsvCell {
        return n ? CsvCell(static_cast<std::int64_t>(*n)) : CsvCell(std::string());
      };
      const std::optional<model::Certification>& c = s.certification;
      onsets.rows.push_back({p.spec->id, t.spec.label, t.spec.group, opt(s.onset_first), opt(s.onset_permanent),
                             opt(s.onset_predicted),
                             c ? CsvCell(std::string(c->bits > 0 ? (c->certified ? "yes" : "no") : "skipped")) : CsvCell(std::string()),
                             c && c->bits > 0 ? CsvCell(c->exact_distance_lower) : CsvCell(std::string()),
                             c && c->bits > 0 ? CsvCell(c->exact_distance_upper) : CsvCell(std::string()),
                             c && c->bits > 0 ? CsvCell(static_cast<std::int64_t>(c->bits)) : CsvCell(std::string()),
                             static_cast<std::int64_t>(s.nonfinite ? 1 : 0)});
    }
  }
  if (!suite_.sweeps.empty()) add_data({"onsets", std::move(onsets)});
}

void ReportBuilder::check_data() {
  if (results_.checks.empty()) return;
  CsvTable table;
  table.header = {"check", "expected", "instances", "proven", "refuted", "holds_numerically", "inconclusive",
                  "worst_margin", "failed"};
  for (const CheckOutcome& c : results_.checks) {
    const auto counts = c.result.verdict_counts();
    table.rows.push_back({c.id(), std::string(proofs::to_string(c.expected())),
                          static_cast<std::int64_t>(c.result.instances.size()), static_cast<std::int64_t>(counts[0]),
                          static_cast<std::int64_t>(counts[1]), static_cast<std::int64_t>(counts[2]),
                          static_cast<std::int64_t>(counts[3]), c.result.worst_margin(),
                          static_cast<std::int64_t>(c.result.failed() ? 1 : 0)});
    for (const proofs::Series& s : c.result.data) {
      DataFile file;
      file.name = file_stem("check-" + s.name);
      if (data_names_.count(file.name) != 0) file.name = file_stem("check-" + c.id() + "-" + s.name);
      check_files_[{c.id(), s.name}] = file.name;
      file.table.header = s.columns;
      for (const std::vector<double>& row : s.rows) {
        std::vector<CsvCell> cells(row.begin(), row.end());
        cells.resize(s.columns.size(), std::nan(""));
        file.table.rows.push_back(std::move(cells));
      }
      add_data(std::move(file));
    }
  }
  add_data({"checks", std::move(table)});
}

// The data file of a check's series, or nullptr when the check did not produce it.
const DataFile* ReportBuilder::check_series(std::string_view check_id, std::string_view series) const {
  const auto it = check_files_.find({std::string(check_id), std::string(series)});
  if (it == check_files_.end()) return nullptr;
  for (const DataFile& f : doc_.data) {
    if (f.name == it->second) return &f;
  }
  return nullptr;
}

}  // namespace glasses::reports::detail

namespace glasses::reports {

std::string track_key(std::string_view label) {
  std::string key(label);
  for (char& c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) c = '-';
  }
  return key.empty() ? "track" : key;
}

}  // namespace glasses::reports
