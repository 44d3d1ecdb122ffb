#include "glasses/proofs/b3_representational_collapse.hpp"

#include <cmath>
#include <string>

#include "check_support.hpp"
#include "glasses/model/forward.hpp"
#include "glasses/model/run.hpp"
#include "glasses/model/sweep.hpp"
#include "glasses/model/tasks.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/fit.hpp"
#include "glasses/numerics/random.hpp"
#include "glasses/proofs/checks.hpp"

namespace glasses::proofs {
namespace detail {
namespace {

using numerics::Interval;
using numerics::PrecisionContext;
using Env = model::Env<Interval, model::NoSiteRounding>;

// The first block alone, without its MLP and without a final norm: the
// residual after attention is z (layer 0 of the model).
model::ModelSource first_block(const model::ModelSource& m) {
  model::ModelSource s = m;
  s.config.n_layers = 1;
  s.config.activation = model::Activation::none;
  s.config.d_mlp = 0;
  s.config.final_norm = false;
  s.weights.layers.resize(1);
  model::LayerWeights<double>& l = s.weights.layers[0];
  l.norm2_gain.clear();
  l.norm2_bias.clear();
  l.w_up = {};
  l.w_gate = {};
  l.w_down = {};
  l.b_up.clear();
  l.b_down.clear();
  s.weights.final_gain.clear();
  s.weights.final_bias.clear();
  return s;
}

// What the first block computes for the last position of a sequence.
struct LastPosition {
  std::vector<Interval> z;                   // v + attention output
  std::vector<std::vector<Interval>> alpha;  // [h] over positions 0..t
  std::vector<std::vector<Interval>> v0;     // v^(0) of every position
};

struct Run {
  LastPosition s, s_star;
};

Run run_pair(const model::ModelSource& block, const std::vector<int>& tokens,
             model::PreparedModel<Interval>& prepared_out, Env& env) {
  prepared_out = model::prepare(block.config, block.weights, env);
  model::Decoder<Interval, model::NoSiteRounding> dec(prepared_out, env);
  dec.record_attention = true;
  std::vector<int> seq = tokens;
  seq.push_back(tokens.back());
  const model::InputSequence input = model::make_input(block, seq);
  Run r;
  std::vector<std::vector<Interval>> v0;
  for (std::size_t t = 0; t < seq.size(); ++t) {
    if (input.tokens.empty()) {
      dec.push_row(input.rows.row(t));
    } else {
      dec.push(input.tokens[t]);
    }
    v0.push_back(dec.last().residual[0]);
    LastPosition p{dec.last().residual[1], dec.last().attention[0], v0};
    if (t + 2 == seq.size()) r.s = p;
    if (t + 1 == seq.size()) r.s_star = p;
  }
  return r;
}

Interval norm1(const std::vector<Interval>& x, long precision) {
  Interval s = Interval::from_ratio(0, 1, precision);
  for (const Interval& v : x) s += abs(v);
  return s;
}

}  // namespace

B3LayerZero b3_layer_zero(const model::ModelSource& model, const std::vector<int>& tokens, long precision,
                          bool omit_last_term) {
  const model::ModelConfig& c = model.config;
  if (c.absolute_into == model::AbsolutePositionsInto::residual &&
      (c.positional == model::PositionalKind::learned || c.positional == model::PositionalKind::sinusoidal)) {
    throw InputError("B.3 layer-0 inequality: positions in the residual stream make u*_(n+1) != u_n");
  }
  if (tokens.size() < 2) throw InputError("B.3 layer-0 inequality needs n >= 2");
  const model::ModelSource block = first_block(model);
  model::NoSiteRounding none;
  Env env{PrecisionContext(precision), none};
  model::PreparedModel<Interval> prepared;
  const Run r = run_pair(block, tokens, prepared, env);
  const std::size_t n = tokens.size(), d = static_cast<std::size_t>(c.d_model), dh = static_cast<std::size_t>(c.d_head);
  B3LayerZero out{Interval::from_ratio(0, 1, precision), Interval::from_ratio(0, 1, precision)};
  for (std::size_t i = 0; i < d; ++i) out.lhs += abs(r.s.z[i] - r.s_star.z[i]);
  // u_i = norm1(v_i^(0)) for every position of s.
  const model::LayerWeights<Interval, model::WeightMatrix>& W = prepared.w.layers[0];
  const model::Matrix<Interval> w_v = model::as_matrix_of<Interval>(W.w_v, prepared.ctx);
  const model::Matrix<Interval> w_o = model::as_matrix_of<Interval>(W.w_o, prepared.ctx);
  std::vector<std::vector<Interval>> u(n, std::vector<Interval>(d, prepared.zero));
  std::vector<Interval> scratch;
  for (std::size_t i = 0; i < n; ++i) {
    model::normalize(env, c.norm, r.s.v0[i].data(), d, W.norm1_gain, W.norm1_bias, prepared.norm_eps,
                     prepared.d_model, u[i].data(), scratch);
  }
  const int group = c.n_heads / c.n_kv_heads;
  for (int h = 0; h < c.n_heads; ++h) {
    const std::size_t kvh = static_cast<std::size_t>(h / group);
    // M_h = max_i ‖W_O^h W_V^h u_i‖₁
    Interval M = prepared.zero;
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<Interval> t(dh, prepared.zero);
      for (std::size_t r0 = 0; r0 < dh; ++r0) {
        const Interval* row = w_v.row(kvh * dh + r0);
        for (std::size_t k = 0; k < d; ++k) t[r0] += row[k] * u[i][k];
      }
      std::vector<Interval> w(d, prepared.zero);
      for (std::size_t r0 = 0; r0 < d; ++r0) {
        const Interval* row = w_o.row(r0) + static_cast<std::size_t>(h) * dh;
        for (std::size_t k = 0; k < dh; ++k) w[r0] += row[k] * t[k];
      }
      M = max(M, norm1(w, precision));
    }
    const std::vector<Interval>& a = r.s.alpha[static_cast<std::size_t>(h)];
    const std::vector<Interval>& b = r.s_star.alpha[static_cast<std::size_t>(h)];
    Interval tv = prepared.zero;
    for (std::size_t i = 0; i + 1 < n; ++i) tv += abs(a[i] - b[i]);
    if (!omit_last_term) tv += abs(a[n - 1] - b[n - 1] - b[n]);
    out.rhs += M * tv;
  }
  return out;
}

Interval b3_nope_identity_residual(const model::ModelSource& model, const std::vector<int>& tokens, long precision) {
  const model::ModelConfig& c = model.config;
  if (c.positional != model::PositionalKind::none || c.n_heads != 1 || c.family != model::Family::paper) {
    throw InputError("the one-layer NoPE identity is stated for the paper-literal block without positions");
  }
  const model::ModelSource block = first_block(model);
  model::NoSiteRounding none;
  Env env{PrecisionContext(precision), none};
  model::PreparedModel<Interval> prepared;
  const Run r = run_pair(block, tokens, prepared, env);
  const std::size_t n = tokens.size(), d = static_cast<std::size_t>(c.d_model);
  // a = α*_(n+1,n+1): the weight the repeated token receives in s*.
  const Interval& a = r.s_star.alpha[0][n];
  std::vector<Interval> u(d, prepared.zero);
  std::vector<Interval> scratch;
  const model::LayerWeights<Interval, model::WeightMatrix>& W = prepared.w.layers[0];
  model::normalize(env, c.norm, r.s.v0[n - 1].data(), d, W.norm1_gain, W.norm1_bias, prepared.norm_eps,
                   prepared.d_model, u.data(), scratch);
  Interval worst = prepared.zero;
  for (std::size_t i = 0; i < d; ++i) {
    const Interval o = r.s.z[i] - r.s.v0[n - 1][i];  // the attention output o_n (W_V = W_O = I)
    const Interval residual = (r.s_star.z[i] - r.s.z[i]) - a * (u[i] - o);
    worst = max(worst, abs(residual));
  }
  return worst;
}

}  // namespace detail

namespace {

std::vector<int> random_tokens(numerics::PortableRandom& rng, std::size_t n, int vocab) {
  std::vector<int> t(n);
  for (int& x : t) x = static_cast<int>(rng.next() % static_cast<std::uint64_t>(vocab));
  return t;
}

// A fig10-style model with learned absolute positions (no preset offers
// them: they need a table), for the decay measurement.
model::ModelSource learned_positions_model(std::size_t positions) {
  model::ModelSource s = model::make_preset("fig10-ape:layers=2");
  s.origin = "fig10-ape:layers=2 with a learned Gaussian position table N(0, 1)";
  s.config.positional = model::PositionalKind::learned;
  s.config.max_positions = static_cast<int>(positions);
  numerics::PortableRandom rng(7);
  s.weights.position_embedding = model::Matrix<double>(positions, static_cast<std::size_t>(s.config.d_model), 0.0);
  for (double& x : s.weights.position_embedding.data) x = rng.normal();
  return s;
}

}  // namespace

CheckResult check_b3_representational_collapse(const CheckOptions& o) {
  using detail::certified_instance;
  CheckResult r;
  r.statement = "For v = [x, v_a] and v* = [x, v_a, v_a], ||v^(L)_n - v*^(L)_(n+1)||_1 -> 0 "
                "(bounded tokens, positional information decaying with distance)";
  const long precision = 128;
  const std::vector<std::size_t> lengths = o.quick ? std::vector<std::size_t>{2, 5, 17, 40}
                                                   : std::vector<std::size_t>{2, 3, 5, 9, 17, 40, 100, 200};
  r.hypotheses = "Layer-0 inequality in MPFI at " + std::to_string(precision) +
                 " bits on the paper-literal, default, fig10-nope, fig10-rope, fig10-alibi and fig8-b presets, "
                 "random and adversarial token sequences of lengths 2 to " + std::to_string(lengths.back()) +
                 " (seed " + std::to_string(o.seed) + "); decay measured in binary64 with KV-cached sweeps "
                 "(repeat-last on fig10-* presets with 2 layers) up to n = " + (o.quick ? "512" : "10^4") + ".";
  numerics::PortableRandom rng(o.seed * 7919 + 3);
  // 1. The layer-0 inequality, certified.
  for (const char* preset : {"paper-literal", "default", "fig10-nope", "fig10-rope", "fig10-alibi", "fig8-b"}) {
    const model::ModelSource m = model::make_preset(preset);
    const int vocab = m.rows ? 100000 : m.config.vocab_size;
    for (std::size_t n : lengths) {
      if (!o.quick || n <= 17 || std::string(preset) == "paper-literal") {
        std::vector<std::vector<int>> cases{random_tokens(rng, n, vocab)};
        // Adversarial: a prefix of one repeated token and a different last
        // token (the last term of the bound is then the whole bound).
        std::vector<int> adversarial(n, m.rows ? 5 : 3);
        adversarial.back() = m.rows ? 9 : 7;
        cases.push_back(adversarial);
        for (const std::vector<int>& tokens : cases) {
          const detail::B3LayerZero s = detail::b3_layer_zero(m, tokens, precision);
          r.instances.push_back(certified_instance(
              std::string(preset) + ", n = " + std::to_string(n) + (tokens == adversarial ? ", adversarial" : ", random"),
              "||z_n - z*_(n+1)||_1", s.lhs, Relation::less_equal, "sum_h M_h (TV terms)", s.rhs,
              "{\"preset\":\"" + std::string(preset) + "\",\"tokens\":" +
                  detail::json_array(std::vector<double>(tokens.begin(), tokens.end())) + "}"));
        }
      }
    }
  }
  // 2. The one-layer NoPE identity (paper-literal block) and its zero case.
  {
    const model::ModelSource m = model::make_preset("paper-literal");
    for (std::size_t n : lengths) {
      for (const bool same : {false, true}) {
        std::vector<int> tokens = same ? std::vector<int>(n, 4) : random_tokens(rng, n, m.config.vocab_size);
        const numerics::Interval residual = detail::b3_nope_identity_residual(m, tokens, precision);
        const numerics::Interval tolerance = detail::power_of_two(-(precision - 40), precision);
        r.instances.push_back(certified_instance(
            "paper-literal, one layer, NoPE, n = " + std::to_string(n) + (same ? ", all tokens equal" : ""),
            "||(z*_(n+1) - z_n) - a (u_n - o_n)||_inf", residual, Relation::less_equal, "2^-" + std::to_string(precision - 40),
            tolerance, "{\"n\":" + std::to_string(n) + "}"));
      }
    }
  }
  // 3. The decay, per layer, for each positional encoding.
  const std::size_t top = o.quick ? 512 : 10000;
  std::vector<std::size_t> ns;
  for (double x = 2; x <= static_cast<double>(top); x *= o.quick ? 1.6 : 1.35) {
    const auto v = static_cast<std::size_t>(std::llround(x));
    if (ns.empty() || v > ns.back()) ns.push_back(v);
  }
  if (ns.back() != top) ns.push_back(top);
  struct Encoding {
    std::string name;
    model::ModelSource model;
    bool hypothesis;  // positional information decays with distance (THEORY's expectation)
  };
  std::vector<Encoding> encodings{
      {"none", model::make_preset("fig10-nope:layers=2"), true},
      {"rope", model::make_preset("fig10-rope:layers=2"), true},
      {"alibi", model::make_preset("fig10-alibi:layers=2"), false},
      {"sinusoidal", model::make_preset("fig10-ape:layers=2"), false},
      {"learned", learned_positions_model(top + 2), false},
  };
  // The decay figure: the last layer's distance against n, one curve per encoding.
  FigureData decay_figure = figure_for("b3-decay");
  for (const Encoding& e : encodings) {
    model::FamilyOptions fo;
    fo.name = "repeat-last";
    fo.seed = o.seed;
    const model::PairFamily family(e.model, fo);
    model::SweepSettings settings;
    settings.ns = ns;
    settings.formats = {"fp64"};
    settings.reference = "fp64";
    settings.certify = false;
    settings.threads = 1;
    const model::SweepResult sweep = model::run_sweep(e.model, family, settings, {});
    const std::vector<model::PointMetrics>& points = sweep.tracks[0].points;
    Series s;
    s.name = "b3_decay_" + e.name;
    s.columns = {"n", "D_layer_0", "D_layer_1", "D_layer_2"};
    std::vector<double> x, y;
    for (const model::PointMetrics& p : points) {
      s.rows.push_back({static_cast<double>(p.n), p.layer_d1[0], p.layer_d1[1], p.layer_d1[2]});
      x.push_back(static_cast<double>(p.n));
      y.push_back(p.layer_d1.back());
    }
    r.data.push_back(s);
    decay_figure.curves.push_back({s.name, s.columns.front(), s.columns.back(), e.name, 0, false, std::nullopt});
    const double slope = numerics::loglog_slope(x, y, static_cast<double>(top) / 16).value_or(std::nan(""));
    const double last = y.back();
    double reference = y.front();
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (x[i] <= static_cast<double>(top) / 16) reference = y[i];
    }
    const bool decays = last < 0.5 * reference;
    r.notes.push_back("Positional encoding " + e.name + ": D_L(n) of the last layer has fitted slope " +
                      detail::short_fmt(slope) + " over n in [" + std::to_string(top / 16) + ", " +
                      std::to_string(top) + "], D_L(" + std::to_string(top) + ") = " + detail::short_fmt(last) +
                      (decays ? " (decays)" : " (FLAGGED: does not decay; the hypothesis fails for this encoding)"));
    if (e.hypothesis) {
      r.instances.push_back(certified_instance(
          "decay, " + e.name + ", D_L(" + std::to_string(top) + ") against D_L(" + std::to_string(top / 16) +
              ") (binary64 measurement)",
          "D_L(n_max)", numerics::Interval(last, precision), Relation::less, "D_L(n_max/16)",
          numerics::Interval(reference, precision), "{}"));
      // A binary64 measurement certifies nothing about the exact model.
      r.instances.back().verdict = decide_numerically(last, Relation::less, reference);
    }
  }
  r.figures.push_back(std::move(decay_figure));
  r.notes.push_back("The one-layer identity holds with the attention output o_n = z_n - v_n in place of THEORY's "
                    "z_n (the residual stream cancels in z*_(n+1) - z_n).");
  return r;
}

}  // namespace glasses::proofs
