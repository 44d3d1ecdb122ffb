#include "glasses/model/predict.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "glasses/model/kernels.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::model {

namespace {

// Same length, and every component the same value and sign (the replays'
// outputs are doubles holding values of F; NaN never equals).
bool same_values(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) return false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] != y[i] || std::signbit(x[i]) != std::signbit(y[i])) return false;
  }
  return true;
}

}  // namespace

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

std::shared_ptr<const OutputProjection> output_projection(const ModelSource& model) {
  auto out = std::make_shared<OutputProjection>();
  if (model.config.n_layers == 0) return out;
  const auto take = [&](const auto& w) {
    const auto& layer = w.layers.at(0);
    if (!layer.post_attention_gain.empty()) return;
    out->rows = layer.w_o.rows;
    out->cols = layer.w_o.cols;
    out->w.assign(layer.w_o.data.begin(), layer.w_o.data.end());
    out->b.assign(layer.b_o.begin(), layer.b_o.end());
  };
  if (model.float_weights) {
    take(*model.float_weights);
  } else {
    take(model.weights);
  }
  return out;
}

std::vector<double> replay_residual(const std::vector<ReferenceHead>& heads, const std::vector<double>& input,
                                    const OutputProjection& projection, const RunSpec& track) {
  std::vector<double> concat;
  for (const ReferenceHead& h : heads) {
    const std::vector<double> o = replay_head(h, track);
    concat.insert(concat.end(), o.begin(), o.end());
  }
  if (concat.size() != projection.cols || input.size() != projection.rows) {
    throw Error("replay_residual: the heads or the input do not match W_O");
  }
  SiteRounding<double> rounder(track.policy, {}, track.seed);
  Env<double, SiteRounding<double>> env{{}, rounder};
  env.orders = track.policy.orders();
  std::vector<double> w(projection.w.size()), b(projection.b.size()), z(input), a(projection.rows);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = env.input(Site::weights, projection.w[i]);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = env.input(Site::weights, projection.b[i]);
  double p = 0;
  matvec_rows(env, Site::matmul_accumulate, Site::activations, WeightMatrix(projection.rows, projection.cols, std::move(w)),
              b, concat.data(), a.data(), p, 0, projection.rows);
  env.round(Site::activations, z.data(), z.size());
  add_into(env, z.data(), a.data(), z.size());
  return z;
}

bool only_adds_keys(const ReferenceProbe& probe) {
  if (probe.heads_a.empty() || probe.heads_a.size() != probe.heads_b.size()) return false;
  for (std::size_t h = 0; h < probe.heads_a.size(); ++h) {
    const std::vector<double>& a = probe.heads_a[h].scores;
    const std::vector<double>& b = probe.heads_b[h].scores;
    if (b.size() <= a.size()) return false;
    double largest = 0;
    for (std::size_t j = 0; j < a.size(); ++j) largest = std::max({largest, std::fabs(a[j]), std::fabs(b[j])});
    const double shift = b[0] - a[0], tolerance = 0x1p-40 * largest;
    for (std::size_t j = 0; j < a.size(); ++j) {
      if (!(std::fabs((b[j] - a[j]) - shift) <= tolerance)) return false;
    }
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
        if (!same_values(replay_head(probe.heads_a[h], track), replay_head(probe.heads_b[h], track))) return false;
      }
      return true;
    }
    case Predictor::residual: {
      const OutputProjection* w = probe.projection.get();
      if (w == nullptr || w->rows == 0) return predicts_collapse(Predictor::replay, probe, track);
      if (probe.heads_a.empty() || probe.heads_a.size() != probe.heads_b.size()) return false;
      return same_values(replay_residual(probe.heads_a, probe.input_a, *w, track),
                         replay_residual(probe.heads_b, probe.input_b, *w, track));
    }
    case Predictor::absorption:
      return predicts_collapse(only_adds_keys(probe) ? Predictor::residual : Predictor::ulp_count, probe, track);
  }
  return false;
}

}  // namespace glasses::model
