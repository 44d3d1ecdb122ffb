#include "glasses/model/predict.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "glasses/model/kernels.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::model {

std::string_view to_string(Predictor p) {
  for (const NamedPredictor& n : kPredictors) {
    if (n.predictor == p) return n.name;
  }
  return "?";
}

ReferenceProbe probe_reference(const ModelSource& model, const PairFamily& family, const RunSpec& reference,
                               std::size_t n) {
  const SequencePair pair = family.at(n);
  return with_carrier(reference.execution, [&]<class T>() {
    return detail::probe_as<T>(model, reference, n, pair.a, pair.b);
  });
}

std::vector<double> replay_head(const ReferenceHead& head, const RunSpec& track) {
  const std::size_t m = head.scores.size();
  const std::size_t dh = m > 0 ? head.values.size() / m : 0;
  SiteRounding<double> rounder(track.policy, {}, track.seed);
  Env<double, SiteRounding<double>> env{{}, rounder};
  env.orders = track.policy.orders();
  std::vector<double> s = head.scores, v = head.values, alpha(m), o(dh);
  env.round(Site::attention_scores, s.data(), m);
  env.round(Site::kv_cache, v.data(), v.size());
  double z = 0, p = 0;
  softmax(env, s.data(), m, alpha.data(), z);
  combine_rows(env, Site::matmul_accumulate, Site::activations, alpha.data(), v.data(), dh, m, dh, o.data(), p);
  return o;
}

bool only_adds_keys(const ReferenceProbe& probe) {
  if (probe.heads_a.empty() || probe.heads_a.size() != probe.heads_b.size()) return false;
  for (std::size_t h = 0; h < probe.heads_a.size(); ++h) {
    const std::vector<double>& a = probe.heads_a[h].scores;
    const std::vector<double>& b = probe.heads_b[h].scores;
    if (b.size() <= a.size() || !std::equal(a.begin(), a.end(), b.begin())) return false;
  }
  return true;
}

bool predicts_collapse(Predictor p, const ReferenceProbe& probe, const RunSpec& track) {
  const numerics::Format& y_format = track.policy.at(Site::activations).format;
  switch (p) {
    case Predictor::distance: return probe.dinf < numerics::unit_roundoff(y_format) * probe.y_norm_inf;
    case Predictor::ulp_count: {
      double expected = 0;
      for (std::size_t i = 0; i < probe.delta.size(); ++i) {
        expected += std::fabs(probe.delta[i]) / numerics::ulp(y_format, probe.y_a[i]);
      }
      return expected < std::numbers::ln2;
    }
    case Predictor::stagnation: {
      const numerics::Format& f = track.policy.at(Site::softmax).format;
      for (std::size_t h = 0; h < probe.heads_a.size() && h < probe.heads_b.size(); ++h) {
        const double za = probe.heads_a[h].denominator, zb = probe.heads_b[h].denominator;
        if (!(std::fabs(zb - za) <= numerics::ulp(f, zb) / 2)) return false;
      }
      return !probe.heads_a.empty();
    }
    case Predictor::replay: {
      if (probe.heads_a.empty() || probe.heads_a.size() != probe.heads_b.size()) return false;
      for (std::size_t h = 0; h < probe.heads_a.size(); ++h) {
        const std::vector<double> oa = replay_head(probe.heads_a[h], track), ob = replay_head(probe.heads_b[h], track);
        for (std::size_t i = 0; i < oa.size(); ++i) {
          if (oa[i] != ob[i] || std::signbit(oa[i]) != std::signbit(ob[i])) return false;
        }
      }
      return true;
    }
    case Predictor::absorption:
      return predicts_collapse(only_adds_keys(probe) ? Predictor::replay : Predictor::ulp_count, probe, track);
  }
  return false;
}

}  // namespace glasses::model
