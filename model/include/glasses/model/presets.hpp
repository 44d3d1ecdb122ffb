// Built-in synthetic models (THEORY §3 "Figures to reproduce") and the
// common description of a model ready to run, whatever its source.
//
// Presets (`glasses forward --preset NAME[:key=value,...]`):
//   default        d=64, L=4, 4 heads of 16, RoPE, RMSNorm, SwiGLU (d_mlp 176),
//                  a vocabulary of digits, a comma and prompt words
//   paper-literal  THEORY §1's paper-literal block: one head, W_V = W_O = I,
//                  d=16, L=2, NoPE, RMSNorm, ReLU MLP
//   fig8-a, fig8-b d=64, one layer, one head, Gaussian weights of variance 1/d,
//                  sinusoidal positions added to the residual (a) or to q and k only (b)
//   fig10-rope, fig10-alibi, fig10-ape, fig10-nope
//                  d=64, one layer, one head, q, k, v standard Gaussian
//                  (inputs N(0, I), W_Q, W_K, W_V of variance 1/d, W_O = I),
//                  LayerNorm without gain, no MLP
// The fig presets take raw input rows: token i means row i of a seeded
// Gaussian row source, so sequences of any length are available.
//
// Options after a colon override the preset, and are recorded in its name:
//   seed=<n>              weights (and rows) seed, default 0
//   scale=inv_sqrt|one    the score scale 1/sqrt(d_h) or none
//   alibi_scale=<x>       multiplies the ALiBi slopes
//   window=<w>            sliding-window attention (0: none)
//   causal=0|1            attention mask
//   positional=none|sinusoidal|rope|alibi   (learned needs a checkpoint)
//   layers=<L>            number of blocks (weights drawn for the new count)
// Every weight comes from numerics::PortableRandom with the seed, in a
// fixed order, so the same spec gives the same bits.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/model/config.hpp"
#include "glasses/model/weights.hpp"

namespace glasses::model {

// Raw input rows drawn from a seed: row i ~ N(0, σ² I_d), independent of
// every other row and of how many rows are drawn.
struct RowSource {
  std::uint64_t seed = 0;
  double sigma = 1.0;
  int d = 0;
  std::vector<double> row(std::size_t i) const;
};

// A model ready to run: where it came from, its config, master weights, and
// for row-input models the row source.
struct ModelSource {
  std::string origin;       // "preset default:seed=3", or the checkpoint path
  std::string description;  // a sentence for reports
  ModelConfig config;
  // The master copy of the parameters, one of the two: binary64 (synthetic
  // models, F64 checkpoints), or binary32 for F32, F16 and BF16 checkpoints
  // (each stored value exactly, half the memory; prepared models whose
  // weights site leaves them unchanged read these values in place).
  Weights<double> weights;
  std::shared_ptr<const Weights<float>> float_weights;
  std::optional<RowSource> rows;
  std::vector<std::string> warnings;  // from loading; never fatal
};

// Token ids from text: whitespace-separated words, each a token id or a word
// of the model's vocabulary. Throws InputError naming `what` (e.g.
// "--tokens") and the offending word.
std::vector<int> parse_tokens(const ModelSource& model, std::string_view text, std::string_view what);

struct PresetInfo {
  std::string_view name;
  std::string_view description;
};

inline constexpr std::array kPresets{
    PresetInfo{"default", "d=64, 4 layers, 4 heads, RoPE, RMSNorm, SwiGLU; digits, comma and prompt words"},
    PresetInfo{"paper-literal", "the paper's block: one head, W_V = W_O = I, NoPE, RMSNorm, ReLU MLP"},
    PresetInfo{"fig8-a", "Fig. 8 (A): d=64, 1 layer, sinusoidal positions added to the embeddings"},
    PresetInfo{"fig8-b", "Fig. 8 (B): d=64, 1 layer, sinusoidal positions in q and k only"},
    PresetInfo{"fig10-rope", "Fig. 10: standard Gaussian q, k, v, one head, RoPE"},
    PresetInfo{"fig10-alibi", "Fig. 10: standard Gaussian q, k, v, one head, ALiBi"},
    PresetInfo{"fig10-ape", "Fig. 10: standard Gaussian q, k, v, one head, sinusoidal absolute positions"},
    PresetInfo{"fig10-nope", "Fig. 10: standard Gaussian q, k, v, one head, no positions"},
};

// Builds a preset from "NAME[:key=value,...]". Throws InputError naming an
// unknown preset or option.
ModelSource make_preset(std::string_view spec);

// Synthetic master weights for `config`, drawn from PortableRandom(seed) in
// a fixed order: W_Q, W_K, W_V with the paper's variance 1/d, other
// matrices 1/(fan in), embeddings N(0, 1), learned norm gains 1 + N(0, 0.1²).
// `identity_value_output` stores W_V = W_O = I (the paper-literal block).
Weights<double> synthetic_weights(const ModelConfig& config, std::uint64_t seed, bool identity_value_output = false,
                                  bool identity_output = false);

// A model described by a JSON file: the fields of ModelConfig (snake_case,
// enums as their names) plus "seed" for synthetic weights and optionally
// "input": "rows" with "row_sigma" for a row-input model. Throws InputError
// naming a missing or bad field.
ModelSource load_model_config(const std::string& path);

// A Hugging Face checkpoint folder (checkpoint.hpp) as a ModelSource;
// `binary64_master` asks for the master copy in `weights` even when binary32
// holds every value (CheckpointOptions::binary64_master).
ModelSource open_checkpoint(const std::string& dir, bool binary64_master = false);

// The vocabulary of the default and paper-literal presets: "0".."9", ",",
// then prompt words.
const std::vector<std::string>& prompt_vocabulary();

}  // namespace glasses::model
