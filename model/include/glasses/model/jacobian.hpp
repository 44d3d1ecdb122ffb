// Reverse-mode Jacobians of the last representation (THEORY §3, B.5):
//
//   J_i = ∂y_n / ∂v_i^(0)        a d × d block for every input position i,
//
// y_n = norm3(v_n^(L)) the final-layer row of the output position n (the last
// position unless asked otherwise) and v_i^(0) the input row of position i
// (token embedding plus absolute positions added to the residual stream, or
// the raw input row). Computed in the same scalar type T as the forward pass:
// double, MpfrReal, or Interval (whose blocks are then certified enclosures of
// the exact Jacobian at the exact input).
//
// Two variants (JacobianKind):
//   full    the true derivative of the forward: attention weights, norm
//           statistics and the MLP all differentiated;
//   frozen  THEORY B.5's assumptions: the attention weights α and the norm
//           scales (LayerNorm 1/σ, RMSNorm 1/rms) are constants taken from
//           the forward pass, so each norm is the linear map
//              RMSNorm    N = diag(g) · s
//              LayerNorm  N = diag(g) · (I − 11ᵀ/d) · s
//              none       N = I
//           (the LayerNorm centring x − mean(x) is linear and kept: only the
//           scale s is frozen, as in THEORY's N = diag(g)(I − 11ᵀ/d)/σ), and
//           queries and keys receive no adjoint. ψ keeps its true Jacobian.
//
// How
// ---
// `record` runs forward() itself (forward.hpp), with an observer of its steps
// that keeps every intermediate the backward sweep needs (the Tape): the
// recorded y is the forward's y bit for bit, with the same reseeding of
// stochastic rounding (tested). `backward` then sweeps the layers from L−1 down to 0
// once, BLOCKED over K output components: every adjoint is a K-column block
// (row-major, one row per vector entry), so one sweep is K ordinary reverse
// sweeps done side by side. Positions whose residual adjoint is structurally
// zero are skipped (at the top layer only the output position is live; its
// keys and values reach N(n); and so on downwards), and so are the queries
// and keys in the frozen variant.
//
// Cost: per output component, every projection costs what it costs in the
// forward (x̄ += Wᵀ ȳ has the forward's multiply-adds), attention twice its
// forward (α̅, s̄, q̄, k̄), and the MLP and W_Q of non-output positions of the
// top layer not at all; so all d components cost about d forwards, plus one
// for the recording (bench/jacobian_bench.cpp measures the ratio).
//
// Evaluation order (fixed, for every T): adjoint sums accumulate in the order
// of the loops written below: x̄_c += W_rc ȳ_r over r = 0, 1, … (transposed
// products); over query positions t = 0, 1, … and within a head over keys
// j = first … last (attention); heads h = 0, 1, …; and the contributions to
// ū_j in the order W_Q, W_K, W_V. The backward applies no site rounding: it is
// the exact derivative formula evaluated in T at the recorded point.
//
// Options of current open architectures (config.hpp): post-norms are
// differentiated as the other norms (recorded through the observer's
// post_norm hook; their scales frozen in the frozen variant), the attention
// soft-cap s = c·tanh(r/c) contributes ∂s/∂r = 1 − tanh²(r/c) with r
// re-formed from the recorded q and k in the forward's order (frozen: α is
// constant, so nothing), GeGLU its slopes; the gains 1 + g are in m.w already;
// the embedding scale and the final soft-cap lie outside ∂y_n/∂v^(0).
//
// Derivative at kinks: ReLU'(0) is taken as 0 (PyTorch's convention); for
// intervals straddling 0 the slope is the hull [0, 1], which encloses every
// one-sided derivative. This is the only comparison of scalars here.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "glasses/model/forward.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::model {

enum class JacobianKind : std::uint8_t {
  full,    // true derivative of the forward
  frozen,  // α and norm scales constant (THEORY B.5's assumptions)
};

inline std::string_view to_string(JacobianKind k) { return k == JacobianKind::full ? "full" : "frozen"; }

// The intermediates of one block, for every position t.
template <class T>
struct TapeLayer {
  std::vector<std::vector<T>> centred1;  // [t] d: norm1's input minus its mean (LayerNorm) or itself (RMSNorm)
  std::vector<NormStats<T>> norm1;       // [t]
  std::vector<std::vector<T>> q;         // [t] n_heads·d_h, after RoPE
  std::vector<std::vector<T>> k;         // [t] n_kv_heads·d_h, after RoPE
  std::vector<std::vector<T>> val;       // [t] n_kv_heads·d_h (values)
  std::vector<std::pair<std::size_t, std::size_t>> keys;  // [t] N(t) = [first, last]
  std::vector<std::vector<std::vector<T>>> alpha;         // [t][h] α^h_t over N(t)
  std::vector<std::vector<T>> centred2;  // [t] d: norm2's input z_t, centred as above
  std::vector<NormStats<T>> norm2;       // [t]
  std::vector<std::vector<T>> pre;       // [t] d_mlp: W_up u + b_up before the activation (SwiGLU: the up branch)
  std::vector<std::vector<T>> gate;      // [t] d_mlp: W_gate u (gated ψ only)
  // Post-norms (post_norms): [0] of the attention output W_O concat + b_O,
  // [1] of the MLP output W_down h + b_down: input (centred) and statistics.
  std::vector<std::vector<T>> centred_post[2];  // [which][t] d
  std::vector<NormStats<T>> post[2];            // [which][t]
};

// Everything the backward sweep needs, recorded by one forward pass.
template <class T>
struct Tape {
  std::size_t n = 0;
  Matrix<T> input;                        // n × d: v^(0)
  std::vector<TapeLayer<T>> layers;       // [l], l = 0..L-1
  std::vector<std::vector<T>> centred3;   // [t] d: norm3's input, centred
  std::vector<NormStats<T>> norm3;        // [t]
  Matrix<T> y;                            // n × d
  RotationTable<T> rope;                  // cos/sin of positions 0..n-1 (RoPE only)
  NumericalIssue issue;
};

struct JacobianOptions {
  JacobianKind kind = JacobianKind::full;
  std::optional<std::size_t> output;     // the position n of y_n (default: the last)
  std::vector<std::size_t> components;   // rows r of the blocks, components of y_n (default: all d)
};

template <class T>
struct Jacobians {
  JacobianKind kind = JacobianKind::full;
  std::size_t output = 0;                  // n
  std::vector<std::size_t> components;     // the rows r, in order
  std::vector<Matrix<T>> blocks;           // [i] |components| × d: (k, c) = ∂y_n[components[k]] / ∂v_i^(0)[c]
  std::vector<bool> reached;               // [i] some path joins v_i^(0) to y_n (false: the block is 0)
  NumericalIssue issue;                    // of the recorded forward
};

namespace detail {

// ---- the recording forward ----------------------------------------------------

// The observer of forward()'s steps that fills a Tape (the hooks are listed
// at NoStepObserver in forward.hpp). A handle: its copies fill the same tape,
// sized by record().
template <class T>
struct TapeRecorder {
  static constexpr bool active = true;  // attend() keeps α
  Tape<T>* tape;
  std::size_t d, q_width, kv_width, d_mlp;

  static std::vector<T> copy(const T* x, std::size_t n) {
    return x == nullptr ? std::vector<T>{} : std::vector<T>(x, x + n);
  }

  void input(std::size_t t, const T* v) { std::copy(v, v + d, tape->input.row(t)); }
  void norm1(std::size_t l, std::size_t t, const NormStats<T>& stats, const T* centred) {
    tape->layers[l].norm1[t] = stats;
    tape->layers[l].centred1[t] = copy(centred, d);
  }
  void rotations(const RotationTable<T>& table) {
    RotationTable<T>& rope = tape->rope;
    for (std::size_t t = rope.cos_rows.size(); t < table.cos_rows.size(); ++t) {
      rope.cos_rows.push_back(table.cos_rows[t]);
      rope.sin_rows.push_back(table.sin_rows[t]);
    }
  }
  void projected(std::size_t l, std::size_t t, const T* q, const T* k, const T* v) {
    TapeLayer<T>& rec = tape->layers[l];
    rec.q[t] = copy(q, q_width);
    rec.k[t] = copy(k, kv_width);
    rec.val[t] = copy(v, kv_width);
  }
  void attention(std::size_t l, std::size_t t, std::size_t first, std::size_t last,
                 const std::vector<std::vector<T>>& alpha) {
    tape->layers[l].keys[t] = {first, last};
    tape->layers[l].alpha[t] = alpha;
  }
  void norm2(std::size_t l, std::size_t t, const NormStats<T>& stats, const T* centred) {
    tape->layers[l].norm2[t] = stats;
    tape->layers[l].centred2[t] = copy(centred, d);
  }
  void mlp_input(std::size_t l, std::size_t t, const T* up, const T* gate) {
    tape->layers[l].pre[t] = copy(up, d_mlp);
    tape->layers[l].gate[t] = copy(gate, d_mlp);
  }
  void norm3(std::size_t t, const NormStats<T>& stats, const T* centred) {
    tape->norm3[t] = stats;
    tape->centred3[t] = copy(centred, d);
  }
  void post_norm(std::size_t l, std::size_t t, int which, const NormStats<T>& stats, const T* centred) {
    tape->layers[l].post[which][t] = stats;
    tape->layers[l].centred_post[which][t] = copy(centred, d);
  }
};

// ---- blocked adjoint helpers (K columns per row) --------------------------------

// y[k] += a · x[k], k < K.
template <class T>
void axpy(T* y, const T& a, const T* x, std::size_t K, T& p) {
  for (std::size_t k = 0; k < K; ++k) {
    p = x[k];
    p *= a;
    y[k] += p;
  }
}

// x̄ += Wᵀ ȳ: x̄ (W.cols × K), ȳ (W.rows × K); each x̄_c accumulates over r = 0, 1, ….
// W holds its values as stored (WeightMatrix); each is exactly a value of T.
template <class T>
void transpose_accumulate(const WeightMatrix& W, const T* ybar, T* xbar, std::size_t K, T& p,
                          const typename numerics::ScalarTraits<T>::Context& ctx) {
  for (std::size_t r = 0; r < W.rows; ++r) {
    const T* yr = ybar + r * K;
    for (std::size_t c = 0; c < W.cols; ++c) {
      axpy(xbar + c * K, numerics::ScalarTraits<T>::from_double(ctx, W(r, c)), yr, K, p);
    }
  }
}

// x̄ += Nᵀ ȳ for y = (c · s) ⊙ g + b with c the centred input (d × K blocks).
//   ĝ = ȳ ⊙ g;  c̄ = s ĝ                                   (frozen: s constant)
//   full:  c̄_i −= c_i · (s³/d) Σ_k ĝ_k c_k                  (∂s/∂c_i = −s³ c_i / d)
//   LayerNorm: x̄ = c̄ − mean(c̄)   (c = x − mean(x): the symmetric projection I − 11ᵀ/d)
// `work` holds d·K values, `sums` K.
template <class T>
void norm_backward(JacobianKind kind, NormKind norm, const Vector<T>& gain, const std::vector<T>& centred,
                   const NormStats<T>& stats, const T& d_scalar, const T* ybar, T* xbar, std::size_t d,
                   std::size_t K, std::vector<T>& work, std::vector<T>& sums, T& p) {
  if (norm == NormKind::none) {
    for (std::size_t i = 0; i < d * K; ++i) xbar[i] += ybar[i];
    return;
  }
  // work = ĝ = ȳ ⊙ g
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t k = 0; k < K; ++k) {
      work[i * K + k] = ybar[i * K + k];
      if (!gain.empty()) work[i * K + k] *= gain[i];
    }
  }
  if (kind == JacobianKind::full) {
    // sums_k = Σ_i ĝ_ik c_i, then scaled by s³/d
    for (std::size_t k = 0; k < K; ++k) {
      sums[k] = work[k];
      sums[k] *= centred[0];
    }
    for (std::size_t i = 1; i < d; ++i) {
      for (std::size_t k = 0; k < K; ++k) {
        p = work[i * K + k];
        p *= centred[i];
        sums[k] += p;
      }
    }
    T s3 = stats.scale;
    s3 *= stats.scale;
    s3 *= stats.scale;
    s3 /= d_scalar;
    for (std::size_t k = 0; k < K; ++k) sums[k] *= s3;
  }
  // c̄ = s ĝ (− c · sums)
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t k = 0; k < K; ++k) {
      T& w = work[i * K + k];
      w *= stats.scale;
      if (kind == JacobianKind::full) {
        p = centred[i];
        p *= sums[k];
        w -= p;
      }
    }
  }
  if (norm == NormKind::layernorm) {
    for (std::size_t k = 0; k < K; ++k) sums[k] = work[k];
    for (std::size_t i = 1; i < d; ++i) {
      for (std::size_t k = 0; k < K; ++k) sums[k] += work[i * K + k];
    }
    for (std::size_t k = 0; k < K; ++k) sums[k] /= d_scalar;
    for (std::size_t i = 0; i < d; ++i) {
      for (std::size_t k = 0; k < K; ++k) work[i * K + k] -= sums[k];
    }
  }
  for (std::size_t i = 0; i < d * K; ++i) xbar[i] += work[i];
}

// ReLU'(x): 1 for x > 0, 0 otherwise; for intervals [0, 1] unless the sign is certain.
template <class T>
T relu_slope(const T& x, const T& zero, const T& one) {
  if constexpr (numerics::ScalarTraits<T>::is_interval) {
    if (certainly_positive(x)) return one;
    if (certainly_positive(-x)) return zero;
    return T::hull(zero.lower(), one.upper());
  } else {
    return x > zero ? one : zero;
  }
}

// Slopes of ψ's nonlinearity at the recorded pre-activations of one position:
//   gelu'(x)      = Φ(x) + x φ(x),  Φ(x) = (1 + erf(x/√2))/2,  φ(x) = exp(−x²/2)/√(2π)
//   gelu_tanh'(x) = (1 + t)/2 + (x/2)(1 − t²) √(2/π)(1 + 3·0.044715 x²),  t = tanh(√(2/π)(x + 0.044715 x³))
//   swiglu        h_k silu(g_k):  ∂/∂h = silu(g),  ∂/∂g = h σ(g)(1 + g(1 − σ(g))),  σ(g) = 1/(1 + e^−g)
//   geglu_tanh    h_k gelu_tanh(g_k):  ∂/∂h = gelu_tanh(g),  ∂/∂g = h gelu_tanh'(g)
// `up` receives the factor of the up branch, `gate` (gated ψ) that of the gate.
template <class T>
void activation_slopes(const PreparedModel<T>& m, Activation kind, const std::vector<T>& pre,
                       const std::vector<T>& gate_in, std::vector<T>& up, std::vector<T>& gate) {
  using numerics::erf;
  using numerics::exp;
  using numerics::sqrt;
  using numerics::tanh;
  using Traits = numerics::ScalarTraits<T>;
  const ActivationConstants<T>& a = m.act;
  const std::size_t dm = pre.size();
  up.assign(dm, m.zero);
  gate.assign(gated(kind) ? dm : 0, m.zero);
  // gelu_tanh(x) and gelu_tanh'(x) as written above (exact formulas in T, unrounded as the whole backward).
  const auto gelu_tanh_value_slope = [&](const T& x, T& value, T& slope) {
    const T three_cubic = a.cubic * Traits::from_ratio(m.ctx, 3, 1);
    const T t = tanh((x + a.cubic * x * x * x) * a.sqrt_2_over_pi);
    T first = a.one + t;
    value = a.half * x;
    value *= first;
    first *= a.half;
    T second = a.half * x;
    second *= a.one - t * t;
    second *= a.sqrt_2_over_pi;
    second *= a.one + three_cubic * x * x;
    slope = first + second;
  };
  if (kind == Activation::gelu) {
    T two_pi = Traits::pi(m.ctx);
    two_pi *= Traits::from_ratio(m.ctx, 2, 1);
    T inv_sqrt_2pi = a.one;
    inv_sqrt_2pi /= sqrt(two_pi);
    for (std::size_t k = 0; k < dm; ++k) {
      const T& x = pre[k];
      T phi_cdf = erf(x * a.inv_sqrt2);
      phi_cdf += a.one;
      phi_cdf *= a.half;
      T density = exp(-(x * x) * a.half);
      density *= inv_sqrt_2pi;
      density *= x;
      up[k] = phi_cdf + density;
    }
  } else if (kind == Activation::gelu_tanh) {
    T value = m.zero;
    for (std::size_t k = 0; k < dm; ++k) gelu_tanh_value_slope(pre[k], value, up[k]);
  } else if (kind == Activation::geglu_tanh) {
    T slope = m.zero;
    for (std::size_t k = 0; k < dm; ++k) {
      gelu_tanh_value_slope(gate_in[k], up[k], slope);  // ∂/∂h = gelu_tanh(g)
      gate[k] = pre[k] * slope;                         // ∂/∂g = h gelu_tanh'(g)
    }
  } else if (kind == Activation::relu) {
    for (std::size_t k = 0; k < dm; ++k) up[k] = relu_slope(pre[k], m.zero, m.one);
  } else if (kind == Activation::swiglu) {
    for (std::size_t k = 0; k < dm; ++k) {
      const T& g = gate_in[k];
      const T sigma = a.one / (a.one + exp(-g));
      up[k] = g * sigma;                                    // silu(g)
      gate[k] = pre[k] * (sigma * (a.one + g * (a.one - sigma)));  // h silu'(g)
    }
  }
}

// RoPE transposed, in place on the adjoint block of one head vector (d_h × K):
// the forward (a, b) -> (a c − b s, a s + b c) gives ā = c ā' + s b̄', b̄ = −s ā' + c b̄'.
template <class T>
void rope_backward(RopeStyle style, const RotationTable<T>& table, std::size_t t, T* xbar, int d_h, std::size_t K,
                   T& p, T& q) {
  const int half = d_h / 2;
  for (int j = 0; j < half; ++j) {
    const std::size_t ia = static_cast<std::size_t>(style == RopeStyle::rotate_half ? j : 2 * j);
    const std::size_t ib = static_cast<std::size_t>(style == RopeStyle::rotate_half ? j + half : 2 * j + 1);
    const T& c = table.cos_rows[t][static_cast<std::size_t>(j)];
    const T& s = table.sin_rows[t][static_cast<std::size_t>(j)];
    for (std::size_t k = 0; k < K; ++k) {
      T& a = xbar[ia * K + k];
      T& b = xbar[ib * K + k];
      p = a;
      p *= c;
      q = b;
      q *= s;
      p += q;  // c ā' + s b̄'
      q = a;
      q *= s;
      b *= c;
      b -= q;  // −s ā' + c b̄'
      a = p;
    }
  }
}

}  // namespace detail

// The features of a config that the backward sweep does not differentiate
// (empty: all supported). Every option of ModelConfig is supported today:
// per-layer windows (the recorded N(t)), the gain offset 1 + g (formed into
// m.w's gains at prepare, which the backward reads), the embedding scale (it
// forms v^(0) itself), the final soft-cap (it acts on the logits, after y),
// GeGLU (its slopes above), post-norms (recorded, differentiated as the other
// norms: frozen scales in the frozen variant) and the attention soft-cap
// (s = c·tanh(r/c): ∂s/∂r = 1 − tanh²(r/c), with r re-formed from the
// recorded q and k in the forward's order). A new option the backward does
// not follow must be named here: record() and backward() then refuse it.
inline std::string jacobian_unsupported(const ModelConfig& c) {
  if (c.sink_logit) return "an attention sink";
  if (c.adaptive_temperature) return "the adaptive temperature";
  return {};
}

// One forward pass over the whole sequence, recording the Tape: forward()
// itself, watched by a TapeRecorder, so tape.y is forward(...).y bit for bit
// (and the stochastic streams are reseeded as there). Throws InputError as
// forward() does, and for a config the backward cannot differentiate
// (jacobian_unsupported: never a silently wrong Jacobian).
template <class T, class R>
Tape<T> record(const PreparedModel<T>& m, Env<T, R>& env, const InputSequence& input) {
  const ModelConfig& c = m.config;
  if (const std::string unsupported = jacobian_unsupported(c); !unsupported.empty()) {
    throw InputError("Jacobians do not support " + unsupported + " (" + describe(c) + ")");
  }
  const std::size_t n = input.size(), d = static_cast<std::size_t>(c.d_model);
  Tape<T> tape;
  tape.n = n;
  tape.input = Matrix<T>(n, d, m.zero);
  tape.layers.resize(static_cast<std::size_t>(c.n_layers));
  for (TapeLayer<T>& rec : tape.layers) {
    rec.centred1.resize(n);
    rec.norm1.assign(n, {m.zero, m.one});
    rec.q.resize(n);
    rec.k.resize(n);
    rec.val.resize(n);
    rec.keys.resize(n);
    rec.alpha.resize(n);
    rec.centred2.resize(n);
    rec.norm2.assign(n, {m.zero, m.one});  // as without an MLP
    rec.pre.resize(n);
    rec.gate.resize(n);
    for (int which = 0; which < 2; ++which) {
      rec.centred_post[which].resize(n);
      rec.post[which].assign(n, {m.zero, m.one});
    }
  }
  tape.centred3.resize(n);
  tape.norm3.assign(n, {m.zero, m.one});  // as without a final norm
  ForwardOptions options;
  options.logits = false;
  const detail::TapeRecorder<T> recorder{&tape, d, static_cast<std::size_t>(c.q_width()),
                                         static_cast<std::size_t>(c.kv_width()), static_cast<std::size_t>(c.d_mlp)};
  Trace<T> trace = forward(m, env, input, options, recorder);
  tape.y = std::move(trace.y);
  tape.issue = trace.issue;
  return tape;
}

// The blocks J_i = ∂y_n/∂v_i^(0) for every position i, by one blocked
// reverse sweep over the recorded tape. Throws InputError for an output
// position or component out of range.
template <class T>
Jacobians<T> backward(const PreparedModel<T>& m, const Tape<T>& tape, const JacobianOptions& options = {}) {
  const ModelConfig& c = m.config;
  if (const std::string unsupported = jacobian_unsupported(c); !unsupported.empty()) {
    throw InputError("Jacobians do not support " + unsupported + " (" + describe(c) + ")");
  }
  const std::size_t n = tape.n, d = static_cast<std::size_t>(c.d_model), L = static_cast<std::size_t>(c.n_layers);
  const std::size_t qw = static_cast<std::size_t>(c.q_width()), kvw = static_cast<std::size_t>(c.kv_width());
  const std::size_t dh = static_cast<std::size_t>(c.d_head), dm = static_cast<std::size_t>(c.d_mlp);
  const int group = c.n_heads / c.n_kv_heads;
  const std::size_t out = options.output.value_or(n - 1);
  if (out >= n) {
    throw InputError("Jacobian output position " + std::to_string(out) + " outside the sequence of " +
                     std::to_string(n));
  }
  Jacobians<T> result;
  result.kind = options.kind;
  result.output = out;
  result.issue = tape.issue;
  result.components = options.components;
  if (result.components.empty()) {
    for (std::size_t r = 0; r < d; ++r) result.components.push_back(r);
  }
  for (std::size_t r : result.components) {
    if (r >= d) throw InputError("Jacobian component " + std::to_string(r) + " outside d = " + std::to_string(d));
  }
  const std::size_t K = result.components.size();
  const bool full = options.kind == JacobianKind::full;
  const T& zero = m.zero;

  // Adjoint blocks: row-major, K columns.
  std::vector<T> gv(n * d * K, zero);     // residual rows v^(l) (becomes z̄ inside a layer)
  std::vector<T> gq(n * qw * K, zero);    // queries after RoPE
  std::vector<T> gk(n * kvw * K, zero);   // keys after RoPE
  std::vector<T> gval(n * kvw * K, zero); // values
  std::vector<T> cbar(qw * K, zero), hbar(dm * K, zero), gbar(dm * K, zero), ubar(d * K, zero);
  std::vector<T> work(d * K, zero), sums(K, zero), abar, slope_up, slope_gate;
  std::vector<T> pbar(c.post_norms ? d * K : 0, zero);  // the adjoint of a post-norm's input
  // Soft-capped scores: the cap in T.
  const T& cap = m.attn_softcap;  // as prepare() rounded it
  std::vector<char> active(n, 0), touched_q(n, 0), touched_kv(n, 0);
  T p = zero, p2 = zero;

  // ȳ: column k selects component r_k; then y = norm3(v^(L)).
  {
    std::vector<T> ybar(d * K, zero);
    for (std::size_t k = 0; k < K; ++k) ybar[result.components[k] * K + k] = m.one;
    T* g = gv.data() + out * d * K;
    if (c.final_norm) {
      detail::norm_backward(options.kind, c.norm, m.w.final_gain, tape.centred3[out], tape.norm3[out], m.d_model,
                            ybar.data(), g, d, K, work, sums, p);
    } else {
      std::copy(ybar.begin(), ybar.end(), g);
    }
    active[out] = 1;
  }

  for (std::size_t l = L; l-- > 0;) {
    const LayerWeights<T, WeightMatrix>& W = m.w.layers[l];
    const TapeLayer<T>& rec = tape.layers[l];
    std::fill(touched_q.begin(), touched_q.end(), 0);
    std::fill(touched_kv.begin(), touched_kv.end(), 0);
    std::fill(gq.begin(), gq.end(), zero);
    std::fill(gk.begin(), gk.end(), zero);
    std::fill(gval.begin(), gval.end(), zero);
    for (std::size_t t = 0; t < n; ++t) {
      if (!active[t]) continue;
      T* g = gv.data() + t * d * K;  // v̄^(l+1)_t
      // MLP: v' = z + W_down act(W_up u + b) + b, u = norm2(z):
      //   z̄ = v̄' + N2ᵀ (W_upᵀ (act' ⊙ W_downᵀ v̄') [+ W_gateᵀ (…)]).
      if (c.activation != Activation::none) {
        std::fill(hbar.begin(), hbar.end(), zero);
        if (c.post_norms) {  // v' = z + N_m(W_down h + b): the MLP output's adjoint is N_mᵀ v̄'
          std::fill(pbar.begin(), pbar.end(), zero);
          detail::norm_backward(options.kind, c.norm, W.post_mlp_gain, rec.centred_post[1][t], rec.post[1][t],
                                m.d_model, g, pbar.data(), d, K, work, sums, p);
          detail::transpose_accumulate(W.w_down, pbar.data(), hbar.data(), K, p, m.ctx);
        } else {
          detail::transpose_accumulate(W.w_down, g, hbar.data(), K, p, m.ctx);
        }
        detail::activation_slopes(m, c.activation, rec.pre[t], rec.gate[t], slope_up, slope_gate);
        if (gated(c.activation)) {
          for (std::size_t r = 0; r < dm; ++r) {
            for (std::size_t k = 0; k < K; ++k) {
              gbar[r * K + k] = hbar[r * K + k];
              gbar[r * K + k] *= slope_gate[r];
            }
          }
        }
        for (std::size_t r = 0; r < dm; ++r) {
          for (std::size_t k = 0; k < K; ++k) hbar[r * K + k] *= slope_up[r];
        }
        std::fill(ubar.begin(), ubar.end(), zero);
        detail::transpose_accumulate(W.w_up, hbar.data(), ubar.data(), K, p, m.ctx);
        if (gated(c.activation)) detail::transpose_accumulate(W.w_gate, gbar.data(), ubar.data(), K, p, m.ctx);
        detail::norm_backward(options.kind, c.norm, W.norm2_gain, rec.centred2[t], rec.norm2[t], m.d_model,
                              ubar.data(), g, d, K, work, sums, p);
      }
      // Attention: z = v + W_O concat_h o^h + b_O; ā = z̄ (the residual keeps z̄ for v̄^(l)).
      std::fill(cbar.begin(), cbar.end(), zero);
      if (c.post_norms) {  // z = v + N_a(W_O concat + b_O): N_aᵀ z̄ first
        std::fill(pbar.begin(), pbar.end(), zero);
        detail::norm_backward(options.kind, c.norm, W.post_attention_gain, rec.centred_post[0][t], rec.post[0][t],
                              m.d_model, g, pbar.data(), d, K, work, sums, p);
        detail::transpose_accumulate(W.w_o, pbar.data(), cbar.data(), K, p, m.ctx);
      } else {
        detail::transpose_accumulate(W.w_o, g, cbar.data(), K, p, m.ctx);
      }
      const auto [first, last] = rec.keys[t];
      const std::size_t mk = last + 1 - first;
      for (int h = 0; h < c.n_heads; ++h) {
        const std::size_t hh = static_cast<std::size_t>(h), kvh = static_cast<std::size_t>(h / group);
        const std::vector<T>& alpha = rec.alpha[t][hh];
        const T* ob = cbar.data() + hh * dh * K;  // ō^h (d_h × K)
        // o = Σ_j α_j v_j:  v̄_j += α_j ō
        for (std::size_t j = 0; j < mk; ++j) {
          T* vb = gval.data() + ((first + j) * kvw + kvh * dh) * K;
          for (std::size_t i = 0; i < dh; ++i) detail::axpy(vb + i * K, alpha[j], ob + i * K, K, p);
          touched_kv[first + j] = 1;
        }
        if (!full) continue;
        // ᾱ_j = ō · v_j;  s̄_j = α_j (ᾱ_j − Σ_k α_k ᾱ_k) · scale;  q̄ += Σ_j s̄_j k_j;  k̄_j += s̄_j q.
        abar.assign(mk * K, zero);
        for (std::size_t j = 0; j < mk; ++j) {
          const T* vj = rec.val[first + j].data() + kvh * dh;
          T* aj = abar.data() + j * K;
          for (std::size_t i = 0; i < dh; ++i) detail::axpy(aj, vj[i], ob + i * K, K, p);
        }
        for (std::size_t k = 0; k < K; ++k) {
          sums[k] = abar[k];
          sums[k] *= alpha[0];
        }
        for (std::size_t j = 1; j < mk; ++j) detail::axpy(sums.data(), alpha[j], abar.data() + j * K, K, p);
        const T* qt = rec.q[t].data() + hh * dh;
        for (std::size_t j = 0; j < mk; ++j) {
          T slope = m.score_scale;  // ∂s_j/∂(q·k_j): scale, times 1 − tanh²(r/c) when soft-capped
          if (c.attn_softcap > 0) {
            using numerics::tanh;
            const T* kj = rec.k[first + j].data() + kvh * dh;
            T r = qt[0] * kj[0];  // r = (q·k_j) · scale, as the forward forms it
            for (std::size_t i = 1; i < dh; ++i) r += qt[i] * kj[i];
            r *= m.score_scale;
            r /= cap;
            const T th = tanh(r);
            slope *= m.one - th * th;
          }
          for (std::size_t k = 0; k < K; ++k) {
            T& s = abar[j * K + k];
            s -= sums[k];
            s *= alpha[j];
            s *= slope;
          }
        }
        T* qb = gq.data() + (t * qw + hh * dh) * K;
        for (std::size_t j = 0; j < mk; ++j) {
          const T* kj = rec.k[first + j].data() + kvh * dh;
          T* kb = gk.data() + ((first + j) * kvw + kvh * dh) * K;
          const T* sj = abar.data() + j * K;
          for (std::size_t i = 0; i < dh; ++i) {
            detail::axpy(qb + i * K, kj[i], sj, K, p);
            detail::axpy(kb + i * K, qt[i], sj, K, p);
          }
        }
        touched_q[t] = 1;
      }
    }
    // u_j = norm1(v_j) feeds q_j, k_j and the value v_j:  v̄_j += N1ᵀ (W_Qᵀ q̄_j + W_Kᵀ k̄_j + W_Vᵀ v̄al_j).
    for (std::size_t j = 0; j < n; ++j) {
      if (!touched_q[j] && !touched_kv[j]) continue;
      std::fill(ubar.begin(), ubar.end(), zero);
      if (full) {
        T* qb = gq.data() + j * qw * K;
        T* kb = gk.data() + j * kvw * K;
        if (c.positional == PositionalKind::rope) {
          if (touched_q[j]) {
            for (int h = 0; h < c.n_heads; ++h) {
              detail::rope_backward(c.rope_style, tape.rope, j, qb + static_cast<std::size_t>(h) * dh * K, c.d_head,
                                    K, p, p2);
            }
          }
          for (int h = 0; h < c.n_kv_heads; ++h) {
            detail::rope_backward(c.rope_style, tape.rope, j, kb + static_cast<std::size_t>(h) * dh * K, c.d_head, K,
                                  p, p2);
          }
        }
        if (touched_q[j]) detail::transpose_accumulate(W.w_q, qb, ubar.data(), K, p, m.ctx);
        if (touched_kv[j]) detail::transpose_accumulate(W.w_k, kb, ubar.data(), K, p, m.ctx);
      }
      if (touched_kv[j]) detail::transpose_accumulate(W.w_v, gval.data() + j * kvw * K, ubar.data(), K, p, m.ctx);
      detail::norm_backward(options.kind, c.norm, W.norm1_gain, rec.centred1[j], rec.norm1[j], m.d_model, ubar.data(),
                            gv.data() + j * d * K, d, K, work, sums, p);
      active[j] = 1;
    }
  }

  result.blocks.assign(n, Matrix<T>(K, d, zero));
  result.reached.assign(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    result.reached[i] = active[i] != 0;
    const T* g = gv.data() + i * d * K;
    for (std::size_t col = 0; col < d; ++col) {
      for (std::size_t k = 0; k < K; ++k) result.blocks[i](k, col) = g[col * K + k];
    }
  }
  return result;
}

// record + backward: all blocks of ∂y_n/∂v^(0) for one input.
template <class T, class R>
Jacobians<T> jacobians(const PreparedModel<T>& m, Env<T, R>& env, const InputSequence& input,
                       const JacobianOptions& options = {}) {
  return backward(m, record(m, env, input), options);
}

}  // namespace glasses::model
