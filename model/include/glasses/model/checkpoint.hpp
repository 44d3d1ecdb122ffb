// Hugging Face checkpoints: config.json + safetensors → ModelConfig and
// Weights<double>, for GPT-2 (GPT2LMHeadModel), Llama (LlamaForCausalLM) and
// the architectures built on Llama's block: Mistral (MistralForCausalLM),
// Qwen2 (Qwen2ForCausalLM), Gemma (GemmaForCausalLM) and Gemma-2
// (Gemma2ForCausalLM). Each follows transformers' modeling code (the files
// and functions are cited where the conventions are implemented:
// checkpoint.cpp, forward.hpp, kernels.hpp, positional.hpp).
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
//       Llama and its relatives   model.layers.N.self_attn.rotary_emb.inv_freq (older files)
//  2. Layouts become ours, [out, in] for every projection:
//       GPT-2 Conv1D weights are [in, out] and are transposed; c_attn's
//       columns [q | k | v] are split in thirds (head h owns columns
//       h·d_h … h·d_h + d_h - 1 of each third, so plain row slices after
//       the transpose); the bias is split the same way.
//       Llama nn.Linear weights are already [out, in]. The q/k rows are in
//       Hugging Face's rotate_half order and are NOT permuted: the config
//       says RopeStyle::rotate_half. The same for Mistral, Qwen2, Gemma(-2).
//       Gemma-2's four norms per layer: input_layernorm → norm1,
//       post_attention_layernorm → post_attention_gain (it norms the
//       attention OUTPUT), pre_feedforward_layernorm → norm2,
//       post_feedforward_layernorm → post_mlp_gain. In Llama, Mistral, Qwen2
//       and Gemma post_attention_layernorm is norm2 (before the MLP).
//       Gemma's gains are stored as w and used as 1 + w
//       (ModelConfig::norm_gain_offset): the master copy keeps w as stored.
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
//   LlamaForCausalLM / llama, MistralForCausalLM / mistral, Qwen2ForCausalLM
//   / qwen2, GemmaForCausalLM / gemma, Gemma2ForCausalLM / gemma2; anything
//   else (Gemma-3, Phi, Mixtral, …) is an error listing these.
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
//     rope_scaling (or transformers v5's rope_parameters, not both), keyed
//     by rope_type or the legacy type: null/"default" none; "linear" (factor);
//     "llama3" (factor, low_freq_factor, high_freq_factor,
//     original_max_position_embeddings, all required); any other type
//     (yarn, dynamic, longrope, …) is an error naming rope_scaling.rope_type
//     (or .type) and its value.
//     Refused: mlp_bias = true (Weights has no gate bias).
//   Mistral: as Llama (no attention_bias, no mlp_bias: MistralAttention and
//     MistralMLP have none), plus sliding_window, REQUIRED (null: none; the
//     transformers default 4096 is not assumed), on every layer.
//   Qwen2: as Llama, with q/k/v biases and none on o_proj whatever
//     attention_bias says (Qwen2Attention); tie_word_embeddings (false);
//     use_sliding_window (false): when true, sliding_window (required, null:
//     none) on layers l >= max_window_layers (required then); an explicit
//     layer_types list ("full_attention"/"sliding_attention") wins.
//   Gemma: as Llama, with hidden_activation (else hidden_act, else the
//     default gelu_pytorch_tanh; only gelu_pytorch_tanh / gelu_new, i.e.
//     GeGLU with the tanh GELU; a differing hidden_act beside
//     hidden_activation is a warning, see read_gated_activation),
//     head_dim REQUIRED (the transformers default is 256, not d/heads),
//     tie_word_embeddings (true), attention_bias (false). Implied:
//     embeddings × sqrt(hidden_size) (binary64, rounded once into T), norm
//     gains 1 + w.
//   Gemma-2: as Gemma, plus, each REQUIRED because the transformers defaults
//     would change the computation unnoticed (null: none where allowed):
//     query_pre_attn_scalar (scores · query_pre_attn_scalar^-1/2),
//     attn_logit_softcapping (default 50.0), final_logit_softcapping (30.0),
//     sliding_window (4096); layer_types optional (absent: the even layers
//     slide, Gemma2Config's rule). Implied: post-norms.
//   Integers must be JSON integers and positive; floats may be any JSON
//   number; flags must be JSON booleans.
//
// Fields deliberately ignored, because they do not change the inference
// computation: attention_dropout (dropout is off in inference), use_cache,
// torch_dtype (the stored dtypes are read; glasses chooses its own formats),
// initializer_range, token ids, pretraining_tp (Llama: only how PyTorch
// splits the products), cache_implementation, transformers_version; and any
// field the architecture's transformers code does not read (attention_bias
// of Mistral/Qwen2, Gemma-2 fields in a Llama config, …). Every field that
// does change the computation is either implemented or refused by name.
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
#include "glasses/model/limits.hpp"
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
  // A config whose weights would take more bytes (in the master copy's
  // precision) is refused before any tensor is decoded (config.hpp check_memory).
  double max_memory = default_memory_limit();  // limits.hpp
};

// Reads dir/config.json and dir/model.safetensors (or the sharded index).
Checkpoint load_checkpoint(const std::filesystem::path& dir);
Checkpoint load_checkpoint(const std::filesystem::path& dir, const CheckpointOptions& options);

// Only the config: parses a config.json file (not a directory) into a
// validated ModelConfig.
ModelConfig load_hf_config(const std::filesystem::path& config_json);

}  // namespace glasses::model
