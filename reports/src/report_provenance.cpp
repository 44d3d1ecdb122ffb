// The provenance block (suite, build, date, seeds, precisions) (report_builder.hpp).
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

void ReportBuilder::provenance() {
  const Suite& s = suite_.suite;
  auto& out = doc_.provenance;
  out.push_back({"suite", s.name + " (" + s.origin + ", FNV-1a " + s.fingerprint + ")"});
  for (const ProvenanceEntry& e : context_.build) out.push_back(e);
  out.push_back({"date", context_.date});
  std::set<std::uint64_t> seeds;
  for (const PreparedSweep& p : suite_.sweeps) seeds.insert(p.spec->seed);
  std::string seed_text;
  for (std::uint64_t x : seeds) seed_text += (seed_text.empty() ? "" : ", ") + std::to_string(x);
  std::string seeds_line = "sweeps: " + (seed_text.empty() ? std::string("none") : seed_text);
  if (s.checks.enabled) seeds_line += "; checks: " + std::to_string(s.checks.seed);
  seeds_line += "; model weights: the seed in each preset spec (default 0)";
  out.push_back({"seeds", seeds_line});
  std::vector<std::string> formats, references;
  std::set<int> bits;
  for (const PreparedSweep& p : suite_.sweeps) {
    for (const model::TrackSpec& t : p.tracks) {
      if (t.group == "ablation") continue;
      if (t.label == p.settings.reference || t.group == "cross-check") {
        if (std::find(references.begin(), references.end(), t.label) == references.end()) references.push_back(t.label);
      } else if (std::find(formats.begin(), formats.end(), t.label) == formats.end()) {
        formats.push_back(t.label);
      }
    }
    if (p.spec->ablate) {
      const std::string a = "ablation of " + *p.spec->ablate;
      if (std::find(formats.begin(), formats.end(), a) == formats.end()) formats.push_back(a);
    }
    if (p.spec->certify) bits.insert(p.spec->interval_bits);
  }
  std::string precisions = "formats: " + (formats.empty() ? std::string("none") : join(formats, ", ")) +
                           "; references: " + (references.empty() ? std::string("none") : join(references, ", "));
  if (!bits.empty()) {
    std::string b;
    for (int x : bits) b += (b.empty() ? "" : ", ") + std::to_string(x);
    precisions += "; certification: MPFI intervals from " + b + " bits";
  }
  if (s.checks.enabled) {
    precisions += std::string("; checks: ") + (s.checks.quick ? "quick" : "full") + " configuration";
    if (!s.checks.quick && !s.checks.quick_ids.empty()) {
      std::string ids;
      for (const std::string& id : s.checks.quick_ids) ids += (ids.empty() ? "" : ", ") + id;
      precisions += " (quick: " + ids + ")";
    }
  }
  out.push_back({"precisions", precisions});
}

}  // namespace glasses::reports::detail
