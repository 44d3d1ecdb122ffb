#include "glasses/model/config.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "glasses/numerics/error.hpp"

namespace glasses::model {
namespace {

[[noreturn]] void fail(const std::string& why) { throw InputError("model config: " + why); }

const char* name(NormKind k) {
  switch (k) {
    case NormKind::layernorm: return "layernorm";
    case NormKind::rmsnorm: return "rmsnorm";
    case NormKind::none: return "no-norm";
  }
  return "?";
}
const char* name(PositionalKind k) {
  switch (k) {
    case PositionalKind::none: return "nope";
    case PositionalKind::sinusoidal: return "sinusoidal";
    case PositionalKind::learned: return "learned-positions";
    case PositionalKind::rope: return "rope";
    case PositionalKind::alibi: return "alibi";
  }
  return "?";
}
const char* name(Activation a) {
  switch (a) {
    case Activation::none: return "no-mlp";
    case Activation::relu: return "relu";
    case Activation::gelu: return "gelu";
    case Activation::gelu_tanh: return "gelu_tanh";
    case Activation::swiglu: return "swiglu";
    case Activation::geglu_tanh: return "geglu_tanh";
  }
  return "?";
}
const char* name(RopeScalingKind k) {
  switch (k) {
    case RopeScalingKind::none: return "none";
    case RopeScalingKind::linear: return "linear";
    case RopeScalingKind::llama3: return "llama3";
  }
  return "?";
}
// A double as the shortest decimal that reads back to it.
std::string shortest(double x) {
  char buf[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}
const char* name(Family f) {
  switch (f) {
    case Family::paper: return "paper";
    case Family::gpt2: return "gpt2";
    case Family::llama: return "llama";
    case Family::synthetic: return "synthetic";
    case Family::mistral: return "mistral";
    case Family::qwen2: return "qwen2";
    case Family::gemma: return "gemma";
    case Family::gemma2: return "gemma2";
  }
  return "?";
}

}  // namespace

void validate(const ModelConfig& c) {
  const auto positive = [](int v, const char* what) {
    if (v <= 0) fail(std::string(what) + " must be positive, got " + std::to_string(v));
  };
  positive(c.d_model, "d_model");
  positive(c.n_layers, "n_layers");
  positive(c.n_heads, "n_heads");
  positive(c.n_kv_heads, "n_kv_heads");
  positive(c.d_head, "d_head");
  if (c.n_heads % c.n_kv_heads != 0) {
    fail("n_heads (" + std::to_string(c.n_heads) + ") must be a multiple of n_kv_heads (" +
         std::to_string(c.n_kv_heads) + ")");
  }
  if (c.activation == Activation::none) {
    if (c.d_mlp != 0) fail("d_mlp must be 0 without an MLP");
  } else {
    positive(c.d_mlp, "d_mlp");
  }
  if (c.vocab_size < 0) fail("vocab_size must not be negative");
  if (c.has_unembedding && c.vocab_size == 0) fail("an unembedding needs vocab_size > 0");
  if (c.max_positions < 0) fail("max_positions must not be negative");
  if (c.positional == PositionalKind::learned && c.max_positions == 0) {
    fail("learned positions need max_positions > 0");
  }
  if (c.positional == PositionalKind::rope && c.d_head % 2 != 0) {
    fail("RoPE needs an even head size, got d_head = " + std::to_string(c.d_head));
  }
  if (c.positional == PositionalKind::sinusoidal && c.d_model % 2 != 0) {
    fail("sinusoidal positions need an even d_model, got " + std::to_string(c.d_model));
  }
  if (c.positional == PositionalKind::rope && !(c.rope_theta > 1)) fail("rope_theta must be > 1");
  if (c.positional == PositionalKind::alibi && !(c.alibi_slope_scale > 0)) fail("the ALiBi slope scale must be > 0");
  if (c.norm != NormKind::none && !(c.norm_eps >= 0)) fail("norm eps must be >= 0");
  if (c.window < 0) fail("window must be >= 0 (0: no window)");
  if (c.window > 0 && !c.causal) fail("a sliding window needs causal attention");
  if (!c.layer_windows.empty()) {
    if (c.layer_windows.size() != static_cast<std::size_t>(c.n_layers)) {
      fail("layer_windows has " + std::to_string(c.layer_windows.size()) + " entries for " +
           std::to_string(c.n_layers) + " layers");
    }
    for (std::size_t l = 0; l < c.layer_windows.size(); ++l) {
      if (c.layer_windows[l] < 0) fail("the window of layer " + std::to_string(l) + " must be >= 0 (0: no window)");
      if (c.layer_windows[l] > 0 && !c.causal) fail("a sliding window needs causal attention");
    }
  }
  if (c.score_scale_dim < 0) fail("score_scale_dim must be >= 0 (0: d_head)");
  if (!(c.embedding_scale > 0) || !std::isfinite(c.embedding_scale)) fail("embedding_scale must be finite and > 0");
  if (!(c.attn_softcap >= 0) || !std::isfinite(c.attn_softcap)) fail("the attention soft-cap must be finite and >= 0 (0: none)");
  if (!(c.final_softcap >= 0) || !std::isfinite(c.final_softcap)) fail("the final soft-cap must be finite and >= 0 (0: none)");
  if (c.final_softcap > 0 && !c.has_unembedding) fail("a final soft-cap needs an unembedding");
  if (c.sink_logit && !std::isfinite(*c.sink_logit)) fail("the sink logit must be finite");
  if (c.norm_gain_offset && (c.norm == NormKind::none || !c.norm_has_gain)) {
    fail("a gain offset (1 + g) needs a norm with a learned gain");
  }
  if (c.post_norms && (c.norm == NormKind::none || c.norm_has_bias)) {
    fail("post-norms need a norm without bias (RMSNorm or bias-free LayerNorm)");
  }
  const RopeScaling& rs = c.rope_scaling;
  if (rs.kind != RopeScalingKind::none) {
    if (c.positional != PositionalKind::rope) fail("RoPE scaling needs RoPE positions");
    if (!(rs.factor > 0) || !std::isfinite(rs.factor)) fail("the RoPE scaling factor must be finite and > 0");
    if (rs.kind == RopeScalingKind::llama3) {
      if (!(rs.low_freq_factor > 0) || !std::isfinite(rs.low_freq_factor)) fail("low_freq_factor must be finite and > 0");
      if (!(rs.high_freq_factor > rs.low_freq_factor) || !std::isfinite(rs.high_freq_factor)) {
        fail("high_freq_factor must be finite and > low_freq_factor");
      }
      if (rs.original_max_positions <= 0) fail("original_max_position_embeddings must be positive");
    }
  }
  if (!c.vocabulary.empty() && static_cast<int>(c.vocabulary.size()) != c.vocab_size) {
    fail("vocabulary has " + std::to_string(c.vocabulary.size()) + " entries but vocab_size is " +
         std::to_string(c.vocab_size));
  }
  if (c.family == Family::paper && (c.n_heads != 1 || c.d_head != c.d_model)) {
    fail("the paper-literal family has one head of width d_model");
  }
}

std::string describe(const ModelConfig& c) {
  std::string s = std::string(name(c.family)) + " d=" + std::to_string(c.d_model) + " L=" +
                  std::to_string(c.n_layers) + " heads=" + std::to_string(c.n_heads) + "/" +
                  std::to_string(c.n_kv_heads) + " d_h=" + std::to_string(c.d_head) + " " + name(c.positional) + " " +
                  name(c.norm) + " " + name(c.activation);
  if (c.activation != Activation::none) s += " d_mlp=" + std::to_string(c.d_mlp);
  if (!c.causal) s += " bidirectional";
  if (c.layer_windows.empty()) {
    if (c.window > 0) s += " window=" + std::to_string(c.window);
  } else {
    s += " windows=";
    for (std::size_t l = 0; l < c.layer_windows.size(); ++l) {
      s += (l > 0 ? "," : "") + (c.layer_windows[l] > 0 ? std::to_string(c.layer_windows[l]) : std::string("full"));
    }
  }
  if (c.score_scale == ScoreScale::one) s += " unscaled-scores";
  if (c.score_scale == ScoreScale::inv_sqrt_head_dim && c.score_scale_dim > 0 && c.score_scale_dim != c.d_head) {
    s += " score-scale=1/sqrt(" + std::to_string(c.score_scale_dim) + ")";
  }
  if (c.attention_bias && !c.attention_output_bias) s += " qkv-bias";
  if (c.rope_scaling.kind == RopeScalingKind::linear) {
    s += std::string(" rope-scaling=") + name(c.rope_scaling.kind) + "(" + shortest(c.rope_scaling.factor) + ")";
  }
  if (c.rope_scaling.kind == RopeScalingKind::llama3) {
    s += std::string(" rope-scaling=") + name(c.rope_scaling.kind) + "(factor " + shortest(c.rope_scaling.factor) + ", low " +
         shortest(c.rope_scaling.low_freq_factor) + ", high " + shortest(c.rope_scaling.high_freq_factor) +
         ", original " + std::to_string(c.rope_scaling.original_max_positions) + ")";
  }
  if (c.embedding_scale != 1) s += " embedding-scale=" + shortest(c.embedding_scale);
  if (c.norm_gain_offset) s += " norm-gain=1+g";
  if (c.post_norms) s += " post-norms";
  if (c.attn_softcap > 0) s += " attn-softcap=" + shortest(c.attn_softcap);
  if (c.final_softcap > 0) s += " final-softcap=" + shortest(c.final_softcap);
  if (c.sink_logit) s += " sink=" + shortest(*c.sink_logit);
  if (c.adaptive_temperature) s += " adaptive-temperature";
  return s;
}

}  // namespace glasses::model
