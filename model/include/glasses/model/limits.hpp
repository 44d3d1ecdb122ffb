// Resource limits (README "Hardening"): a model whose weights cannot fit
// in memory is refused from its config, with the estimate, before anything
// is allocated; `--max-memory` sets the limit (default: 3/4 of physical
// memory). Sweeps add their own estimate (sweep.hpp estimate_sweep).
#pragma once

#include <string>
#include <string_view>

#include "glasses/model/config.hpp"
#include "glasses/model/presets.hpp"

namespace glasses::model {

// The weights' size in bytes at `element_bytes` per number (8: the binary64
// master copy), counted in double so that no config (hidden size 2^31,
// 10^9 layers) overflows the count: embeddings, learned positions, every
// layer's projections, MLP, norms and biases, and an untied unembedding.
double weight_bytes(const ModelConfig& config, double element_bytes = 8);

// Throws InputError with the estimate when weight_bytes(config,
// element_bytes) exceeds `max_bytes`.
void check_memory(const ModelConfig& config, double max_bytes, double element_bytes = 8);

// 3/4 of the physical memory (infinity when the system does not say).
double default_memory_limit();

// A --max-memory value: bytes, or a number with the binary suffix K, M, G or
// T ("512M", "1.5G"); throws InputError naming the text.
double parse_memory_size(std::string_view text);

// "1.5 GiB": a byte count for messages.
std::string byte_text(double bytes);

// load_model_config and open_checkpoint (presets.hpp) with an explicit
// limit; the versions there use default_memory_limit().
ModelSource load_model_config(const std::string& path, double max_memory);
ModelSource open_checkpoint(const std::string& dir, bool binary64_master, double max_memory);

}  // namespace glasses::model
