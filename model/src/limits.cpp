#include "glasses/model/limits.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <unistd.h>

#include "glasses/numerics/error.hpp"

namespace glasses::model {

double weight_bytes(const ModelConfig& c, double element_bytes) {
  const double d = c.d_model, q = static_cast<double>(c.n_heads) * c.d_head,
               kv = static_cast<double>(c.n_kv_heads) * c.d_head, mlp = c.d_mlp;
  const double attention = d * q + 2 * d * kv + q * d + (c.attention_bias ? q + 2 * kv + d : 0);
  const double mlp_matrices = (gated(c.activation) ? 3 : 2) * d * mlp + (c.mlp_bias ? 2 * mlp + d : 0);
  const double norms = 4 * 2 * d;  // at most four norms per layer, gain and bias
  double total = static_cast<double>(c.n_layers) * (attention + mlp_matrices + norms);
  total += static_cast<double>(c.vocab_size) * d * (c.has_unembedding && !c.tied_unembedding ? 2 : 1);
  if (c.positional == PositionalKind::learned) total += static_cast<double>(c.max_positions) * d;
  return (total + 2 * d) * element_bytes;
}

std::string byte_text(double bytes) {
  char text[48];
  const double gib = 1024.0 * 1024.0 * 1024.0;
  if (bytes >= gib) std::snprintf(text, sizeof text, "%.3g GiB", bytes / gib);
  else std::snprintf(text, sizeof text, "%.3g MiB", bytes / (1024.0 * 1024.0));
  return text;
}

void check_memory(const ModelConfig& c, double max_bytes, double element_bytes) {
  const double need = weight_bytes(c, element_bytes);
  if (need > max_bytes) {
    throw InputError("the weights need an estimated " + byte_text(need) + " (" + describe(c) + "), above the memory limit of " +
         byte_text(max_bytes) + "; refused before loading (raise it with --max-memory)");
  }
}

double parse_memory_size(std::string_view text) {
  const std::string t(text);
  char* end = nullptr;
  const double x = t.empty() || !std::isdigit(static_cast<unsigned char>(t[0])) ? -1 : std::strtod(t.c_str(), &end);
  double unit = 1;
  const std::string_view suffix = end == nullptr ? std::string_view{} : std::string_view(end);
  if (suffix == "K") unit = 1024.0;
  else if (suffix == "M") unit = 1024.0 * 1024;
  else if (suffix == "G") unit = 1024.0 * 1024 * 1024;
  else if (suffix == "T") unit = 1024.0 * 1024 * 1024 * 1024;
  else if (!suffix.empty()) end = nullptr;
  if (end == nullptr || !(x > 0) || !std::isfinite(x * unit)) {
    throw InputError("--max-memory '" + t + "': expected a positive size in bytes, or with a suffix K, M, G, T (e.g. 8G)");
  }
  return x * unit;
}

double default_memory_limit() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return std::numeric_limits<double>::infinity();
  return 0.75 * static_cast<double>(pages) * static_cast<double>(page);
}

ModelSource load_model_config(const std::string& path) { return load_model_config(path, default_memory_limit()); }

ModelSource open_checkpoint(const std::string& dir, bool binary64_master) {
  return open_checkpoint(dir, binary64_master, default_memory_limit());
}

}  // namespace glasses::model
