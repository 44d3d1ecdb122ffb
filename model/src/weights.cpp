#include "glasses/model/weights.hpp"

#include <memory>
#include <string>
#include <utility>

#include "glasses/numerics/error.hpp"

namespace glasses::model {

WeightMatrix::WeightMatrix(std::size_t r, std::size_t c, std::vector<float> values) : rows(r), cols(c) {
  auto owned = std::make_shared<const std::vector<float>>(std::move(values));
  f_ = owned->data();
  owner_ = std::move(owned);
}

WeightMatrix::WeightMatrix(std::size_t r, std::size_t c, std::vector<double> values) : rows(r), cols(c) {
  auto owned = std::make_shared<const std::vector<double>>(std::move(values));
  d_ = owned->data();
  owner_ = std::move(owned);
}

namespace {

template <class T>
void expect(const Matrix<T>& m, std::size_t rows, std::size_t cols, const std::string& name) {
  if (m.rows != rows || m.cols != cols || m.data.size() != rows * cols) {
    throw InputError("weights: " + name + " has shape [" + std::to_string(m.rows) + ", " + std::to_string(m.cols) +
                     "], expected [" + std::to_string(rows) + ", " + std::to_string(cols) + "]");
  }
}
template <class T>
void expect(const Vector<T>& v, std::size_t n, const std::string& name) {
  if (v.size() != n) {
    throw InputError("weights: " + name + " has " + std::to_string(v.size()) + " entries, expected " +
                     std::to_string(n));
  }
}
template <class T>
void expect_optional(const Vector<T>& v, bool present, std::size_t n, const std::string& name) {
  expect(v, present ? n : 0, name);
}

template <class T>
void validate_weights(const ModelConfig& c, const Weights<T>& w) {
  const std::size_t d = c.d_model, q = c.q_width(), kv = c.kv_width(), m = c.d_mlp, vocab = c.vocab_size;
  if (!w.token_embedding.empty()) expect(w.token_embedding, vocab, d, "token embedding");
  expect(w.position_embedding, c.positional == PositionalKind::learned ? c.max_positions : 0,
         c.positional == PositionalKind::learned ? d : 0, "position embedding");
  if (w.layers.size() != static_cast<std::size_t>(c.n_layers)) {
    throw InputError("weights: " + std::to_string(w.layers.size()) + " layers, config has " +
                     std::to_string(c.n_layers));
  }
  const bool gains = c.norm != NormKind::none && c.norm_has_gain;
  const bool biases = c.norm != NormKind::none && c.norm_has_bias;
  for (std::size_t l = 0; l < w.layers.size(); ++l) {
    const LayerWeights<T>& L = w.layers[l];
    const std::string p = "layer " + std::to_string(l) + " ";
    expect_optional(L.norm1_gain, gains, d, p + "norm1 gain");
    expect_optional(L.norm1_bias, biases, d, p + "norm1 bias");
    expect(L.w_q, q, d, p + "W_Q");
    expect(L.w_k, kv, d, p + "W_K");
    expect(L.w_v, kv, d, p + "W_V");
    expect(L.w_o, d, q, p + "W_O");
    expect_optional(L.b_q, c.attention_bias, q, p + "q bias");
    expect_optional(L.b_k, c.attention_bias, kv, p + "k bias");
    expect_optional(L.b_v, c.attention_bias, kv, p + "v bias");
    expect_optional(L.b_o, c.attention_bias && c.attention_output_bias, d, p + "output bias");
    const bool mlp = c.activation != Activation::none;
    expect_optional(L.norm2_gain, gains && mlp, d, p + "norm2 gain");
    expect_optional(L.norm2_bias, biases && mlp, d, p + "norm2 bias");
    expect(L.w_up, mlp ? m : 0, mlp ? d : 0, p + "W_up");
    expect(L.w_gate, gated(c.activation) ? m : 0, gated(c.activation) ? d : 0, p + "W_gate");
    expect(L.w_down, mlp ? d : 0, mlp ? m : 0, p + "W_down");
    expect_optional(L.b_up, mlp && c.mlp_bias, m, p + "up bias");
    expect_optional(L.b_down, mlp && c.mlp_bias, d, p + "down bias");
    expect_optional(L.post_attention_gain, gains && c.post_norms, d, p + "post-attention norm gain");
    expect_optional(L.post_mlp_gain, gains && c.post_norms && mlp, d, p + "post-MLP norm gain");
  }
  expect_optional(w.final_gain, gains && c.final_norm, d, "final norm gain");
  expect_optional(w.final_bias, biases && c.final_norm, d, "final norm bias");
  if (c.has_unembedding && !c.tied_unembedding) {
    expect(w.unembedding, vocab, d, "unembedding");
  } else {
    expect(w.unembedding, 0, 0, "unembedding");
  }
  if (c.has_unembedding && c.tied_unembedding && w.token_embedding.empty()) {
    throw InputError("weights: a tied unembedding needs the token embedding");
  }
}

}  // namespace

void validate(const ModelConfig& c, const Weights<double>& w) { validate_weights(c, w); }
void validate(const ModelConfig& c, const Weights<float>& w) { validate_weights(c, w); }

}  // namespace glasses::model
