#include "glasses/model/config.hpp"

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
  }
  return "?";
}
const char* name(Family f) {
  switch (f) {
    case Family::paper: return "paper";
    case Family::gpt2: return "gpt2";
    case Family::llama: return "llama";
    case Family::synthetic: return "synthetic";
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
  if (c.window > 0) s += " window=" + std::to_string(c.window);
  if (c.score_scale == ScoreScale::one) s += " unscaled-scores";
  return s;
}

}  // namespace glasses::model
