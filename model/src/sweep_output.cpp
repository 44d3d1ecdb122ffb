#include "glasses/model/sweep_output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "glasses/numerics/error.hpp"

namespace glasses::model {
namespace {

using nlohmann::json;

std::string number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", x);
  return b;
}

json onset(const std::optional<std::size_t>& n) { return n ? json(*n) : json(nullptr); }

json location_json(const MergeLocation& m) {
  return {{"layer", m.layer >= 0 ? json(m.layer) : json(nullptr)},
          {"step", std::string(to_string(m.step))},
          {"head", m.head >= 0 ? json(m.head) : json(nullptr)}};
}

// Where s and s* merge at the first onset (merge.hpp); layers and heads from 0.
json merge_json(const MergePoint& m) {
  if (!m.collapsed) return json(nullptr);
  json j = location_json(m.merge);
  j["n"] = m.n;
  j["first_rounding"] = m.first_rounding ? location_json(*m.first_rounding) : json(nullptr);
  return j;
}

json summary_entry(const TrackResult& t) {
  const TrackSummary& s = t.summary;
  json e;
  e["scalar"] = t.spec.run.execution.site_rounding ? t.spec.run.policy.text + " (site rounding)" : t.spec.run.policy.text;
  e["order"] = orders_text(t.spec.run.policy);
  e["onset_first"] = onset(s.onset_first);
  e["onset_permanent"] = onset(s.onset_permanent);
  e["onset_confirmed"] = s.onset_confirmed;
  e["onset_predicted"] = onset(s.onset_predicted);
  e["onset_predictor"] = std::string(to_string(kChosenPredictor));
  // The original predictor as it was: its first point.
  for (const PredictedOnset& p : s.predictions) {
    if (p.predictor == Predictor::distance) e["onset_predicted_distance"] = onset(p.first);
  }
  json by = json::object();
  json first = json::object();
  for (const PredictedOnset& p : s.predictions) {
    by[std::string(to_string(p.predictor))] = onset(p.n);
    first[std::string(to_string(p.predictor))] = onset(p.first);
  }
  e["onset_predictors"] = by;
  e["onset_predictors_first"] = first;
  const auto& c = s.certification;
  e["certified"] = c ? json(c->certified) : json(nullptr);
  e["exact_distance_lower"] = c && c->bits > 0 ? json(c->exact_distance_lower) : json(nullptr);
  e["exact_distance_upper"] = c && c->bits > 0 ? json(c->exact_distance_upper) : json(nullptr);
  e["interval_bits"] = c && c->bits > 0 ? json(c->bits) : json(nullptr);
  e["certification_note"] = c ? json(c->note) : json(nullptr);
  if (s.certification_permanent) {
    e["certified_permanent"] = s.certification_permanent->certified;
    e["exact_distance_lower_permanent"] = s.certification_permanent->exact_distance_lower;
  }
  e["merge"] = s.merge ? merge_json(*s.merge) : json(nullptr);
  e["nonfinite"] = s.nonfinite;
  return e;
}

}  // namespace

TidyTable tidy_table(const std::vector<std::size_t>& ns, const SweepResult& result) {
  TidyTable table;
  for (std::size_t i = 0; i < ns.size(); ++i) {
    for (const TrackResult& t : result.tracks) {
      for (const auto& [name, value] : metric_values(t.points[i])) {
        table.n.push_back(ns[i]);
        table.format.push_back(t.spec.label);
        table.group.push_back(t.spec.group);
        table.metric.push_back(name);
        table.value.push_back(value);
      }
    }
  }
  return table;
}

std::string tidy_csv(std::string_view family, const TidyTable& table) {
  std::string csv = "family,n,format,group,metric,value\n";
  const std::string family_text(family);
  for (std::size_t r = 0; r < table.n.size(); ++r) {
    csv += family_text + "," + std::to_string(table.n[r]) + "," + table.format[r] + "," + table.group[r] + "," +
           table.metric[r] + "," + number(table.value[r]) + "\n";
  }
  return csv;
}

std::string summary_json(const SweepDescription& d, const SweepSettings& settings, const SweepResult& result) {
  json summary;
  summary["family"] = d.family_name;
  summary["family_description"] = d.family->describe();
  summary["sequences"] = d.family->text() ? "text" : "tokens";
  if (d.tokens_per_unit) {
    summary["template"] = d.family->sequence_template();
    summary["tokens_per_unit"] = {{"min", d.tokens_per_unit->min},
                                  {"max", d.tokens_per_unit->max},
                                  {"prefixes", d.tokens_per_unit->prefixes},
                                  {"note", d.tokens_per_unit->note}};
  }
  summary["n"] = settings.ns;
  summary["reference"] = settings.reference;
  summary["order"] = to_string(settings.order);
  summary["formats"] = json::object();
  summary["ablation"] = json::object();
  for (const TrackResult& t : result.tracks) {
    (t.spec.group == "ablation" ? summary["ablation"] : summary["formats"])[t.spec.label] = summary_entry(t);
  }
  if (settings.ablate) summary["ablated_format"] = *settings.ablate;
  if (settings.mitigations.any()) {  // absent before mitigations existed
    json m = json::object();
    if (settings.mitigations.sink_logit) m["sink_logit"] = *settings.mitigations.sink_logit;
    if (settings.mitigations.adaptive_temperature) m["adaptive_temperature"] = true;
    summary["mitigations"] = m;
  }
  if (result.cross_check) {
    const ReferenceDisagreement& r = *result.cross_check;
    summary["reference_cross_check"] = {{"reference", settings.reference},
                                        {"cross_check", r.cross_check},
                                        {"max_error_inf", r.max_error},
                                        {"max_relative_error", r.max_relative},
                                        {"n_at_max", r.n_at_max}};
  }
  json prov = json::parse(d.build_provenance_json.empty() ? std::string("{}") : d.build_provenance_json);
  prov["model"] = d.model->origin;
  prov["model_description"] = d.model->description;
  prov["seeds"] = {{"sweep", settings.seed}};
  prov["threads"] = settings.threads;
  summary["provenance"] = prov;
  return summary.dump(2) + "\n";
}

void check_sequences_fit(const ModelSource& model, const PairFamily& family, std::size_t largest_n) {
  const int max_positions = model.config.max_positions;
  if (max_positions <= 0) return;
  const SequencePair last = family.at(largest_n);
  const std::size_t longest = std::max(last.a.size(), last.b.size());
  if (longest > static_cast<std::size_t>(max_positions)) {
    throw InputError("n = " + std::to_string(largest_n) + " gives sequences of " + std::to_string(longest) +
                     " tokens, but the model supports " + std::to_string(max_positions) + " positions");
  }
}

}  // namespace glasses::model
