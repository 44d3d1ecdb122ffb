#include "glasses/proofs/check_json.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace glasses::proofs {
namespace {
using nlohmann::json;
json margin_json(double m) { return std::isnan(m) ? json(nullptr) : json(m); }
}  // namespace

std::string check_json(const CheckResult& r) {
  json j;
  j["id"] = r.id;
  j["statement"] = r.statement;
  j["expected"] = std::string(to_string(r.expected));
  j["hypotheses"] = r.hypotheses;
  j["instances"] = r.instances.size();
  const auto counts = r.verdict_counts();
  j["verdicts"] = json::object();
  for (std::size_t v = 0; v < counts.size(); ++v) j["verdicts"][kVerdictNames[v]] = counts[v];
  j["worst_margin"] = margin_json(r.worst_margin());
  j["notes"] = r.notes;
  j["failed"] = r.failed();
  json witnesses = json::array();
  for (const Instance& i : r.instances) {
    if (i.verdict == Verdict::refuted || i.verdict == Verdict::inconclusive) {
      witnesses.push_back({{"description", i.description},
                           {"verdict", std::string(to_string(i.verdict))},
                           {"lhs", {i.lhs.lower, i.lhs.upper}},
                           {"rhs", {i.rhs.lower, i.rhs.upper}},
                           {"witness", i.witness}});
    }
    if (witnesses.size() >= 20) break;
  }
  j["witnesses"] = witnesses;
  return j.dump();
}

}  // namespace glasses::proofs
