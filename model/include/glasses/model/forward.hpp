// The forward pass (THEORY §1), written once over any scalar type T.
//
// For block l and position i (Pre-LN):
//   u_i  = norm1(v_i)                                           (pre-attention norm)
//   q_i  = W_Q u_i,  k_i = W_K u_i,  v_i = W_V u_i   (+ biases; RoPE rotates q, k)
//   s_ij = (q_i^h · k_j^h) · scale − m_h (i − j)                 (ALiBi term when used)
//          with the soft-cap s ← c·tanh(s/c) after the scale, before the ALiBi term
//   α_ij = softmax_{j∈N_l(i)} s_ij                              (N_l: the window of layer l)
//   o_i^h = Σ_{j∈N(i)} α_ij v_j^h
//   a_i  = W_O concat_h o_i^h  (+ b_O)       (post-norms: a_i = postnorm_a(W_O …))
//   z_i  = v_i + a_i                                            (residual)
//   v_i' = z_i + ψ(norm2(z_i))                                  (MLP with residual; post-norms:
//                                                                z_i + postnorm_m(ψ(norm2(z_i))))
// and at the end y_i = norm3(v_i^(L)), logits_i = W_U y_i (final soft-cap:
// c·tanh(logits/c)). v^(0) is the token embedding times embedding_scale
// (Gemma) when the config has one.
//
// Two drivers share the per-position steps, so they give the same bits:
//   Decoder  position by position with a KV cache (causal attention only):
//            extending a prefix by one token costs O(n·d·L);
//   forward  layer by layer over the whole sequence (any mask, keeps a trace);
//            with an observer of the steps (NoStepObserver) it is also the
//            recording forward of the Jacobians (jacobian.hpp's record).
//
// Numerical trouble: the first non-finite value met (layer, position, step)
// is recorded in `NumericalIssue`; callers report it rather than use the
// numbers as if they were results.
#pragma once

#include <bit>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "glasses/model/config.hpp"
#include "glasses/model/kernels.hpp"
#include "glasses/model/positional.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/model/weights.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/exact_bytes.hpp"
#include "glasses/numerics/parallel.hpp"

namespace glasses::model {

// One input position: a token id, or a raw row v^(0) (length d).
struct InputSequence {
  std::vector<int> tokens;        // token ids, or
  Matrix<double> rows;            // n × d raw input rows (used when tokens is empty)
  std::size_t size() const { return tokens.empty() ? rows.rows : tokens.size(); }
};

struct NumericalIssue {
  bool found = false;
  int layer = -1;            // -1: input or final norm/unembedding
  std::size_t position = 0;
  std::string step;          // "input", "attention", "mlp", "final norm", "logits"
};

// Packed copies of one layer's matrices for the vector kernels (fast_matvec.hpp).
struct PackedLayer {
  PackedMatrix w_q, w_k, w_v, w_o, w_up, w_gate, w_down;
};

// The model's parameters and constants: vectors and constants rounded into
// T, matrices as the weights site leaves them (WeightMatrix). Move-only: its
// matrices may read its own packed copies.
template <class T>
struct PreparedModel {
  PreparedModel() = default;
  PreparedModel(PreparedModel&&) noexcept = default;
  PreparedModel& operator=(PreparedModel&&) noexcept = default;
  PreparedModel(const PreparedModel&) = delete;
  PreparedModel& operator=(const PreparedModel&) = delete;

  ModelConfig config;
  typename numerics::ScalarTraits<T>::Context ctx;
  PreparedWeights<T> w;
  // Packed copies of the matrices of w for the vector kernels, for the
  // scalar types they serve (every matrix empty otherwise): same bits, faster.
  std::vector<PackedLayer> packed;  // [l]
  PackedMatrix packed_unembedding;  // W_U (the token embedding when tied)
  T zero, one, d_model, norm_eps, score_scale;
  ActivationConstants<T> act;
  std::vector<T> alibi;       // per head
  std::vector<T> rope_omega;  // d_h/2
  std::vector<T> sinusoid_omega;  // d/2
  T embedding_scale, attn_softcap, final_softcap;  // as in the config, rounded once into T (used when set)
  T sink_logit;  // the attention sink's score, rounded once into T at attention-scores (used when set)
};

namespace detail {

// The format the weights site rounds into.
template <class T, class R>
numerics::Format weights_format(const Env<T, R>& env) {
  if constexpr (R::active) {
    if (env.round.needed(Site::weights)) return env.round.format(Site::weights);
  }
  return numerics::ScalarTraits<T>::format(env.ctx);
}

// A master matrix as a prepared model holds it: every value through the
// weights site, held in binary32 while every result is a binary32 number
// (else all in binary64), or the master's own binary32 values (kept alive
// by `owner`) when the site leaves them unchanged. Each value in T must be
// a double: an interval of less than 53 bits may enclose a double without
// holding it (InputError).
template <class T, class R, class M>
WeightMatrix prepare_matrix(const Matrix<M>& master, Env<T, R>& env, const std::shared_ptr<const void>& owner) {
  using Traits = numerics::ScalarTraits<T>;
  if (master.empty()) return {};
  if constexpr (std::is_same_v<M, float>) {
    if (owner && numerics::holds_binary32(weights_format(env))) return {master.rows, master.cols, master.data.data(), owner};
  }
  std::vector<float> narrow;
  std::vector<double> wide;
  narrow.reserve(master.data.size());
  for (const M& x : master.data) {
    const auto [lo, hi] = Traits::bounds(env.input(Site::weights, static_cast<double>(x)));
    if (!(lo == hi) && !(std::isnan(lo) && std::isnan(hi))) {
      throw InputError(Traits::name(env.ctx) + " cannot hold the weight " + std::to_string(static_cast<double>(x)) +
                       " exactly; use at least 53 bits");
    }
    const auto f = static_cast<float>(lo);
    if (wide.empty() && (static_cast<double>(f) == lo || std::isnan(lo))) {
      narrow.push_back(f);
      continue;
    }
    if (wide.empty()) {
      wide.reserve(master.data.size());
      wide.assign(narrow.begin(), narrow.end());
      narrow = {};
    }
    wide.push_back(lo);
  }
  if (wide.empty()) return {master.rows, master.cols, std::move(narrow)};
  return {master.rows, master.cols, std::move(wide)};
}

}  // namespace detail

// Rounds the master weights through the `weights` site (vectors into T,
// matrices as WeightMatrix), packs the matrices when T has vector kernels,
// and computes the constants. `owner`, when given, keeps a binary32 master
// alive for the prepared matrices that read its values. Throws InputError
// when the config is inconsistent.
template <class T, class R, class M>
PreparedModel<T> prepare(const ModelConfig& config, const Weights<M>& master, Env<T, R>& env,
                         const std::shared_ptr<const void>& owner = {}) {
  validate(config);
  validate(config, master);
  PreparedModel<T> m;
  m.config = config;
  m.ctx = env.ctx;
  // Each matrix through the weights site and, for the types the vector
  // kernels serve, packed at once: a matrix of the model's own (rounded)
  // values is then read from its packed copy, so it is held once, never
  // twice even for a moment; the master's own values stay where they are.
  std::map<const void*, PackedMatrix> packed_of;  // by master matrix
  m.w = map_weights<T, WeightMatrix>(
      master,
      [&](const Vector<M>& v) {
        Vector<T> r;
        r.reserve(v.size());
        for (const M& x : v) r.push_back(env.input(Site::weights, static_cast<double>(x)));
        return r;
      },
      [&](const Matrix<M>& master_matrix) {
        WeightMatrix W = detail::prepare_matrix(master_matrix, env, owner);
        if constexpr (PackedScalar<T>::served) {
          // The kernels read the layers' matrices and W_U (the token embedding when tied).
          const bool kernels_read = &master_matrix != &master.position_embedding &&
                                    (&master_matrix != &master.token_embedding || config.tied_unembedding);
          if (!kernels_read) return W;
          PackedMatrix P = pack<T>(W);
          if (!W.borrowed() && !P.empty()) {
            W = WeightMatrix::panels(P.rows, P.cols, P.data.data(), kPanelRows, kTailPanelRows);
          }
          packed_of.emplace(&master_matrix, std::move(P));  // the panels keep their address
        }
        return W;
      });
  // Every entry is taken (moved into m), so every panel view stays valid.
  const auto packed = [&](const Matrix<M>& master_matrix) {
    const auto it = packed_of.find(&master_matrix);
    return it == packed_of.end() ? PackedMatrix{} : std::move(it->second);
  };
  for (const LayerWeights<M>& W : master.layers) {
    m.packed.push_back({packed(W.w_q), packed(W.w_k), packed(W.w_v), packed(W.w_o), packed(W.w_up),
                        packed(W.w_gate), packed(W.w_down)});
  }
  m.packed_unembedding = packed(config.tied_unembedding ? master.token_embedding : master.unembedding);
  for (const auto& entry : packed_of) {
    if (!entry.second.data.empty()) throw Error("prepare: a packed copy that a weight matrix reads was not kept");
  }
  m.zero = env.zero();
  m.one = env.one();
  // Gemma's norms multiply by (1 + g) (transformers modeling_gemma.py
  // GemmaRMSNorm.forward: output * (1.0 + self.weight.float())): the sum is
  // formed here once, in T at site `norm`, and becomes the gain every norm
  // and the Jacobians (jacobian.hpp reads m.w) use. Forming it per position
  // would give the same bits (the same operation on the same operands) except
  // under stochastic rounding, where a weight-derived constant is rounded once.
  if (config.norm_gain_offset) {
    const auto offset = [&](Vector<T>& g) {
      for (T& x : g) {
        x += m.one;
        env.round(Site::norm, x);
      }
    };
    for (LayerWeights<T, WeightMatrix>& W : m.w.layers) {
      offset(W.norm1_gain);
      offset(W.norm2_gain);
      offset(W.post_attention_gain);
      offset(W.post_mlp_gain);
    }
    offset(m.w.final_gain);
  }
  // Gemma's normaliser torch.tensor(hidden_size**0.5, dtype=…)
  // (modeling_gemma.py GemmaModel.forward): the binary64 value of the config
  // rounded once into T at site `activations` (checkpoint.cpp sets it to
  // std::sqrt(d), Python's float **0.5).
  m.embedding_scale = env.input(Site::activations, config.embedding_scale);
  m.attn_softcap = env.input(Site::attention_scores, config.attn_softcap);
  m.final_softcap = env.input(Site::output, config.final_softcap);
  // Only when set: a stochastic rounder draws for every input.
  if (config.sink_logit) m.sink_logit = env.input(Site::attention_scores, *config.sink_logit);
  m.d_model = env.constant(Site::norm, config.d_model);
  m.norm_eps = env.input(Site::norm, config.norm_eps);
  m.score_scale = env.one();
  if (config.score_scale == ScoreScale::inv_sqrt_head_dim) {
    using numerics::sqrt;
    T root = sqrt(env.constant(Site::attention_scores, config.score_scale_dim > 0 ? config.score_scale_dim : config.d_head));
    env.round(Site::attention_scores, root);
    m.score_scale /= root;
    env.round(Site::attention_scores, m.score_scale);
  }
  m.act = activation_constants(env);
  if (config.positional == PositionalKind::alibi) m.alibi = alibi_slopes(env, config.n_heads, config.alibi_slope_scale);
  if (config.positional == PositionalKind::rope) {
    m.rope_omega = inverse_frequencies(env, Site::attention_scores, env.input(Site::attention_scores, config.rope_theta),
                                         config.d_head);
    scale_inverse_frequencies(env, Site::attention_scores, m.rope_omega, config.rope_scaling, config.rope_theta,
                              config.d_head);
  }
  if (config.positional == PositionalKind::sinusoidal) {
    m.sinusoid_omega = inverse_frequencies(env, Site::activations, env.constant(Site::activations, 10000), config.d_model);
  }
  return m;
}

// W's values as a Matrix<T>, for analyses of small models (the bounds of
// the checks); the forward itself never makes one.
template <class T>
Matrix<T> as_matrix_of(const WeightMatrix& W, const typename numerics::ScalarTraits<T>::Context& ctx) {
  Matrix<T> m(W.rows, W.cols, numerics::ScalarTraits<T>::from_double(ctx, 0));
  for (std::size_t r = 0; r < W.rows; ++r) {
    for (std::size_t c = 0; c < W.cols; ++c) m(r, c) = numerics::ScalarTraits<T>::from_double(ctx, W(r, c));
  }
  return m;
}

// The same from a source's master copy, whichever it holds.
template <class T, class R>
PreparedModel<T> prepare(const ModelSource& source, Env<T, R>& env) {
  if (source.float_weights) return prepare(source.config, *source.float_weights, env, source.float_weights);
  return prepare(source.config, source.weights, env);
}

// Per-layer quantities of one position.
template <class T>
struct PositionState {
  std::vector<std::vector<T>> residual;                   // [l] v^(l), l = 0..L
  std::vector<std::vector<std::vector<T>>> head_outputs;  // [l][h] o^h (d_h)
  std::vector<std::vector<std::vector<T>>> attention;     // [l][h] α over N(t) (when recorded)
  std::vector<NormStats<T>> norm1, norm2;                 // [l]
  NormStats<T> norm3;
  std::vector<T> y;                                       // d
};

// What a caller can watch of the forward pass (as gemma.cpp's layer and
// activation observers): BlockSteps calls its observer at the points where a
// recording of the forward needs an intermediate (jacobian.hpp's Tape), l
// being the layer and t the position. Pointers are valid during the call
// only. This observer watches nothing; its calls compile away.
//
//   input(t, v)                      v^(0)_t (d)
//   norm1(l, t, stats, centred)      u = norm1(v): its statistics and centred input (d):
//   norm2(l, t, stats, centred)        x − μ (LayerNorm), x (RMSNorm), nullptr (no norm)
//   norm3(t, stats, centred)           (norm2: z = v + a;  norm3: v^(L))
//   rotations(table)                 the RoPE cos/sin table, once it has grown for t
//   projected(l, t, q, k, v)         q (n_heads·d_h) and k (n_kv_heads·d_h) after RoPE, the values
//   attention(l, t, first, last, α)  α[h] over N(t) = [first, last], every head (when `active`)
//   mlp_input(l, t, up, gate)        W_up u + b_up before the nonlinearity (d_mlp), and
//                                    W_gate u (gated ψ; nullptr otherwise)
//   post_norm(l, t, which, stats, x) a post-norm (post_norms) and its input (d):
//                                    which 0 = of the attention output, 1 = of the MLP's
// States an observer may also watch, through an optional hook
//   state(l, t, step, head, x, n)    x (n values) after `step` of layer l
//                                    at position t; head >= 0 for the head steps
// (merge.hpp records them to find where two inputs merge). Observers
// without the hook are not asked.
enum class ForwardStep : std::uint8_t {
  input,             // v^(0)_t (the input hook)
  q,                 // the queries (the projected hook)
  scores,            // s_j of a head, j ∈ N(t)
  denominator,       // Z of a head's softmax
  softmax,           // α_j of a head
  attention_output,  // o^h = Σ_j α_j v_j^h
  residual,          // z = v + a
  mlp,               // v' = z + ψ(norm(z))
  output,            // y
};

struct NoStepObserver {
  static constexpr bool active = false;  // true: attend() keeps α for attention()
  template <class T>
  void input(std::size_t, const T*) {}
  template <class T>
  void norm1(std::size_t, std::size_t, const NormStats<T>&, const T*) {}
  template <class T>
  void norm2(std::size_t, std::size_t, const NormStats<T>&, const T*) {}
  template <class T>
  void norm3(std::size_t, const NormStats<T>&, const T*) {}
  template <class T>
  void rotations(const RotationTable<T>&) {}
  template <class T>
  void projected(std::size_t, std::size_t, const T*, const T*, const T*) {}
  template <class T>
  void attention(std::size_t, std::size_t, std::size_t, std::size_t, const std::vector<std::vector<T>>&) {}
  template <class T>
  void mlp_input(std::size_t, std::size_t, const T*, const T*) {}
  template <class T>
  void post_norm(std::size_t, std::size_t, int, const NormStats<T>&, const T*) {}
};

namespace detail {

// The hash contribution of one input position: its token id, or its row's bits.
inline std::uint64_t token_key(int token, const double* row, std::size_t d) {
  if (row == nullptr) return static_cast<std::uint64_t>(static_cast<std::int64_t>(token));
  std::uint64_t h = 0x5EED;
  for (std::size_t i = 0; i < d; ++i) h = mix_hash(h, std::bit_cast<std::uint64_t>(row[i]));
  return h;
}

// Phases of a step, for reseeding the stochastic stream.
enum Phase : int { kEmbed = 0, kProject = 1, kAttend = 2, kMlp = 3, kFinal = 4, kLogits = 5 };

// The steps of one block for one position, shared by the drivers (Decoder,
// forward, and through forward jacobian.hpp's record). Keys and values of
// every layer are kept per position (the KV cache). Each step reads as the
// equations of THEORY §1; the two-thread split (split), the vector kernels'
// packed copies (product, key_dots, cache) and prefetching (key_dot)
// live in the helpers below them.
template <class T, class R, class Observer = NoStepObserver>
class BlockSteps {
 public:
  BlockSteps(const PreparedModel<T>& model, Env<T, R>& env, Observer observer = {})
      : m_(model), env_(env), observe_(observer) {
    const std::size_t L = static_cast<std::size_t>(m_.config.n_layers);
    const std::size_t heads = static_cast<std::size_t>(m_.config.n_kv_heads);
    keys_.assign(L, std::vector<std::vector<T>>(heads));
    values_.assign(L, std::vector<std::vector<T>>(heads));
    key_panels_.assign(L, std::vector<PackedRows>(heads));
  }

  const PreparedModel<T>& model() const { return m_; }
  Env<T, R>& env() { return env_; }

  // v^(0)_t: the token's embedding or the raw row, plus absolute positions
  // entering the residual stream.
  std::vector<T> embed(int token, const double* row, std::size_t t) {
    const ModelConfig& c = m_.config;
    const std::size_t d = static_cast<std::size_t>(c.d_model);
    if (c.max_positions > 0 && t >= static_cast<std::size_t>(c.max_positions)) {
      throw InputError("sequence longer than the model's " + std::to_string(c.max_positions) + " positions");
    }
    std::vector<T> v(d, m_.zero);
    if (row == nullptr) {
      if (token < 0 || token >= c.vocab_size) {
        throw InputError("token id " + std::to_string(token) + " outside the vocabulary [0, " +
                         std::to_string(c.vocab_size) + ")");
      }
      if (m_.w.token_embedding.empty()) throw InputError("this model takes input rows, not token ids");
      m_.w.token_embedding.with_row(static_cast<std::size_t>(token), [&](const auto* e) {
        for (std::size_t i = 0; i < d; ++i) v[i] = env_.from_double(static_cast<double>(e[i]));
      });
      if (c.embedding_scale != 1) {  // Gemma: e · √d (the tied W_U stays the unscaled e)
        for (std::size_t i = 0; i < d; ++i) {
          v[i] *= m_.embedding_scale;
          env_.round(Site::activations, v[i]);
        }
      }
    } else {
      for (std::size_t i = 0; i < d; ++i) v[i] = env_.input(Site::activations, row[i]);
    }
    if (c.absolute_into == AbsolutePositionsInto::residual) add_absolute_position(v.data(), t);
    observe_.input(t, v.data());
    return v;
  }

  // The projections of position t in layer l (q kept, k and v cached):
  //   u = norm1(v)
  //   v_t = W_V u + b_V                     (values never see positions that enter through q/k)
  //   u' = u + p_t  (Fig. 8 B), else u
  //   q = W_Q u' + b_Q,  k_t = W_K u' + b_K,  each head rotated by RoPE
  NormStats<T> project(std::size_t l, const T* v, std::size_t t, std::vector<T>& q) {
    const ModelConfig& c = m_.config;
    const LayerWeights<T, WeightMatrix>& W = m_.w.layers[l];
    const PackedLayer& P = m_.packed[l];
    const std::size_t d = static_cast<std::size_t>(c.d_model), kv = static_cast<std::size_t>(c.kv_width());
    attn_in_.assign(d, m_.zero);
    const NormStats<T> stats = normalize(env_, c.norm, v, d, W.norm1_gain, W.norm1_bias, m_.norm_eps, m_.d_model,
                                         attn_in_.data(), centred_);
    observe_.norm1(l, t, stats, centred_input(v));
    value_row_.assign(kv, m_.zero);
    product(W.w_v, W.b_v, attn_in_.data(), value_row_.data(), P.w_v);
    const T* qk_in = attn_in_.data();
    if (c.absolute_into == AbsolutePositionsInto::queries_keys) {
      qk_in_.assign(attn_in_.begin(), attn_in_.end());
      add_absolute_position(qk_in_.data(), t);
      qk_in = qk_in_.data();
    }
    q.assign(static_cast<std::size_t>(c.q_width()), m_.zero);
    product(W.w_q, W.b_q, qk_in, q.data(), P.w_q);
    key_row_.assign(kv, m_.zero);
    product(W.w_k, W.b_k, qk_in, key_row_.data(), P.w_k);
    if (c.positional == PositionalKind::rope) {
      rope_.grow(env_, Site::attention_scores, m_.rope_omega, t + 1);
      observe_.rotations(rope_);
      for (int h = 0; h < c.n_heads; ++h) {
        apply_rope(env_, c.rope_style, rope_, t, q.data() + h * c.d_head, c.d_head, p_, p2_);
      }
      for (int h = 0; h < c.n_kv_heads; ++h) {
        apply_rope(env_, c.rope_style, rope_, t, key_row_.data() + h * c.d_head, c.d_head, p_, p2_);
      }
    }
    observe_.projected(l, t, q.data(), key_row_.data(), value_row_.data());
    cache(l, t);
    return stats;
  }

  // Attention of query position t over key positions N(t) = [first, last]
  // of layer l:
  //   o^h = Σ_{j∈N(t)} α_tj^h v_j^h     every head h (attend_head)
  //   a = W_O concat_h o^h + b_O       (post-norms: a = norm(W_O concat_h o^h), Gemma-2)
  //   z = v + a                        (in place: v is the residual stream)
  // Heads are independent: with `two_threads`, long attentions give half
  // the heads to each thread (split()).
  void attend(std::size_t l, std::size_t t, std::size_t first, std::size_t last, const std::vector<T>& q, T* v,
              std::vector<std::vector<T>>& head_outputs, std::vector<std::vector<T>>* attention) {
    const ModelConfig& c = m_.config;
    const std::size_t dh = static_cast<std::size_t>(c.d_head);
    const std::size_t m = last + 1 - first;
    concat_.assign(static_cast<std::size_t>(c.q_width()), m_.zero);
    head_outputs.resize(static_cast<std::size_t>(c.n_heads));  // reused: no new values
    std::vector<std::vector<T>>* alpha = attention != nullptr ? attention : Observer::active ? &alpha_ : nullptr;
    if (alpha != nullptr) alpha->resize(static_cast<std::size_t>(c.n_heads));  // every head's α is overwritten
    // (Heads are shared with a row group only when no α is kept and the
    // observer records no head of this layer: both stay where computed.)
    bool share = alpha == nullptr;
    if constexpr (requires(const Observer& o) { o.records_heads(l); }) share = share && !observe_.records_heads(l);
    split(static_cast<std::size_t>(c.n_heads), m * dh >= 2048, [&](std::size_t from, std::size_t to, int side) {
      for (std::size_t h = from; h < to; ++h) {
        std::vector<T>* alpha_h = alpha != nullptr ? &(*alpha)[h] : nullptr;
        attend_head(l, t, first, m, static_cast<int>(h), q, head_scratch_[side], alpha_h);
      }
    }, share ? concat_.data() : nullptr, dh);
    if constexpr (Observer::active) observe_.attention(l, t, first, last, *alpha);
    for (int h = 0; h < c.n_heads; ++h) {
      const T* o = concat_.data() + static_cast<std::size_t>(h) * dh;
      head_outputs[static_cast<std::size_t>(h)].assign(o, o + dh);
    }
    attn_out_.assign(static_cast<std::size_t>(c.d_model), m_.zero);
    product(m_.w.layers[l].w_o, m_.w.layers[l].b_o, concat_.data(), attn_out_.data(), m_.packed[l].w_o);
    add_into(env_, v, post_norm(l, t, 0, m_.w.layers[l].post_attention_gain, attn_out_), attn_out_.size());
    if constexpr (watches_states) observe_.state(l, t, ForwardStep::residual, -1, v, attn_out_.size());
  }

  // Two threads share the work of one position where that is worth it and
  // gives the same bits: the heads of long attentions and, for
  // multiprecision T, the rows of every matrix product and the MLP's
  // activations. Never with a site rounder (its random stream is sequential).
  bool two_threads = false;
  // Processes sharing the same work (parallel.hpp's RowGroup), for
  // multiprecision T: each computes its share of those rows and heads and
  // they exchange the results exactly. Never with a site rounder.
  const numerics::RowGroup* group = nullptr;

  // The MLP of position t in layer l, with its residual:
  //   u = norm2(z)
  //   h = act(W_up u + b_up)       (SwiGLU: silu(W_gate u) ⊙ (W_up u + b_up); GeGLU: gelu_tanh(W_gate u) ⊙ …)
  //   v' = z + W_down h + b_down   (in place: z is the residual stream; post-norms:
  //                                 z + norm(W_down h), Gemma-2's post_feedforward_layernorm)
  NormStats<T> mlp(std::size_t l, std::size_t t, T* z) {
    const ModelConfig& c = m_.config;
    if (c.activation == Activation::none) return {m_.zero, m_.one};
    const LayerWeights<T, WeightMatrix>& W = m_.w.layers[l];
    const PackedLayer& P = m_.packed[l];
    const std::size_t d = static_cast<std::size_t>(c.d_model), dm = static_cast<std::size_t>(c.d_mlp);
    mlp_in_.assign(d, m_.zero);
    const NormStats<T> stats = normalize(env_, c.norm, z, d, W.norm2_gain, W.norm2_bias, m_.norm_eps, m_.d_model,
                                         mlp_in_.data(), centred_);
    observe_.norm2(l, t, stats, centred_input(z));
    up_.assign(dm, m_.zero);
    product(W.w_up, W.b_up, mlp_in_.data(), up_.data(), P.w_up);
    const bool has_gate = gated(c.activation);
    if (has_gate) {
      gate_.assign(dm, m_.zero);
      product(W.w_gate, Vector<T>{}, mlp_in_.data(), gate_.data(), P.w_gate);
    }
    observe_.mlp_input(l, t, up_.data(), has_gate ? gate_.data() : nullptr);
    hidden_.assign(up_.begin(), up_.end());
    nonlinearity(hidden_.data(), has_gate ? gate_.data() : nullptr, dm);
    mlp_out_.assign(d, m_.zero);
    product(W.w_down, W.b_down, hidden_.data(), mlp_out_.data(), P.w_down);
    add_into(env_, z, post_norm(l, t, 1, W.post_mlp_gain, mlp_out_), d);
    if constexpr (watches_states) observe_.state(l, t, ForwardStep::mlp, -1, z, d);
    return stats;
  }

  // y = norm3(v^(L)) of position t.
  NormStats<T> final_norm(std::size_t t, const T* v, std::vector<T>& y) {
    const ModelConfig& c = m_.config;
    const std::size_t d = static_cast<std::size_t>(c.d_model);
    y.assign(d, m_.zero);
    if (!c.final_norm) {
      y.assign(v, v + d);
      return {m_.zero, m_.one};
    }
    const NormStats<T> stats = normalize(env_, c.norm, v, d, m_.w.final_gain, m_.w.final_bias, m_.norm_eps,
                                         m_.d_model, y.data(), centred_);
    observe_.norm3(t, stats, centred_input(v));
    return stats;
  }

  // logits = W_U y (site `output`), soft-capped when the config says so.
  std::vector<T> logits(const std::vector<T>& y) {
    const ModelConfig& c = m_.config;
    if (!c.has_unembedding) throw InputError("this model has no unembedding (no logits)");
    const WeightMatrix& U = c.tied_unembedding ? m_.w.token_embedding : m_.w.unembedding;
    std::vector<T> out(U.rows, m_.zero);
    product(U, Vector<T>{}, y.data(), out.data(), m_.packed_unembedding, Site::output, Site::output);
    if (c.final_softcap > 0) {  // Gemma-2: c·tanh(logits/c) (modeling_gemma2.py Gemma2ForCausalLM.forward)
      for (T& x : out) soft_cap(env_, Site::output, x, m_.final_softcap);
    }
    return out;
  }

  // Key range N_l(t) = [first, last] of a query at t in layer l in a
  // sequence of length n: with the window w of layer l, i − w < j <= i
  // (transformers masking_utils sliding_window_overlay: kv_idx > q_idx − sliding_window).
  std::pair<std::size_t, std::size_t> neighbourhood(std::size_t l, std::size_t t, std::size_t n) const {
    const ModelConfig& c = m_.config;
    if (!c.causal) return {0, n - 1};
    const std::size_t w = static_cast<std::size_t>(c.window_of(l));
    return {w > 0 && t + 1 > w ? t + 1 - w : 0, t};
  }

  void truncate(std::size_t n) {
    const std::size_t dh = static_cast<std::size_t>(m_.config.d_head);
    for (std::size_t l = 0; l < keys_.size(); ++l) {
      for (std::size_t h = 0; h < keys_[l].size(); ++h) {
        keys_[l][h].resize(n * dh, m_.zero);
        values_[l][h].resize(n * dh, m_.zero);
      }
    }
  }

 private:
  // Scratch of one head's computation (one per thread).
  struct HeadScratch {
    std::vector<T> scores;  // s_j, j ∈ N(t)
    std::vector<T> alpha;   // α_j = softmax(s)_j
    T p, z;
  };

  // One head h of query position t over the keys N = [first, first + m):
  //   s_j = (q^h · k_j^h) · scale − m_h |t − j|      (the ALiBi term when used; soft-cap c·tanh(·/c)
  //                                                  of the scaled dot first when the config has one)
  //   with an attention sink, s_sink = σ in front of them (value 0)
  //   s ← β s                                        (adaptive temperature, when the config has it)
  //   α = softmax(s)
  //   o^h = Σ_j α_j v_j^h  (left to right over j ∈ N; the sink's value is 0), into concat_
  void attend_head(std::size_t l, std::size_t t, std::size_t first, std::size_t m, int h, const std::vector<T>& q,
                   HeadScratch& w, std::vector<T>* alpha) {
    const ModelConfig& c = m_.config;
    const std::size_t dh = static_cast<std::size_t>(c.d_head);
    const std::size_t kvh = static_cast<std::size_t>(h / (c.n_heads / c.n_kv_heads));
    const T* qh = q.data() + static_cast<std::size_t>(h) * dh;
    const std::size_t sink = c.sink_logit ? 1 : 0;  // the sink's score is w.scores[0]
    w.scores.resize(sink + m, m_.zero);
    T* scores = w.scores.data() + sink;
    if (sink == 1) w.scores[0] = m_.sink_logit;
    const bool dots_done = key_dots(l, kvh, first, m, qh, scores);
    for (std::size_t j = 0; j < m; ++j) {
      T& s = scores[j];
      if (!dots_done) key_dot(l, kvh, first, j, m, qh, s, w.p);
      s *= m_.score_scale;
      env_.round(Site::attention_scores, s);
      // Gemma-2's soft-cap, after the scale and before the mask (modeling_gemma2.py
      // eager_attention_forward); an ALiBi term is a bias like the mask, so it comes after.
      if (c.attn_softcap > 0) soft_cap(env_, Site::attention_scores, s, m_.attn_softcap);
      if (c.positional == PositionalKind::alibi) {
        const std::size_t key = first + j;
        w.p = m_.alibi[static_cast<std::size_t>(h)];
        w.p *= env_.constant(Site::attention_scores, static_cast<long>(t >= key ? t - key : key - t));
        env_.round(Site::attention_scores, w.p);
        s -= w.p;
        env_.round(Site::attention_scores, s);
      }
    }
    if (c.adaptive_temperature) adaptive_temperature(env_, w.scores.data(), sink + m, w.alpha, w.p);
    w.alpha.resize(sink + m, m_.zero);
    softmax(env_, w.scores.data(), sink + m, w.alpha.data(), w.z);
    const T* weights = w.alpha.data() + sink;  // α_j of the keys j ∈ N (the sink's value is 0: no term)
    const T* values = values_[l][kvh].data() + first * dh;  // row j: v_(first+j)^h
    T* o = concat_.data() + static_cast<std::size_t>(h) * dh;
    combine_rows(env_, Site::matmul_accumulate, Site::activations, weights, values, dh, m, dh, o, w.p);
    if (alpha != nullptr) alpha->assign(weights, weights + m);
    if constexpr (watches_states) {
      observe_.state(l, t, ForwardStep::scores, h, scores, m);
      observe_.state(l, t, ForwardStep::denominator, h, &w.z, 1);
      observe_.state(l, t, ForwardStep::softmax, h, weights, m);
      observe_.state(l, t, ForwardStep::attention_output, h, o, dh);
    }
  }

  // ---- helpers: threads, packed copies, prefetching ----

  // s_j = q^h · k_(first+j)^h for all j < m at once, from the packed key
  // panel (the vector kernels: the bits of `dot`); false, having done
  // nothing, when T has none.
  bool key_dots(std::size_t l, std::size_t kvh, std::size_t first, std::size_t m, const T* qh, T* s) {
    return dot_rows(env_, Site::attention_scores, key_panels_[l][kvh], first, m, qh, s);
  }

  // s = q^h · k_(first+j)^h by `dot`, the next key's limbs asked for first.
  void key_dot(std::size_t l, std::size_t kvh, std::size_t first, std::size_t j, std::size_t m, const T* qh, T& s,
               T& p) {
    const std::size_t dh = static_cast<std::size_t>(m_.config.d_head);
    const T* keys = keys_[l][kvh].data() + first * dh;  // row j: k_(first+j)^h
    if (j + 1 < m) prefetch_limbs(keys + (j + 1) * dh, dh);
    dot(env_, Site::attention_scores, qh, keys + j * dh, dh, s, p);
  }

  // k_t and v_t of layer l, rounded into the cache's format (site
  // kv-cache), into the caches head by head; the keys once more into the
  // packed panels (when T has vector kernels).
  void cache(std::size_t l, std::size_t t) {
    const std::size_t dh = static_cast<std::size_t>(m_.config.d_head);
    env_.round(Site::kv_cache, key_row_.data(), key_row_.size());
    env_.round(Site::kv_cache, value_row_.data(), value_row_.size());
    store_heads(values_[l], t, value_row_);
    store_heads(keys_[l], t, key_row_);
    for (std::size_t h = 0; h < key_panels_[l].size(); ++h) {
      pack_row(key_panels_[l][h], t, key_row_.data() + h * dh, dh);
    }
  }

  // Head h of a row of width kv_width into cache[h] at position t. Each head's
  // keys (values) are contiguous, positions × d_h, so attention reads them
  // in order.
  void store_heads(std::vector<std::vector<T>>& cache, std::size_t t, const std::vector<T>& row) {
    const std::size_t dh = static_cast<std::size_t>(m_.config.d_head);
    for (std::size_t h = 0; h < cache.size(); ++h) {
      if (cache[h].size() < (t + 1) * dh) cache[h].resize((t + 1) * dh, m_.zero);
      std::copy(row.data() + h * dh, row.data() + (h + 1) * dh, cache[h].data() + t * dh);
    }
  }

  // p_t added to x (site activations): a learned table row, or the sinusoid.
  void add_absolute_position(T* x, std::size_t t) {
    const ModelConfig& c = m_.config;
    const std::size_t d = static_cast<std::size_t>(c.d_model);
    if (c.positional == PositionalKind::learned) {
      position_.resize(d, m_.zero);
      m_.w.position_embedding.with_row(t, [&](const auto* p) {
        for (std::size_t i = 0; i < d; ++i) position_[i] = env_.from_double(static_cast<double>(p[i]));
      });
      add_into(env_, x, position_.data(), d);
    } else if (c.positional == PositionalKind::sinusoidal) {
      sinusoid_.grow(env_, Site::activations, m_.sinusoid_omega, t + 1);
      for (std::size_t k = 0; k < d / 2; ++k) {
        x[2 * k] += sinusoid_.sin_rows[t][k];
        env_.round(Site::activations, x[2 * k]);
        x[2 * k + 1] += sinusoid_.cos_rows[t][k];
        env_.round(Site::activations, x[2 * k + 1]);
      }
    }
  }

  // x itself, or norm(x) with gain g into post_out_ when the config has
  // post-norms (Gemma-2's post_attention_layernorm, post_feedforward_layernorm:
  // sites norm and activations as every norm).
  // `which`: 0 after attention, 1 after the MLP (for the observer).
  const T* post_norm(std::size_t l, std::size_t t, int which, const Vector<T>& gain, const std::vector<T>& x) {
    const ModelConfig& c = m_.config;
    if (!c.post_norms) return x.data();
    post_out_.assign(x.size(), m_.zero);
    const NormStats<T> stats = normalize(env_, c.norm, x.data(), x.size(), gain, Vector<T>{}, m_.norm_eps,
                                         m_.d_model, post_out_.data(), centred_);
    observe_.post_norm(l, t, which, stats, centred_input(x.data()));
    return post_out_.data();
  }

  // The centred input of the norm just computed on x (for the observer).
  const T* centred_input(const T* x) const {
    switch (m_.config.norm) {
      case NormKind::layernorm: return centred_.data();
      case NormKind::rmsnorm: return x;
      case NormKind::none: break;
    }
    return nullptr;
  }

  // Multiprecision operations cost enough for a matrix product's rows to
  // be worth two threads; native ones do not.
  static constexpr bool kSplitRows = numerics::ScalarTraits<T>::is_multiprecision;

  // job(from, to, side) over [0, n), item k writing out[k·width, (k+1)·width):
  // with a row group (and `out`, no site rounder) this process does its
  // share of the group's split and receives the others' (exact bytes); its
  // part, with two_threads and `worth`, is halved between this thread
  // (side 0) and the helper (side 1). Multiprecision work always outweighs
  // an exchange, so a group shares every split, `worth` or not.
  template <class Job>
  void split(std::size_t n, bool worth, const Job& job, T* out = nullptr, std::size_t width = 1) {
    if constexpr (numerics::kExactBytes<T>) {
      if (group != nullptr && out != nullptr && !R::active) {  // a share may be empty (n < size)
        const std::vector<std::size_t> bounds = group->split(n);
        const auto share = [&](int r) { return std::pair{bounds[static_cast<std::size_t>(r)], bounds[static_cast<std::size_t>(r) + 1]}; };
        const auto [from, to] = share(group->rank());
        const auto start = std::chrono::steady_clock::now();
        split_here(from, to, worth, job);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::string mine;
        numerics::append_exact(mine, out + from * width, (to - from) * width);
        const std::vector<std::string> all = group->allgather(mine, bounds, seconds);
        for (int r = 0; r < group->size(); ++r) {
          if (r == group->rank()) continue;
          const auto [f, e] = share(r);
          if (!numerics::read_exact(all[static_cast<std::size_t>(r)], out + f * width, (e - f) * width).empty()) {
            throw Error("row exchange: a share has trailing bytes");
          }
        }
        return;
      }
    }
    split_here(0, n, worth, job);
  }

  template <class Job>
  void split_here(std::size_t from, std::size_t to, bool worth, const Job& job) {
    if (!two_threads || !worth || R::active || to - from < 2) {
      job(from, to, 0);
      return;
    }
    if (!helper_) helper_ = std::make_unique<numerics::PairedWorker>();
    const std::size_t mid = from + (to - from) / 2;
    helper_->run([&] { job(from, mid, 0); }, [&] { job(mid, to, 1); });
  }

  // y = W x + b at (sum_site, store_site): rows split between the threads
  // for multiprecision T, else the packed copy's vector kernels when T has
  // them (same bits either way).
  void product(const WeightMatrix& W, const Vector<T>& b, const T* x, T* y, const PackedMatrix& packed,
               Site sum_site = Site::matmul_accumulate, Site store_site = Site::activations) {
    if constexpr (kSplitRows) {
      split(W.rows, true, [&](std::size_t from, std::size_t to, int side) {
        matvec_rows(env_, sum_site, store_site, W, b, x, y, side_scratch_[side], from, to);
      }, y);
    } else {
      matvec(env_, sum_site, store_site, W, b, x, y, p_, packed);
    }
  }

  // ψ's nonlinearity on h (n values) in place, with the gate for SwiGLU;
  // entries split between the threads for multiprecision T.
  void nonlinearity(T* h, const T* gate, std::size_t n) {
    split(n, kSplitRows, [&](std::size_t from, std::size_t to, int side) {
      activate(env_, m_.config.activation, m_.act, h + from, gate != nullptr ? gate + from : nullptr, to - from,
               side_scratch_[side]);
    }, h);
  }

  const PreparedModel<T>& m_;
  Env<T, R>& env_;
  [[no_unique_address]] Observer observe_;
  static constexpr bool watches_states =
      requires(Observer& o, const T* x) { o.state(std::size_t{}, std::size_t{}, ForwardStep::q, 0, x, std::size_t{}); };
  std::unique_ptr<numerics::PairedWorker> helper_;  // started on the first split
  T side_scratch_[2] = {m_.zero, m_.zero};
  std::vector<std::vector<std::vector<T>>> keys_, values_;  // [l][kv head] positions × d_h
  // The keys once more, packed for the vector kernels (empty when T has
  // none): the scores q·k_j come from there.
  std::vector<std::vector<PackedRows>> key_panels_;  // [l][kv head] positions × d_h
  HeadScratch head_scratch_[2] = {{{}, {}, m_.zero, m_.zero}, {{}, {}, m_.zero, m_.zero}};
  RotationTable<T> rope_, sinusoid_;
  // One position's vectors, each named by what it holds (shapes in brackets).
  std::vector<T> attn_in_;    // u = norm1(v)                                  [d]
  std::vector<T> qk_in_;      // u + p_t when positions enter q and k          [d]
  std::vector<T> key_row_;    // k_t, all kv heads, after RoPE                 [n_kv_heads·d_h]
  std::vector<T> value_row_;  // v_t, all kv heads                             [n_kv_heads·d_h]
  std::vector<T> concat_;     // concat_h o^h                                  [n_heads·d_h]
  std::vector<std::vector<T>> alpha_;  // [h] α over N(t), for the observer
  std::vector<T> attn_out_;   // a = W_O concat + b_O                          [d]
  std::vector<T> mlp_in_;     // u = norm2(z)                                  [d]
  std::vector<T> up_;         // W_up u + b_up, before the nonlinearity        [d_mlp]
  std::vector<T> gate_;       // W_gate u (SwiGLU)                             [d_mlp]
  std::vector<T> hidden_;     // h = act(up) or silu(gate) ⊙ up                [d_mlp]
  std::vector<T> mlp_out_;    // W_down h + b_down                             [d]
  std::vector<T> centred_;    // the centred input of the last LayerNorm      [d]
  std::vector<T> position_;   // p_t of learned positions                      [d]
  T p_ = m_.zero, p2_ = m_.zero;
  std::vector<T> post_out_;   // norm(a) or norm(W_down h) with post-norms     [d]
};

template <class T>
bool all_finite(const std::vector<T>& v) {
  for (const T& x : v) {
    if (!numerics::ScalarTraits<T>::is_finite(x)) return false;
  }
  return true;
}

}  // namespace detail

// Incremental decoding with a KV cache (causal attention): each push runs
// every layer for one new position against the cached keys and values.
// `observer` watches the steps as in forward() (the sweep's reference
// track records what the onset predictors need, predict_impl.hpp).
template <class T, class R, class Observer = NoStepObserver>
class Decoder {
 public:
  Decoder(const PreparedModel<T>& model, Env<T, R>& env, Observer observer = {}) : steps_(model, env, observer) {
    if (!model.config.causal) throw InputError("the KV-cached decoder needs causal attention");
    const std::size_t L = static_cast<std::size_t>(model.config.n_layers);
    state_.residual.assign(L + 1, {});
    state_.head_outputs.assign(L, {});
    state_.attention.assign(L, {});
    state_.norm1.assign(L, {model.zero, model.one});
    state_.norm2.assign(L, {model.zero, model.one});
    state_.norm3 = {model.zero, model.one};
  }

  std::size_t length() const { return length_; }

  // Appends one position: a token id, or a raw row of d doubles.
  void push(int token) { step(token, nullptr); }
  void push_row(const double* row) { step(-1, row); }

  // Forgets positions >= n (back to a shared prefix). The state of the last
  // position is stale until the next push.
  void truncate(std::size_t n) {
    if (n > length_) throw Error("Decoder::truncate beyond the current length");
    steps_.truncate(n);
    prefix_hash_.resize(n);
    length_ = n;
    if (issue_.found && issue_.position >= n) issue_ = {};
  }

  // Everything computed for the last position pushed.
  const PositionState<T>& last() const { return state_; }
  const NumericalIssue& issue() const { return issue_; }

  // logits of the last position.
  std::vector<T> logits() {
    steps_.env().reseed(prefix_hash_.back(), -1, detail::kLogits);
    std::vector<T> out = steps_.logits(state_.y);
    if (!issue_.found && !detail::all_finite(out)) issue_ = {true, -1, length_ - 1, "logits"};
    return out;
  }

  bool record_attention = false;  // keep α of the last position (O(L·H·n) per push)
  // Two threads share the work of each position (same bits; BlockSteps::two_threads).
  void set_two_threads(bool on) { steps_.two_threads = on; }
  // Processes that share each position's work (same bits; BlockSteps::group).
  void set_row_group(const numerics::RowGroup* group) { steps_.group = group; }

 private:
  void note(const std::vector<T>& v, int layer, const char* step) {
    if (!issue_.found && !detail::all_finite(v)) issue_ = {true, layer, length_, step};
  }
  void note(const T* v, std::size_t n, int layer, const char* step) {
    if (issue_.found) return;
    for (std::size_t i = 0; i < n; ++i) {
      if (!numerics::ScalarTraits<T>::is_finite(v[i])) {
        issue_ = {true, layer, length_, step};
        return;
      }
    }
  }

  void step(int token, const double* row) {
    const std::size_t t = length_;
    const std::size_t L = state_.residual.size() - 1;
    Env<T, R>& env = steps_.env();
    const std::uint64_t h = mix_hash(t == 0 ? 0 : prefix_hash_[t - 1],
                                     detail::token_key(token, row, static_cast<std::size_t>(steps_.model().config.d_model)));
    env.reseed(h, -1, detail::kEmbed);
    std::vector<T> v = steps_.embed(token, row, t);
    note(v, -1, "input");
    state_.residual[0] = v;
    std::vector<T> q;
    for (std::size_t l = 0; l < L; ++l) {
      const int layer = static_cast<int>(l);
      env.reseed(h, layer, detail::kProject);
      state_.norm1[l] = steps_.project(l, v.data(), t, q);
      const auto [first, last] = steps_.neighbourhood(l, t, t + 1);
      env.reseed(h, layer, detail::kAttend);
      steps_.attend(l, t, first, last, q, v.data(), state_.head_outputs[l],
                    record_attention ? &state_.attention[l] : nullptr);
      note(v, layer, "attention");
      env.reseed(h, layer, detail::kMlp);
      state_.norm2[l] = steps_.mlp(l, t, v.data());
      note(v, layer, "mlp");
      state_.residual[l + 1] = v;
    }
    env.reseed(h, -1, detail::kFinal);
    state_.norm3 = steps_.final_norm(t, v.data(), state_.y);
    prefix_hash_.push_back(h);
    note(state_.y, -1, "final norm");
    length_ = t + 1;
  }

  detail::BlockSteps<T, R, Observer> steps_;
  PositionState<T> state_;
  std::size_t length_ = 0;
  std::vector<std::uint64_t> prefix_hash_;  // [t] hash of the tokens 0..t
  NumericalIssue issue_;
};

// What a full forward keeps (long sequences keep only what they need).
struct ForwardOptions {
  bool keep_residual = false;   // v^(l) for every layer and position: O(L·n·d)
  bool keep_attention = false;  // α for every layer, head and query: O(L·H·n²)
  bool keep_norm_stats = false; // NormStats for every layer and position (Jacobians)
  bool logits = true;           // when the model has an unembedding
  bool all_positions = true;    // y and logits for every position (false: the last only)
  bool two_threads = false;     // two threads share each position's work (same bits)
  // Processes that share each position's rows and heads (same bits; BlockSteps::group).
  const numerics::RowGroup* group = nullptr;
};

template <class T>
struct Trace {
  std::size_t n = 0;
  std::vector<Matrix<T>> residual;                // [l] n × d, l = 0..L (keep_residual)
  std::vector<std::vector<Matrix<T>>> attention;  // [l][h] n × n, zero outside N(i) (keep_attention)
  std::vector<std::vector<NormStats<T>>> norm1, norm2;  // [l][t] (keep_norm_stats)
  std::vector<NormStats<T>> norm3;                // [t] (keep_norm_stats)
  std::vector<std::size_t> positions;             // the positions of the rows of y and logits
  Matrix<T> y;                                    // positions × d
  Matrix<T> logits;                               // positions × vocab
  std::vector<std::vector<std::vector<T>>> last_head_outputs;  // [l][h] o^h at the last position
  NumericalIssue issue;
};

// The full forward, layer by layer over all positions (any attention mask).
// `observer` watches the steps (NoStepObserver; jacobian.hpp's record).
template <class T, class R, class Observer = NoStepObserver>
Trace<T> forward(const PreparedModel<T>& model, Env<T, R>& env, const InputSequence& input,
                 const ForwardOptions& options = {}, Observer observer = {}) {
  const ModelConfig& c = model.config;
  const std::size_t n = input.size();
  if (n == 0) throw InputError("empty input sequence");
  if (input.tokens.empty() && input.rows.cols != static_cast<std::size_t>(c.d_model)) {
    throw InputError("input rows have " + std::to_string(input.rows.cols) + " columns, the model has d = " +
                     std::to_string(c.d_model));
  }
  const std::size_t d = static_cast<std::size_t>(c.d_model), L = static_cast<std::size_t>(c.n_layers);
  detail::BlockSteps<T, R, Observer> steps(model, env, observer);
  steps.two_threads = options.two_threads;
  steps.group = options.group;
  Trace<T> trace;
  trace.n = n;
  const auto note = [&](const T* v, std::size_t len, int layer, std::size_t t, const char* step) {
    if (trace.issue.found) return;
    for (std::size_t i = 0; i < len; ++i) {
      if (!numerics::ScalarTraits<T>::is_finite(v[i])) {
        trace.issue = {true, layer, t, step};
        return;
      }
    }
  };
  Matrix<T> v(n, d, model.zero);  // the residual stream v^(l), all positions
  std::vector<std::uint64_t> h(n);    // prefix hashes (stochastic streams)
  for (std::size_t t = 0; t < n; ++t) {
    const int token = input.tokens.empty() ? -1 : input.tokens[t];
    const double* raw = input.tokens.empty() ? input.rows.row(t) : nullptr;
    h[t] = mix_hash(t == 0 ? 0 : h[t - 1], detail::token_key(token, raw, d));
    env.reseed(h[t], -1, detail::kEmbed);
    const std::vector<T> row = steps.embed(token, raw, t);
    std::copy(row.begin(), row.end(), v.row(t));
    note(v.row(t), d, -1, t, "input");
  }
  if (options.keep_residual) trace.residual.push_back(v);
  if (options.keep_norm_stats) {
    trace.norm1.assign(L, {});
    trace.norm2.assign(L, {});
  }
  trace.last_head_outputs.assign(L, {});
  std::vector<std::vector<T>> queries(n);
  std::vector<std::vector<T>> head_outputs;
  std::vector<std::vector<T>> alpha;
  for (std::size_t l = 0; l < L; ++l) {
    for (std::size_t t = 0; t < n; ++t) {
      env.reseed(h[t], static_cast<int>(l), detail::kProject);
      const NormStats<T> s = steps.project(l, v.row(t), t, queries[t]);
      if (options.keep_norm_stats) trace.norm1[l].push_back(s);
    }
    if (options.keep_attention) {
      trace.attention.emplace_back(static_cast<std::size_t>(c.n_heads), Matrix<T>(n, n, model.zero));
    }
    for (std::size_t t = 0; t < n; ++t) {
      const auto [first, last] = steps.neighbourhood(l, t, n);
      env.reseed(h[t], static_cast<int>(l), detail::kAttend);
      steps.attend(l, t, first, last, queries[t], v.row(t), head_outputs, options.keep_attention ? &alpha : nullptr);
      if (options.keep_attention) {
        for (std::size_t head = 0; head < alpha.size(); ++head) {
          for (std::size_t j = first; j <= last; ++j) trace.attention[l][head](t, j) = alpha[head][j - first];
        }
      }
      if (t + 1 == n) trace.last_head_outputs[l] = head_outputs;
      note(v.row(t), d, static_cast<int>(l), t, "attention");
      env.reseed(h[t], static_cast<int>(l), detail::kMlp);
      const NormStats<T> s = steps.mlp(l, t, v.row(t));
      if (options.keep_norm_stats) trace.norm2[l].push_back(s);
      note(v.row(t), d, static_cast<int>(l), t, "mlp");
    }
    if (options.keep_residual) trace.residual.push_back(v);
  }
  for (std::size_t t = options.all_positions ? 0 : n - 1; t < n; ++t) trace.positions.push_back(t);
  trace.y = Matrix<T>(trace.positions.size(), d, model.zero);
  const bool want_logits = options.logits && c.has_unembedding;
  if (want_logits) trace.logits = Matrix<T>(trace.positions.size(), static_cast<std::size_t>(c.vocab_size), model.zero);
  std::vector<T> y;
  for (std::size_t r = 0; r < trace.positions.size(); ++r) {
    const std::size_t t = trace.positions[r];
    env.reseed(h[t], -1, detail::kFinal);
    const NormStats<T> s = steps.final_norm(t, v.row(t), y);
    if (options.keep_norm_stats) trace.norm3.push_back(s);
    std::copy(y.begin(), y.end(), trace.y.row(r));
    note(y.data(), d, -1, t, "final norm");
    if (want_logits) {
      env.reseed(h[t], -1, detail::kLogits);
      const std::vector<T> z = steps.logits(y);
      std::copy(z.begin(), z.end(), trace.logits.row(r));
      note(z.data(), z.size(), -1, t, "logits");
    }
  }
  return trace;
}

}  // namespace glasses::model
