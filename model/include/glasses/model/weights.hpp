// Weights: the parameters of a ModelConfig. A source holds one master copy
// (presets.hpp): Weights<double> for synthetic models and F64 checkpoints,
// Weights<float> for F32, F16 and BF16 checkpoints (each stored value is a
// binary32 number: half the memory). A prepared model (forward.hpp) holds
// its vectors in its scalar type and its matrices as WeightMatrix: the
// values of the `weights` site, never in the working type.
//
// Layout conventions (shape comments: rows × cols, row-major):
// every projection is stored [out, in] as nn.Linear does, so y = W x reads
// row r of W for output r. Loaders transpose GPT-2's Conv1D [in, out].
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
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

// A weight matrix as a prepared model reads it: each value exactly as the
// `weights` site left it, in binary32 when every value is a binary32 number
// (all of an F32, F16 or BF16 checkpoint, and anything rounded to a format
// of at most 24 bits), else in binary64 -- never in the working type, so an
// MPFR or interval run holds no weight as an MPFR number. The values are
// shared: copies cost nothing, and a prepared model whose site leaves a
// binary32 master unchanged reads the master's own values.
class WeightMatrix {
 public:
  std::size_t rows = 0;
  std::size_t cols = 0;

  WeightMatrix() = default;
  WeightMatrix(std::size_t r, std::size_t c, std::vector<float> values);
  WeightMatrix(std::size_t r, std::size_t c, std::vector<double> values);
  // rows × cols values of someone else's (a master copy's), which `owner`
  // keeps alive.
  WeightMatrix(std::size_t r, std::size_t c, const float* values, std::shared_ptr<const void> owner)
      : rows(r), cols(c), f_(values), owner_(std::move(owner)), borrowed_(true) {}
  // rows × cols binary32 values in panels (fast_matvec.hpp "Layout": `panel`
  // rows a panel, the last rows in panels of `tail`, each panel column-major)
  // that the caller keeps alive: a prepared model's packed copy, so that its
  // values are held once. Rows are gathered when read.
  static WeightMatrix panels(std::size_t r, std::size_t c, const float* data, std::size_t panel, std::size_t tail) {
    WeightMatrix m;
    m.rows = r;
    m.cols = c;
    m.p_ = data;
    m.panel_ = panel;
    m.tail_ = tail;
    m.borrowed_ = true;
    return m;
  }

  bool empty() const { return f_ == nullptr && d_ == nullptr && p_ == nullptr; }
  // Whether the values belong to someone else (a master copy, a packed copy).
  bool borrowed() const { return borrowed_; }
  const float* floats() const { return f_; }    // nullptr unless held row-major in binary32
  const double* doubles() const { return d_; }  // nullptr unless held in binary64
  double operator()(std::size_t r, std::size_t c) const {
    if (p_ != nullptr) return static_cast<double>(p_[panel_index(r, c)]);
    return f_ != nullptr ? static_cast<double>(f_[r * cols + c]) : d_[r * cols + c];
  }
  // f(row r) with row r as `const float*` or `const double*` (a panel view
  // gathers it into a buffer of this thread, valid during the call).
  template <class F>
  decltype(auto) with_row(std::size_t r, F&& f) const {
    if (p_ != nullptr) {
      thread_local std::vector<float> row;
      row.resize(cols);
      for (std::size_t c = 0; c < cols; ++c) row[c] = p_[panel_index(r, c)];
      return f(static_cast<const float*>(row.data()));
    }
    if (f_ != nullptr) return f(f_ + r * cols);
    return f(d_ + r * cols);
  }

 private:
  std::size_t panel_index(std::size_t r, std::size_t c) const {
    const std::size_t full = rows / panel_ * panel_;  // rows in full panels
    if (r < full) return r / panel_ * panel_ * cols + c * panel_ + r % panel_;
    const std::size_t k = r - full;
    return full * cols + k / tail_ * tail_ * cols + c * tail_ + k % tail_;
  }

  const float* f_ = nullptr;
  const double* d_ = nullptr;
  const float* p_ = nullptr;  // panels
  std::size_t panel_ = 0, tail_ = 0;
  std::shared_ptr<const void> owner_;
  bool borrowed_ = false;
};

// Vectors of T and matrices of M (Matrix<T> in master copies, WeightMatrix
// in prepared models).
template <class T, class M = Matrix<T>>
struct LayerWeights {
  Vector<T> norm1_gain;  // d     (empty: g = 1)
  Vector<T> norm1_bias;  // d     (empty: b = 0)
  M w_q;         // n_heads·d_h × d
  M w_k;         // n_kv_heads·d_h × d
  M w_v;         // n_kv_heads·d_h × d
  M w_o;         // d × n_heads·d_h
  Vector<T> b_q;         // n_heads·d_h       (attention_bias)
  Vector<T> b_k;         // n_kv_heads·d_h
  Vector<T> b_v;         // n_kv_heads·d_h
  Vector<T> b_o;         // d
  Vector<T> norm2_gain;  // d
  Vector<T> norm2_bias;  // d
  M w_up;        // d_mlp × d   (relu/gelu: the first layer; swiglu: the "up" branch)
  M w_gate;      // d_mlp × d   (swiglu only)
  M w_down;      // d × d_mlp
  Vector<T> b_up;        // d_mlp       (mlp_bias)
  Vector<T> b_down;      // d
  Vector<T> post_attention_gain;  // d   (post_norms: norm of a before z = v + a; Gemma-2 post_attention_layernorm)
  Vector<T> post_mlp_gain;        // d   (post_norms: norm of ψ's output; Gemma-2 post_feedforward_layernorm)
};

template <class T, class M = Matrix<T>>
struct Weights {
  M token_embedding;             // vocab × d   (may be empty for input-row-only models)
  M position_embedding;          // max_positions × d   (learned positions only)
  std::vector<LayerWeights<T, M>> layers;  // L
  Vector<T> final_gain;          // d
  Vector<T> final_bias;          // d
  M unembedding;                 // vocab × d   (empty when tied or absent)
};

// The weights of a prepared model: vectors in T, matrices as stored.
template <class T>
using PreparedWeights = Weights<T, WeightMatrix>;

// Checks shapes against the config; throws InputError naming the tensor.
void validate(const ModelConfig& config, const Weights<double>& weights);
void validate(const ModelConfig& config, const Weights<float>& weights);

// The same structure with every vector mapped by vec and every matrix by
// mat (empty tensors stay empty).
template <class U, class MU, class T, class M, class VecF, class MatF>
Weights<U, MU> map_weights(const Weights<T, M>& from, VecF&& vec, MatF&& mat) {
  Weights<U, MU> w;
  w.token_embedding = mat(from.token_embedding);
  w.position_embedding = mat(from.position_embedding);
  for (const LayerWeights<T, M>& l : from.layers) {
    w.layers.push_back(LayerWeights<U, MU>{vec(l.norm1_gain), vec(l.norm1_bias), mat(l.w_q), mat(l.w_k), mat(l.w_v),
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
