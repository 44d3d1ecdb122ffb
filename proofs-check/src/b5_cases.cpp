// The cases of B.5 and B.5-full (b5_cases.hpp) and the tightness oracle
// (b5_oversquashing.hpp).
#include "b5_cases.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "glasses/model/presets.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/random.hpp"
#include "glasses/proofs/b5_oversquashing.hpp"

namespace glasses::proofs::b5 {
namespace detail {
namespace {

std::string json_escape(const std::string& s) {
  std::string r;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') r += '\\';
    r += ch;
  }
  return r;
}

}  // namespace

model::ModelSource random_model(const Arch& a, std::uint64_t seed) {
  model::ModelSource s;
  model::ModelConfig& c = s.config;
  c.d_model = a.d;
  c.n_layers = a.layers;
  c.n_heads = a.heads;
  c.n_kv_heads = a.kv_heads;
  c.d_head = a.d_head;
  c.d_mlp = a.act == model::Activation::none ? 0 : a.d_mlp;
  c.vocab_size = 0;
  c.has_unembedding = false;
  c.max_positions = 64;
  c.norm = a.norm;
  c.norm_has_bias = a.norm == model::NormKind::layernorm;
  c.positional = a.pos;
  c.activation = a.act;
  c.attention_bias = c.mlp_bias = a.bias;
  c.window = a.window;
  c.causal = a.causal;
  c.absolute_into = a.into;
  numerics::PortableRandom rng(seed);
  const std::size_t d = static_cast<std::size_t>(a.d), q = static_cast<std::size_t>(c.q_width()),
                    kv = static_cast<std::size_t>(c.kv_width()), dm = static_cast<std::size_t>(c.d_mlp);
  const auto mat = [&](std::size_t r, std::size_t cols, double sigma) {
    model::Matrix<double> m(r, cols, 0.0);
    for (double& x : m.data) x = sigma * rng.normal();
    return m;
  };
  const auto vec = [&](std::size_t len, double mean, double sigma) {
    model::Vector<double> v(len);
    for (double& x : v) x = mean + sigma * rng.normal();
    return v;
  };
  const double inv_sqrt_d = 1 / std::sqrt(static_cast<double>(d));
  const bool gains = a.norm != model::NormKind::none;
  if (a.pos == model::PositionalKind::learned) s.weights.position_embedding = mat(64, d, 0.5);
  for (int l = 0; l < a.layers; ++l) {
    model::LayerWeights<double> W;
    if (gains) W.norm1_gain = vec(d, 1, 0.2);
    if (gains && c.norm_has_bias) W.norm1_bias = vec(d, 0, 0.2);
    W.w_q = mat(q, d, 2 * inv_sqrt_d);
    W.w_k = mat(kv, d, 2 * inv_sqrt_d);
    W.w_v = mat(kv, d, inv_sqrt_d);
    W.w_o = mat(d, q, 1 / std::sqrt(static_cast<double>(q)));
    if (a.bias) {
      W.b_q = vec(q, 0, 0.1);
      W.b_k = vec(kv, 0, 0.1);
      W.b_v = vec(kv, 0, 0.1);
      W.b_o = vec(d, 0, 0.1);
    }
    if (a.act != model::Activation::none) {
      if (gains) W.norm2_gain = vec(d, 1, 0.2);
      if (gains && c.norm_has_bias) W.norm2_bias = vec(d, 0, 0.2);
      W.w_up = mat(dm, d, inv_sqrt_d);
      if (a.act == model::Activation::swiglu) W.w_gate = mat(dm, d, inv_sqrt_d);
      W.w_down = mat(d, dm, 1 / std::sqrt(static_cast<double>(dm)));
      if (a.bias) {
        W.b_up = vec(dm, 0, 0.1);
        W.b_down = vec(d, 0, 0.1);
      }
    }
    s.weights.layers.push_back(W);
  }
  if (gains) s.weights.final_gain = vec(d, 1, 0.2);
  if (gains && c.norm_has_bias) s.weights.final_bias = vec(d, 0, 0.2);
  model::validate(c);
  model::validate(c, s.weights);
  s.origin = "random " + model::describe(c) + " seed " + std::to_string(seed);
  s.description = model::describe(c);
  return s;
}

std::vector<Arch> architectures() {
  using P = model::PositionalKind;
  using N = model::NormKind;
  using A = model::Activation;
  std::vector<Arch> list;
  Arch a;
  a.d = 4, a.layers = 2, a.heads = 2, a.kv_heads = 2, a.d_head = 2, a.d_mlp = 8, a.pos = P::rope;
  list.push_back(a);  // RoPE, RMSNorm, SwiGLU
  a = {};
  a.d = 6, a.heads = 2, a.kv_heads = 1, a.d_head = 3, a.norm = N::layernorm, a.act = A::gelu, a.bias = true;
  list.push_back(a);  // GQA, LayerNorm, GELU, biases
  a = {};
  a.layers = 3, a.heads = 4, a.kv_heads = 2, a.d_head = 2, a.pos = P::alibi, a.norm = N::layernorm, a.act = A::relu,
  a.window = 3, a.bias = true;
  list.push_back(a);  // ALiBi, sliding window, ReLU
  a = {};
  a.d = 4, a.layers = 1, a.heads = 1, a.kv_heads = 1, a.d_head = 4, a.pos = P::sinusoidal, a.norm = N::none,
  a.act = A::gelu_tanh;
  list.push_back(a);  // sinusoidal, no norm, GELU-tanh
  a = {};
  a.pos = P::learned, a.act = A::gelu, a.causal = false;
  list.push_back(a);  // learned positions, bidirectional
  a = {};
  a.pos = P::sinusoidal, a.into = model::AbsolutePositionsInto::queries_keys, a.norm = N::layernorm, a.act = A::none;
  list.push_back(a);  // positions into q/k only, no MLP
  return list;
}

model::InputSequence gaussian_rows(std::size_t n, std::size_t d, double sigma, std::uint64_t seed) {
  numerics::PortableRandom rng(seed);
  model::InputSequence in;
  in.rows = model::Matrix<double>(n, d, 0.0);
  for (double& x : in.rows.data) x = sigma * rng.normal();
  return in;
}

std::vector<int> digits(std::size_t n) {
  static const int pattern[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4};
  std::vector<int> t;
  for (std::size_t i = 0; i < n; ++i) t.push_back(pattern[i % std::size(pattern)]);
  return t;
}



Case preset_case(const std::string& spec, std::size_t n) {
  Case c;
  c.source = model::make_preset(spec);
  c.input = model::make_input(c.source, digits(n));
  c.name = spec + ", n = " + std::to_string(n);
  c.replay = "{\"preset\": \"" + json_escape(spec) + "\", \"tokens\": \"first " + std::to_string(n) +
             " digits of pi\"}";
  return c;
}

Case random_case(const Arch& a, std::uint64_t seed, std::size_t n) {
  Case c;
  c.source = random_model(a, seed);
  c.input = gaussian_rows(n, static_cast<std::size_t>(a.d), 1.0, seed + 1000);
  c.name = c.source.description + ", seed " + std::to_string(seed) + ", n = " + std::to_string(n);
  c.replay = "{\"model\": \"" + json_escape(c.source.origin) + "\", \"rows\": \"N(0, 1), seed " +
             std::to_string(seed + 1000) + "\", \"n\": " + std::to_string(n) + "}";
  return c;
}

std::vector<Case> matched_cases(bool quick, std::uint64_t seed) {
  std::vector<Case> cases;
  if (quick) {
    cases.push_back(preset_case("paper-literal", 6));
    cases.push_back(preset_case("default:layers=1", 4));
  } else {
    cases.push_back(preset_case("paper-literal", 12));
    cases.push_back(preset_case("default", 8));
    cases.push_back(preset_case("default:positional=alibi,window=4", 8));
    cases.push_back(preset_case("fig8-a", 6));
    cases.push_back(preset_case("fig10-rope", 6));
    cases.push_back(preset_case("fig10-alibi", 6));
  }
  const std::vector<Arch> archs = architectures();
  const int seeds = quick ? 1 : 3;
  for (std::size_t a = 0; a < archs.size(); ++a) {
    for (int s = 0; s < seeds; ++s) {
      const std::uint64_t case_seed = seed * 1000 + 17 * a + static_cast<std::uint64_t>(s);
      cases.push_back(random_case(archs[a], case_seed, quick ? 5 : 5 + 3 * static_cast<std::size_t>(s)));
    }
  }
  return cases;
}

std::string witness(const Case& c, std::size_t i) {
  return "{\"case\": " + c.replay + ", \"i\": " + std::to_string(i) + "}";
}

Bounds scaled(Bounds b, double f) {
  const double inf = std::numeric_limits<double>::infinity();
  return {std::nextafter(b.lower * f, -inf), std::nextafter(b.upper * f, inf)};
}

double ratio(const Bounds& lhs, const Bounds& rhs) { return rhs.mid() > 0 ? lhs.mid() / rhs.mid() : 0.0; }

Instance inequality(const std::string& description, const std::string& lhs_label, const std::string& rhs_label,
                    Bounds lhs, Bounds rhs) {
  Instance inst;
  inst.description = description;
  inst.lhs_label = lhs_label;
  inst.rhs_label = rhs_label;
  inst.lhs = lhs;
  inst.rhs = rhs;
  inst.relation = Relation::less_equal;
  inst.verdict = decide(lhs, Relation::less_equal, rhs);
  inst.margin = rhs.mid() - lhs.mid();
  return inst;
}

model::InputSequence as_rows(const model::ModelSource& s, const model::InputSequence& in) {
  if (in.tokens.empty()) return in;
  const std::size_t d = static_cast<std::size_t>(s.config.d_model);
  model::InputSequence r;
  r.rows = model::Matrix<double>(in.tokens.size(), d, 0.0);
  for (std::size_t t = 0; t < in.tokens.size(); ++t) {
    const double* e = s.weights.token_embedding.row(static_cast<std::size_t>(in.tokens[t]));
    std::copy(e, e + d, r.rows.row(t));
  }
  return r;
}

}  // namespace detail

model::ModelSource oracle_model(int layers, double sigma, std::uint64_t seed) {
  if (sigma < 0) throw InputError("oracle_model: sigma must be >= 0");
  model::ModelSource s;
  model::ModelConfig& c = s.config;
  c.family = model::Family::paper;
  c.d_model = 1;
  c.n_layers = layers;
  c.n_heads = c.n_kv_heads = 1;
  c.d_head = 1;
  c.d_mlp = 1;
  c.vocab_size = 0;
  c.has_unembedding = false;
  c.norm = model::NormKind::rmsnorm;
  c.norm_eps = 0.25;  // keeps the scales s = 1/sqrt(x² + eps) away from 1/|x|
  c.activation = model::Activation::relu;
  numerics::PortableRandom rng(seed);
  for (int l = 0; l < layers; ++l) {
    model::LayerWeights<double> W;
    W.norm1_gain = {0.5 + rng.uniform()};
    W.norm2_gain = {0.5 + rng.uniform()};
    W.w_q = model::Matrix<double>(1, 1, 2 * rng.normal());
    W.w_k = model::Matrix<double>(1, 1, 2 * rng.normal());
    W.w_v = model::Matrix<double>(1, 1, 1.0);
    W.w_o = model::Matrix<double>(1, 1, 1.0);
    W.w_up = model::Matrix<double>(1, 1, 1.0);
    W.w_down = model::Matrix<double>(1, 1, sigma);
    s.weights.layers.push_back(W);
  }
  s.weights.final_gain = {0.5 + rng.uniform()};
  model::validate(c);
  model::validate(c, s.weights);
  s.origin = "oracle L=" + std::to_string(layers) + " sigma=" + detail::fmt(sigma) + " seed=" + std::to_string(seed);
  s.description = "tightness oracle: d = 1, psi(x) = " + detail::fmt(sigma) + " x, L = " + std::to_string(layers);
  return s;
}

model::InputSequence oracle_input(std::size_t n, std::uint64_t seed) {
  numerics::PortableRandom rng(seed);
  model::InputSequence in;
  in.rows = model::Matrix<double>(n, 1, 0.0);
  for (double& x : in.rows.data) x = 0.25 + 2 * rng.uniform();
  return in;
}

}  // namespace glasses::proofs::b5
