// Hugging Face checkpoints: config.json + safetensors → ModelConfig and
// Weights<double>, for GPT-2 (GPT2LMHeadModel) and Llama (LlamaForCausalLM).
//
// A checkpoint directory holds `config.json` and either `model.safetensors`
// or `model.safetensors.index.json` with its shards (the single file wins
// when both exist; a warning says so). The weights are the stored values
// themselves: every supported dtype (F64, F32, F16, BF16) embeds exactly in
// double, so the master copy loses nothing and each scalar type later rounds
// it once (weights.hpp).
//
// What is guaranteed
//  1. Every tensor of the file is accounted for: each expected parameter is
//     present once, with the dtype F64/F32/F16/BF16 and the shape the config
//     implies; a tensor that is neither a parameter nor one of the listed
//     buffers is an error. Buffers are skipped by exact name, never decoded:
//       GPT-2   h.N.attn.bias, h.N.attn.masked_bias   (N < n_layer; with or
//               without the `transformer.` prefix). The suffix test "attn.bias"
//               would also drop the parameter h.N.attn.c_attn.bias; we do not.
//       Llama   model.layers.N.self_attn.rotary_emb.inv_freq (older files)
//  2. Layouts become ours, [out, in] for every projection:
//       GPT-2 Conv1D weights are [in, out] and are transposed; c_attn's
//       columns [q | k | v] are split in thirds (head h owns columns
//       h·d_h … h·d_h + d_h - 1 of each third, so plain row slices after
//       the transpose); the bias is split the same way.
//       Llama nn.Linear weights are already [out, in]. The q/k rows are in
//       Hugging Face's rotate_half order and are NOT permuted: the config
//       says RopeStyle::rotate_half.
//  3. Non-finite weights (NaN, ±inf) are an error by default, naming the
//     tensor and the element (flat index and multi-index).
//     CheckpointOptions::allow_non_finite turns this into one warning per
//     tensor.
//  4. The result satisfies model::validate(config) and
//     model::validate(config, weights).
//  5. Every failure throws glasses::InputError whose message names the
//     directory and the file, field or tensor at fault.
//
// config.json fields read (the others are ignored)
//   architectures[0] (or model_type when absent): GPT2LMHeadModel / gpt2,
//   LlamaForCausalLM / llama; anything else is an error listing these.
//   GPT-2, required: n_embd, n_layer, n_head, vocab_size, n_positions,
//     layer_norm_epsilon, activation_function (gelu_new and
//     gelu_pytorch_tanh → gelu_tanh, gelu → exact gelu, relu).
//     Optional: n_inner (absent/null → 4·n_embd), tie_word_embeddings
//     (true), scale_attn_weights (true; false → ScoreScale::one).
//     Refused: scale_attn_by_inverse_layer_idx = true, add_cross_attention = true.
//   Llama, required: hidden_size, intermediate_size, num_hidden_layers,
//     num_attention_heads, vocab_size, max_position_embeddings, rms_norm_eps,
//     hidden_act (silu only → swiglu).
//     Optional: num_key_value_heads (absent/null → num_attention_heads),
//     head_dim (absent/null → hidden_size / num_attention_heads), rope_theta
//     (10000), attention_bias (false; true loads q/k/v/o_proj.bias),
//     tie_word_embeddings (false).
//     Refused: rope_scaling other than null/absent, mlp_bias = true (Weights
//     has no gate bias).
//   Integers must be JSON integers and positive; floats may be any JSON
//   number; flags must be JSON booleans.
//
// Tied output matrix: when the config says tied, `lm_head.weight` may be
// absent (the usual case) or present and then must equal the token embedding
// element for element; a differing lm_head is an error, since the file and
// config then disagree on which matrix produces the logits. Untied configs
// require lm_head.weight.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "glasses/model/config.hpp"
#include "glasses/model/weights.hpp"

namespace glasses::model {

struct Checkpoint {
  ModelConfig config;
  // The stored values, exactly: in binary32 when no tensor is F64 (every
  // F32, F16 and BF16 value is a binary32 number; half the memory), else in
  // binary64. One of the two is set.
  std::shared_ptr<const Weights<float>> float_weights;
  Weights<double> weights;
  std::vector<std::string> warnings;  // things a user may want to know; never fatal
};

struct CheckpointOptions {
  bool allow_non_finite = false;  // guarantee 3
  // The master copy in binary64 (Checkpoint::weights) even when binary32
  // holds every value: twice the memory, for code that reads the weights as
  // doubles.
  bool binary64_master = false;
};

// Reads dir/config.json and dir/model.safetensors (or the sharded index).
Checkpoint load_checkpoint(const std::filesystem::path& dir);
Checkpoint load_checkpoint(const std::filesystem::path& dir, const CheckpointOptions& options);

// Only the config: parses a config.json file (not a directory) into a
// validated ModelConfig.
ModelConfig load_hf_config(const std::filesystem::path& config_json);

}  // namespace glasses::model
