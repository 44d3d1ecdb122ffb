// Weights: the parameters of a ModelConfig, in one master copy of doubles
// (seeded synthetic values, or exactly as loaded from a checkpoint) and
// rounded once into each scalar type by `convert_weights`.
//
// Layout conventions (shape comments: rows × cols, row-major):
// every projection is stored [out, in] as nn.Linear does, so y = W x reads
// row r of W for output r. Loaders transpose GPT-2's Conv1D [in, out].
#pragma once

#include <cstddef>
#include <vector>

#include "glasses/model/config.hpp"

namespace glasses::model {

// A dense row-major matrix. Empty (0 × 0) means "absent".
template <class T>
struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<T> data;  // rows × cols

  Matrix() = default;
  Matrix(std::size_t r, std::size_t c, const T& fill) : rows(r), cols(c), data(r * c, fill) {}
  T& operator()(std::size_t r, std::size_t c) { return data[r * cols + c]; }
  const T& operator()(std::size_t r, std::size_t c) const { return data[r * cols + c]; }
  const T* row(std::size_t r) const { return data.data() + r * cols; }
  T* row(std::size_t r) { return data.data() + r * cols; }
  bool empty() const { return data.empty(); }
};

template <class T>
using Vector = std::vector<T>;  // empty means "absent"

template <class T>
struct LayerWeights {
  Vector<T> norm1_gain;  // d     (empty: g = 1)
  Vector<T> norm1_bias;  // d     (empty: b = 0)
  Matrix<T> w_q;         // n_heads·d_h × d
  Matrix<T> w_k;         // n_kv_heads·d_h × d
  Matrix<T> w_v;         // n_kv_heads·d_h × d
  Matrix<T> w_o;         // d × n_heads·d_h
  Vector<T> b_q;         // n_heads·d_h       (attention_bias)
  Vector<T> b_k;         // n_kv_heads·d_h
  Vector<T> b_v;         // n_kv_heads·d_h
  Vector<T> b_o;         // d
  Vector<T> norm2_gain;  // d
  Vector<T> norm2_bias;  // d
  Matrix<T> w_up;        // d_mlp × d   (relu/gelu: the first layer; swiglu: the "up" branch)
  Matrix<T> w_gate;      // d_mlp × d   (swiglu only)
  Matrix<T> w_down;      // d × d_mlp
  Vector<T> b_up;        // d_mlp       (mlp_bias)
  Vector<T> b_down;      // d
  Vector<T> post_attention_gain;  // d   (post_norms: norm of a before z = v + a; Gemma-2 post_attention_layernorm)
  Vector<T> post_mlp_gain;        // d   (post_norms: norm of ψ's output; Gemma-2 post_feedforward_layernorm)
};

template <class T>
struct Weights {
  Matrix<T> token_embedding;     // vocab × d   (may be empty for input-row-only models)
  Matrix<T> position_embedding;  // max_positions × d   (learned positions only)
  std::vector<LayerWeights<T>> layers;  // L
  Vector<T> final_gain;          // d
  Vector<T> final_bias;          // d
  Matrix<T> unembedding;         // vocab × d   (empty when tied or absent)
};

// Checks shapes against the config; throws InputError naming the tensor.
void validate(const ModelConfig& config, const Weights<double>& weights);

// Applies f to every tensor of `from`, building the same structure of U.
template <class U, class T, class F>
Weights<U> map_weights(const Weights<T>& from, F&& f) {
  const auto mat = [&](const Matrix<T>& m) {
    Matrix<U> r;
    r.rows = m.rows;
    r.cols = m.cols;
    r.data.reserve(m.data.size());
    for (const T& x : m.data) r.data.push_back(f(x));
    return r;
  };
  const auto vec = [&](const Vector<T>& v) {
    Vector<U> r;
    r.reserve(v.size());
    for (const T& x : v) r.push_back(f(x));
    return r;
  };
  Weights<U> w;
  w.token_embedding = mat(from.token_embedding);
  w.position_embedding = mat(from.position_embedding);
  for (const LayerWeights<T>& l : from.layers) {
    w.layers.push_back(LayerWeights<U>{vec(l.norm1_gain), vec(l.norm1_bias), mat(l.w_q), mat(l.w_k), mat(l.w_v),
                                       mat(l.w_o), vec(l.b_q), vec(l.b_k), vec(l.b_v), vec(l.b_o),
                                       vec(l.norm2_gain), vec(l.norm2_bias), mat(l.w_up), mat(l.w_gate),
                                       mat(l.w_down), vec(l.b_up), vec(l.b_down), vec(l.post_attention_gain),
                                       vec(l.post_mlp_gain)});
  }
  w.final_gain = vec(from.final_gain);
  w.final_bias = vec(from.final_bias);
  w.unembedding = mat(from.unembedding);
  return w;
}

}  // namespace glasses::model
