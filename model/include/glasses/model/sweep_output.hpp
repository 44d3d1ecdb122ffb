// What a sweep writes: the tidy table (sweep.csv) and the summary
// (summary.json), built once here for every client (`glasses sweep`, the
// Python package). Pure functions of the results: no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/model/sweep.hpp"
#include "glasses/model/tasks.hpp"

namespace glasses::model {

// The tidy table: one row per n × track × metric, in that order (n, then
// track, then metric), as columns.
struct TidyTable {
  std::vector<std::size_t> n;
  std::vector<std::string> format, group, metric;
  std::vector<double> value;
};
TidyTable tidy_table(const std::vector<std::size_t>& ns, const SweepResult& result);

// sweep.csv: the header `family,n,format,group,metric,value`, then the rows;
// values with 17 significant digits (exact), nan, inf, -inf.
std::string tidy_csv(std::string_view family, const TidyTable& table);

// What the summary describes besides the results.
struct SweepDescription {
  const ModelSource* model = nullptr;
  const PairFamily* family = nullptr;
  std::string family_name;                        // as the user named it
  std::optional<TokensPerUnit> tokens_per_unit;   // text families
  std::string build_provenance_json;              // a JSON object of the client's build facts ("{}" if none)
};

// summary.json (indented by 2, ending in a newline): family, n, reference,
// per track onsets and certification, the references' disagreement when
// there is a cross-check track, and provenance (the client's build
// facts plus model, seeds and threads).
std::string summary_json(const SweepDescription& description, const SweepSettings& settings,
                         const SweepResult& result);

// Refuses (InputError) sequences longer than the model's positions.
void check_sequences_fit(const ModelSource& model, const PairFamily& family, std::size_t largest_n);

}  // namespace glasses::model
