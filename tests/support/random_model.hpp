// Small random models for the tests, built in one place: d = 8, two layers
// of two query heads with d_head = 4, d_mlp = 12 (0 without an MLP), up to
// 16 positions. Weights are drawn from N(mean, sigma) by a seeded
// PortableRandom in a fixed order (token embedding, position embedding,
// each layer, final norm, unembedding), so a description and a seed always
// give the same model.
#pragma once

#include <cstddef>
#include <cstdint>

#include "glasses/model/config.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/model/weights.hpp"
#include "glasses/numerics/random.hpp"

namespace glasses::test {

struct TinyModel {
  model::PositionalKind pos = model::PositionalKind::none;
  model::NormKind norm = model::NormKind::rmsnorm;
  model::Activation act = model::Activation::swiglu;
  bool bias = false;
  int kv_heads = 2;
  int window = 0;
  bool causal = true;
  model::RopeStyle style = model::RopeStyle::rotate_half;
  model::AbsolutePositionsInto into = model::AbsolutePositionsInto::residual;
  bool final_norm = true;
  int vocab = 0;  // > 0: token embedding and unembedding; 0: a row-input model
  // Standard deviations of W_Q and W_K, W_V and W_O, W_up and W_gate, W_down.
  double sigma_qk = 0.9, sigma_vo = 0.5, sigma_up = 0.6, sigma_down = 0.4;
};

inline model::ModelSource tiny_model(const TinyModel& a, std::uint64_t seed) {
  namespace gm = glasses::model;
  constexpr std::size_t d = 8, d_mlp = 12, positions = 16;
  gm::ModelSource s;
  gm::ModelConfig& c = s.config;
  c.d_model = static_cast<int>(d);
  c.n_layers = 2;
  c.n_heads = 2;
  c.n_kv_heads = a.kv_heads;
  c.d_head = 4;
  c.d_mlp = a.act == gm::Activation::none ? 0 : static_cast<int>(d_mlp);
  c.vocab_size = a.vocab;
  c.has_unembedding = a.vocab > 0;
  c.max_positions = static_cast<int>(positions);
  c.norm = a.norm;
  c.norm_has_bias = a.norm == gm::NormKind::layernorm;
  c.positional = a.pos;
  c.activation = a.act;
  c.attention_bias = c.mlp_bias = a.bias;
  c.window = a.window;
  c.causal = a.causal;
  c.rope_style = a.style;
  c.absolute_into = a.into;
  c.final_norm = a.final_norm;
  numerics::PortableRandom rng(seed);
  const auto mat = [&](std::size_t r, std::size_t cc, double sigma) {
    gm::Matrix<double> m(r, cc, 0.0);
    for (double& x : m.data) x = sigma * rng.normal();
    return m;
  };
  const auto vec = [&](std::size_t n, double mean, double sigma) {
    gm::Vector<double> v(n);
    for (double& x : v) x = mean + sigma * rng.normal();
    return v;
  };
  const std::size_t vocab = static_cast<std::size_t>(a.vocab);
  gm::Weights<double>& w = s.weights;
  if (vocab > 0) w.token_embedding = mat(vocab, d, 1.0);
  if (a.pos == gm::PositionalKind::learned) w.position_embedding = mat(positions, d, 0.5);
  const bool gains = a.norm != gm::NormKind::none;
  const std::size_t kv = static_cast<std::size_t>(4 * a.kv_heads);
  for (int l = 0; l < c.n_layers; ++l) {
    gm::LayerWeights<double> L;
    if (gains) L.norm1_gain = vec(d, 1, 0.2);
    if (gains && c.norm_has_bias) L.norm1_bias = vec(d, 0, 0.2);
    L.w_q = mat(d, d, a.sigma_qk);
    L.w_k = mat(kv, d, a.sigma_qk);
    L.w_v = mat(kv, d, a.sigma_vo);
    L.w_o = mat(d, d, a.sigma_vo);
    if (a.bias) {
      L.b_q = vec(d, 0, 0.1);
      L.b_k = vec(kv, 0, 0.1);
      L.b_v = vec(kv, 0, 0.1);
      L.b_o = vec(d, 0, 0.1);
    }
    if (a.act != gm::Activation::none) {
      if (gains) L.norm2_gain = vec(d, 1, 0.2);
      if (gains && c.norm_has_bias) L.norm2_bias = vec(d, 0, 0.2);
      L.w_up = mat(d_mlp, d, a.sigma_up);
      if (gm::gated(a.act)) L.w_gate = mat(d_mlp, d, a.sigma_up);
      L.w_down = mat(d, d_mlp, a.sigma_down);
      if (a.bias) {
        L.b_up = vec(d_mlp, 0, 0.1);
        L.b_down = vec(d, 0, 0.1);
      }
    }
    w.layers.push_back(L);
  }
  if (gains && a.final_norm) w.final_gain = vec(d, 1, 0.2);
  if (gains && a.final_norm && c.norm_has_bias) w.final_bias = vec(d, 0, 0.2);
  if (vocab > 0) w.unembedding = mat(vocab, d, 0.5);
  gm::validate(c);
  gm::validate(c, w);
  return s;
}

// n rows of d standard normal values: the input of a row-input model.
inline model::InputSequence random_rows(std::size_t n, std::size_t d, std::uint64_t seed) {
  numerics::PortableRandom rng(seed);
  model::InputSequence in;
  in.rows = model::Matrix<double>(n, d, 0.0);
  for (double& x : in.rows.data) x = rng.normal();
  return in;
}

}  // namespace glasses::test
