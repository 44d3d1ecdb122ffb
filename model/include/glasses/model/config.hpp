// ModelConfig: the architecture of a decoder-only Pre-LN transformer
// (THEORY §1), every convention the paper leaves open made explicit.
//
//   u_j   = norm1(v_j)
//   a_i   = W_O · concat_h Σ_{j∈N(i)} α^h_ij W_V^h u_j      (+ biases where present)
//   z_i   = v_i + a_i
//   v_i'  = z_i + ψ(norm2(z_i))
//   y_i   = norm3(v_i^(L));  logits_i = W_U y_i
//
// Dimensions use THEORY's names: d (d_model), d_h (d_head), L (n_layers).
//
// Options of current open architectures (Hugging Face checkpoints,
// checkpoint.hpp), each off by default so that the block above is the
// default reading:
//   v^(0) = e_token · embedding_scale                        (Gemma: √d)
//   norms multiply by (1 + g) instead of g                   (Gemma's RMSNorm)
//   a_i = postnorm_a(W_O …),  v_i' = z_i + postnorm_m(ψ(…))  (Gemma-2's sandwich norms)
//   s_ij ← c_a · tanh(s_ij / c_a)                            (attention soft-cap, before the mask)
//   logits ← c_f · tanh(logits / c_f)                        (final soft-cap)
//   a window per layer (Mistral, Qwen2, Gemma-2's alternating local/global layers)
//   RoPE inverse frequencies rescaled (Llama-3's rope_scaling: linear, llama3)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace glasses::model {

// Where the architecture comes from; `paper` is THEORY's paper-literal block
// (W_V = W_O = I, one head), stored as explicit identity matrices so that one
// forward serves every family.
// mistral, qwen2, gemma, gemma2: Hugging Face checkpoints of those model
// types (checkpoint.hpp), which differ from llama only by the options below.
enum class Family : std::uint8_t { paper, gpt2, llama, synthetic, mistral, qwen2, gemma, gemma2 };

enum class NormKind : std::uint8_t {
  layernorm,  // g ⊙ (x - mean) / sqrt(var + eps) + b, biased variance
  rmsnorm,    // g ⊙ x / sqrt(mean(x²) + eps) (+ b when norm_bias)
  none,       // identity
};

enum class PositionalKind : std::uint8_t {
  none,        // NoPE
  sinusoidal,  // absolute, Vaswani et al.: p_(t,2k) = sin(t / 10000^(2k/d)), p_(t,2k+1) = cos(...)
  learned,     // absolute, a trained table (GPT-2 wpe)
  rope,        // rotation of q and k (rotary embedding)
  alibi,       // additive score bias -m_h (i - j)
};

// Where absolute (sinusoidal/learned) positions enter (Fig. 8 (A) vs (B)).
enum class AbsolutePositionsInto : std::uint8_t {
  residual,      // v^(0)_t += p_t: they feed q, k, v and the residual stream
  queries_keys,  // q_t = W_Q (u_t + p_t), k_t = W_K (u_t + p_t); v and the residual see no positions
};

// How RoPE pairs the channels of a head of width d_h.
enum class RopeStyle : std::uint8_t {
  rotate_half,  // Hugging Face: channel j with j + d_h/2, angle t·θ^(-2j/d_h)
  interleaved,  // Meta/llama2.c: channels 2j and 2j+1, same angles
};

enum class Activation : std::uint8_t {
  none,       // no MLP: v' = z
  relu,       // W_down relu(W_up x + b) + b
  gelu,       // exact GELU, x Φ(x) = x (1 + erf(x/√2)) / 2
  gelu_tanh,  // GPT-2's gelu_new: x (1 + tanh(√(2/π)(x + 0.044715 x³))) / 2
  swiglu,     // W_down (silu(W_gate x) ⊙ W_up x), silu(x) = x / (1 + e^-x)
  geglu_tanh, // W_down (gelu_tanh(W_gate x) ⊙ W_up x)  (Gemma's GeGLU, gelu_pytorch_tanh)
};

// Whether ψ has a gate branch W_gate (SwiGLU, GeGLU).
inline bool gated(Activation a) { return a == Activation::swiglu || a == Activation::geglu_tanh; }

// Rescaling of RoPE's inverse frequencies ω_j (Hugging Face rope_scaling,
// transformers modeling_rope_utils.py; positional.hpp computes them).
enum class RopeScalingKind : std::uint8_t {
  none,    // "default" or null: ω_j as is
  linear,  // ω_j / factor                                      (_compute_linear_scaling_rope_parameters)
  llama3,  // three bands by wavelength 2π/ω_j                 (_compute_llama3_parameters)
};

struct RopeScaling {
  RopeScalingKind kind = RopeScalingKind::none;
  double factor = 1;                   // linear, llama3
  double low_freq_factor = 1;          // llama3
  double high_freq_factor = 4;         // llama3 (> low_freq_factor)
  int original_max_positions = 8192;   // llama3: original_max_position_embeddings
};

// The factor multiplying q·k before the softmax.
enum class ScoreScale : std::uint8_t {
  inv_sqrt_head_dim,  // 1/sqrt(d_h), computed in the working scalar type
  one,                // unscaled (Fig. 10 runs both)
};

struct ModelConfig {
  Family family = Family::synthetic;
  int d_model = 0;     // d
  int n_layers = 0;    // L
  int n_heads = 1;
  int n_kv_heads = 1;  // grouped-query attention: query head h reads kv head h / (n_heads / n_kv_heads)
  int d_head = 0;      // d_h
  int d_mlp = 0;       // hidden width of ψ (0 with Activation::none)
  int vocab_size = 0;
  int max_positions = 0;  // longest sequence the positional scheme supports (0: unlimited)

  NormKind norm = NormKind::rmsnorm;
  double norm_eps = 1e-5;       // a double, as in config.json; rounded once into the scalar type
  bool norm_has_gain = true;    // learned g (false: g = 1, "normalisation simulating LayerNorm")
  bool norm_has_bias = false;   // learned b
  bool final_norm = true;       // norm3; false: y = v^(L)

  PositionalKind positional = PositionalKind::none;
  AbsolutePositionsInto absolute_into = AbsolutePositionsInto::residual;
  RopeStyle rope_style = RopeStyle::rotate_half;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;        // RoPE only
  double alibi_slope_scale = 1.0;  // ALiBi slopes m_h = scale · 2^(-8(h+1)/n_heads) (Press et al.)

  Activation activation = Activation::swiglu;
  bool attention_bias = false;  // biases on q, k, v and the output projection (GPT-2)
  bool attention_output_bias = true;  // with attention_bias: b_O too (false: q, k, v only, as Qwen2)
  bool mlp_bias = false;

  bool causal = true;  // N(i) = {j <= i}; false: all j (bidirectional)
  int window = 0;      // sliding window w: N(i) = {i-w < j <= i}; 0: none
  // Per-layer windows: layer l uses layer_windows[l] (0: none) in place of
  // `window`; empty: every layer uses `window`.
  std::vector<int> layer_windows;  // [l]
  ScoreScale score_scale = ScoreScale::inv_sqrt_head_dim;
  int score_scale_dim = 0;  // the n of 1/sqrt(n) (0: d_h; Gemma-2: query_pre_attn_scalar)

  // Gemma's conventions (all off by default).
  double embedding_scale = 1;     // token embeddings times this, rounded once into T (1: none); raw rows are v^(0)
  bool norm_gain_offset = false;  // every norm's gain is (1 + g), formed once in T at prepare (site norm)
  bool post_norms = false;        // the attention output and the MLP output are normed (gains
                                  // post_attention_gain, post_mlp_gain) before their residual adds
  double attn_softcap = 0;        // scores s ← c·tanh(s/c) after scaling, before the mask (0: none)
  double final_softcap = 0;       // logits ← c·tanh(logits/c) (0: none)

  // Mitigations (off by default; sweeps turn them on with SweepSettings::mitigations).
  // An attention sink (Barbero et al. 2025, arXiv 2504.02732): every head of
  // every query also attends to a virtual key in front of N(i) whose score is
  // this constant (the same for every query, after the scale; no position,
  // no soft-cap, no ALiBi term) and whose value is 0: it takes a share
  // e^σ / (e^σ + Σ_j e^(s_j)) of the attention and adds nothing to the output.
  std::optional<double> sink_logit;
  // Adaptive temperature (Veličković et al. 2024, arXiv 2410.01104): per head
  // and query, the scores times β(entropy of their softmax) before the
  // softmax (kernels.hpp adaptive_temperature).
  bool adaptive_temperature = false;

  bool has_unembedding = true;   // logits = W_U y
  bool tied_unembedding = false; // W_U = token embedding

  std::vector<std::string> vocabulary;  // token strings when known (synthetic presets); may be empty

  // The window of layer l (0: none).
  int window_of(std::size_t l) const { return layer_windows.empty() ? window : layer_windows[l]; }
  int kv_width() const { return n_kv_heads * d_head; }
  int q_width() const { return n_heads * d_head; }
};

// Checks every field for consistency (positive sizes, heads dividing, RoPE
// with even d_h, windows, soft-caps and RoPE scaling in range, ...). Throws InputError naming the first problem.
void validate(const ModelConfig& config);

// A one-line human description ("llama d=32 L=3 heads=2/2 rope rmsnorm swiglu").
std::string describe(const ModelConfig& config);

}  // namespace glasses::model
