#include "glasses/model/presets.hpp"

#include <charconv>
#include <cmath>
#include <functional>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/random.hpp"

namespace glasses::model {
namespace {

using numerics::PortableRandom;

Matrix<double> gaussian(PortableRandom& rng, std::size_t rows, std::size_t cols, double sigma) {
  Matrix<double> m(rows, cols, 0.0);
  for (double& x : m.data) x = sigma * rng.normal();
  return m;
}

Vector<double> around_one(PortableRandom& rng, std::size_t n, double sigma) {
  Vector<double> v(n);
  for (double& x : v) x = 1.0 + sigma * rng.normal();
  return v;
}

Matrix<double> identity(std::size_t n) {
  Matrix<double> m(n, n, 0.0);
  for (std::size_t i = 0; i < n; ++i) m(i, i) = 1.0;
  return m;
}

struct Options {
  std::uint64_t seed = 0;
  std::optional<ScoreScale> scale;
  std::optional<double> alibi_scale;
  std::optional<int> window;
  std::optional<bool> causal;
  std::optional<PositionalKind> positional;
  std::optional<int> layers;
};

[[noreturn]] void fail(std::string_view spec, const std::string& why) {
  throw InputError("preset '" + std::string(spec) + "': " + why);
}

template <class V>
V parse_number(std::string_view spec, std::string_view key, std::string_view text) {
  V value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    fail(spec, "option " + std::string(key) + " needs a number, got '" + std::string(text) + "'");
  }
  return value;
}

Options parse_options(std::string_view spec, std::string_view text) {
  Options o;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string_view item = text.substr(start, end - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) fail(spec, "option '" + std::string(item) + "' is not key=value");
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "seed") {
      o.seed = parse_number<std::uint64_t>(spec, key, value);
    } else if (key == "scale") {
      if (value == "inv_sqrt") o.scale = ScoreScale::inv_sqrt_head_dim;
      else if (value == "one") o.scale = ScoreScale::one;
      else fail(spec, "scale must be inv_sqrt or one");
    } else if (key == "alibi_scale") {
      o.alibi_scale = parse_number<double>(spec, key, value);
      if (!(*o.alibi_scale > 0)) fail(spec, "alibi_scale must be positive");
    } else if (key == "window") {
      o.window = parse_number<int>(spec, key, value);
      if (*o.window < 0) fail(spec, "window must be >= 0");
    } else if (key == "causal") {
      if (value != "0" && value != "1") fail(spec, "causal must be 0 or 1");
      o.causal = value == "1";
    } else if (key == "positional") {
      if (value == "none") o.positional = PositionalKind::none;
      else if (value == "sinusoidal") o.positional = PositionalKind::sinusoidal;
      else if (value == "rope") o.positional = PositionalKind::rope;
      else if (value == "alibi") o.positional = PositionalKind::alibi;
      else fail(spec, "positional must be none, sinusoidal, rope or alibi");
    } else if (key == "layers") {
      o.layers = parse_number<int>(spec, key, value);
      if (*o.layers < 1 || *o.layers > 64) fail(spec, "layers must be between 1 and 64");
    } else {
      fail(spec, "unknown option '" + std::string(key) +
                     "'; options are seed, scale, alibi_scale, window, causal, positional, layers");
    }
    start = end + 1;
  }
  return o;
}

// Draws the weights of `c` from `rng` in a fixed order.
Weights<double> draw_weights(const ModelConfig& c, PortableRandom& rng, double embedding_sigma, bool identity_vo,
                             bool identity_o) {
  const std::size_t d = c.d_model, q = c.q_width(), kv = c.kv_width(), m = c.d_mlp;
  const double inv_sqrt_d = 1.0 / std::sqrt(static_cast<double>(d));
  Weights<double> w;
  if (c.vocab_size > 0) w.token_embedding = gaussian(rng, c.vocab_size, d, embedding_sigma);
  const bool gains = c.norm != NormKind::none && c.norm_has_gain;
  const bool norm_biases = c.norm != NormKind::none && c.norm_has_bias;
  // Biases N(0, 0.1²), drawn only when the config has them (so adding them
  // to a config does not change the other weights' stream before them).
  const auto bias = [&](std::size_t n) { return gaussian(rng, 1, n, 0.1).data; };
  for (int l = 0; l < c.n_layers; ++l) {
    LayerWeights<double> L;
    if (gains) L.norm1_gain = around_one(rng, d, 0.1);
    if (norm_biases) L.norm1_bias = bias(d);
    L.w_q = gaussian(rng, q, d, inv_sqrt_d);
    L.w_k = gaussian(rng, kv, d, inv_sqrt_d);
    L.w_v = identity_vo ? identity(d) : gaussian(rng, kv, d, inv_sqrt_d);
    L.w_o = identity_vo || identity_o ? identity(d) : gaussian(rng, d, q, 1.0 / std::sqrt(static_cast<double>(q)));
    if (c.attention_bias) {
      L.b_q = bias(q);
      L.b_k = bias(kv);
      L.b_v = bias(kv);
      L.b_o = bias(d);
    }
    if (c.activation != Activation::none) {
      if (gains) L.norm2_gain = around_one(rng, d, 0.1);
      if (norm_biases) L.norm2_bias = bias(d);
      L.w_up = gaussian(rng, m, d, inv_sqrt_d);
      if (c.activation == Activation::swiglu) L.w_gate = gaussian(rng, m, d, inv_sqrt_d);
      L.w_down = gaussian(rng, d, m, 1.0 / std::sqrt(static_cast<double>(m)));
      if (c.mlp_bias) {
        L.b_up = bias(m);
        L.b_down = bias(d);
      }
    }
    w.layers.push_back(std::move(L));
  }
  if (gains && c.final_norm) w.final_gain = around_one(rng, d, 0.1);
  if (norm_biases && c.final_norm) w.final_bias = bias(d);
  if (c.has_unembedding && !c.tied_unembedding) w.unembedding = gaussian(rng, c.vocab_size, d, inv_sqrt_d);
  return w;
}

ModelConfig default_config() {
  ModelConfig c;
  c.family = Family::synthetic;
  c.d_model = 64;
  c.n_layers = 4;
  c.n_heads = 4;
  c.n_kv_heads = 4;
  c.d_head = 16;
  c.d_mlp = 176;
  c.norm = NormKind::rmsnorm;
  c.norm_eps = 1e-5;
  c.positional = PositionalKind::rope;
  c.rope_theta = 10000;
  c.activation = Activation::swiglu;
  c.vocabulary = prompt_vocabulary();
  c.vocab_size = static_cast<int>(c.vocabulary.size());
  return c;
}

ModelConfig paper_literal_config() {
  ModelConfig c;
  c.family = Family::paper;
  c.d_model = 16;
  c.n_layers = 2;
  c.n_heads = 1;
  c.n_kv_heads = 1;
  c.d_head = 16;
  c.d_mlp = 32;
  c.norm = NormKind::rmsnorm;
  c.norm_has_gain = false;
  c.positional = PositionalKind::none;
  c.activation = Activation::relu;
  c.vocabulary = prompt_vocabulary();
  c.vocab_size = static_cast<int>(c.vocabulary.size());
  return c;
}

// One layer, one head of width d = 64, no MLP, raw input rows.
ModelConfig figure_config(PositionalKind positional, NormKind norm) {
  ModelConfig c;
  c.family = Family::synthetic;
  c.d_model = 64;
  c.n_layers = 1;
  c.n_heads = 1;
  c.n_kv_heads = 1;
  c.d_head = 64;
  c.d_mlp = 0;
  c.activation = Activation::none;
  c.norm = norm;
  c.norm_has_gain = false;
  c.final_norm = false;
  c.positional = positional;
  c.has_unembedding = false;
  c.vocab_size = 0;
  return c;
}

}  // namespace

Weights<double> synthetic_weights(const ModelConfig& config, std::uint64_t seed, bool identity_value_output,
                                  bool identity_output) {
  PortableRandom rng(seed);
  return draw_weights(config, rng, 1.0, identity_value_output, identity_output);
}

std::vector<double> RowSource::row(std::size_t i) const {
  // One independent stream per row: seed and index mixed by SplitMix64.
  numerics::SplitMix64 mix{seed ^ (0x9E3779B97F4A7C15ull * (static_cast<std::uint64_t>(i) + 1))};
  PortableRandom rng(mix.next());
  std::vector<double> r(static_cast<std::size_t>(d));
  for (double& x : r) x = sigma * rng.normal();
  return r;
}

const std::vector<std::string>& prompt_vocabulary() {
  static const std::vector<std::string> vocabulary{
      "0",     "1",     "2",   "3",     "4",    "5",    "6",     "7",   "8",   "9",
      ",",     "count", "copy", "the",  "ones", "first", "last", "digit", "digits", "how",
      "many",  "are",   "there", "in",  "this", "sequence", ":", "?",   ".",
  };
  return vocabulary;
}

ModelSource make_preset(std::string_view spec) {
  const std::size_t colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  const Options o = parse_options(spec, colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1));
  const PresetInfo* info = nullptr;
  for (const PresetInfo& p : kPresets) {
    if (p.name == name) info = &p;
  }
  if (info == nullptr) {
    std::string known;
    for (const PresetInfo& p : kPresets) known += (known.empty() ? "" : ", ") + std::string(p.name);
    fail(spec, "unknown preset; presets are " + known);
  }
  ModelSource s;
  s.origin = "preset " + std::string(spec);
  s.description = std::string(info->description);
  bool identity_vo = false, identity_o = false;
  ModelConfig& c = s.config;
  if (name == "default") {
    c = default_config();
  } else if (name == "paper-literal") {
    c = paper_literal_config();
    identity_vo = true;
  } else if (name == "fig8-a" || name == "fig8-b") {
    c = figure_config(PositionalKind::sinusoidal, NormKind::none);
    c.absolute_into = name == "fig8-a" ? AbsolutePositionsInto::residual : AbsolutePositionsInto::queries_keys;
    s.rows = RowSource{o.seed, 1.0 / std::sqrt(64.0), c.d_model};
  } else {
    const PositionalKind kind = name == "fig10-rope"    ? PositionalKind::rope
                                : name == "fig10-alibi" ? PositionalKind::alibi
                                : name == "fig10-ape"   ? PositionalKind::sinusoidal
                                                        : PositionalKind::none;
    c = figure_config(kind, NormKind::layernorm);
    identity_o = true;
    s.rows = RowSource{o.seed, 1.0, c.d_model};
  }
  if (o.scale) c.score_scale = *o.scale;
  if (o.alibi_scale) c.alibi_slope_scale = *o.alibi_scale;
  if (o.window) c.window = *o.window;
  if (o.causal) c.causal = *o.causal;
  if (o.positional) c.positional = *o.positional;
  if (o.layers) c.n_layers = *o.layers;
  s.weights = synthetic_weights(c, o.seed, identity_vo, identity_o);
  validate(c);
  validate(c, s.weights);
  return s;
}

}  // namespace glasses::model
