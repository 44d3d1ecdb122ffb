// SweepOptions → SweepSettings, and the mitigations applied to a model: the
// one place the three clients of run_sweep (glasses sweep, suite sweeps,
// Python) build and validate what they run.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "glasses/model/sweep.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::model {

namespace {

std::string shortest(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  for (int digits = 1; digits <= 17; ++digits) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", digits, x);
    if (std::strtod(shorter, nullptr) == x) return shorter;
  }
  return buf;
}

}  // namespace

ModelSource with_mitigations(ModelSource model, const Mitigations& mitigations) {
  if (!mitigations.any()) return model;
  if (mitigations.sink_logit) {
    if (!std::isfinite(*mitigations.sink_logit)) throw InputError("the sink logit must be finite");
    model.config.sink_logit = mitigations.sink_logit;
    model.origin += " +sink=" + shortest(*mitigations.sink_logit);
    model.description += " With an attention sink: every head also attends to a virtual first key of score " +
                         shortest(*mitigations.sink_logit) + " and value 0.";
  }
  if (mitigations.adaptive_temperature) {
    model.config.adaptive_temperature = true;
    model.origin += " +adaptive-temperature";
    model.description +=
        " With the adaptive temperature of Veličković et al. (arXiv 2410.01104): scores times β(entropy) per head.";
  }
  validate(model.config);
  return model;
}

SweepSettings sweep_settings(const SweepOptions& o) {
  if (o.formats.empty()) throw InputError("give at least one format or policy");
  for (std::size_t i = 0; i < o.ns.size(); ++i) {
    if (o.ns[i] == 0) throw InputError("n must be >= 1");
    if (i > 0 && o.ns[i] <= o.ns[i - 1]) throw InputError("the values of n must be increasing");
  }
  if (o.threads < 1 || o.threads > 64) throw InputError("threads must be between 1 and 64");
  if (o.mitigations.sink_logit && !std::isfinite(*o.mitigations.sink_logit)) {
    throw InputError("the sink logit must be finite");
  }
  SweepSettings s;
  s.ns = o.ns;
  s.formats = o.formats;
  s.reference = o.reference;
  if (!o.ablate.empty()) s.ablate = o.ablate;
  s.certify = o.certify;
  s.certify_max_n = o.certify_max_n;
  s.interval_bits = o.interval_bits;
  s.interval_bits_limit = o.interval_bits_limit;
  s.seed = o.seed;
  s.order = parse_sum_order(o.order);
  s.threads = o.threads;
  s.cross_check = o.cross_check;
  s.mitigations = o.mitigations;
  plan_tracks(s);  // the formats and policies parse
  return s;
}

}  // namespace glasses::model
