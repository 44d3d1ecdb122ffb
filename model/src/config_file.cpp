// Synthetic models described by a JSON file (`glasses forward --config FILE`).
#include <cstdint>
#include <fstream>
#include <limits>
#include <type_traits>
#include <utility>
#include <nlohmann/json.hpp>
#include <sstream>

#include "glasses/model/limits.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::model {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw InputError("model config '" + path + "': " + why);
}

template <class T>
T field(const std::string& path, const json& j, const char* key, const T& fallback, bool required = false) {
  if (!j.contains(key)) {
    if (required) fail(path, std::string("missing field \"") + key + "\"");
    return fallback;
  }
  const json& v = j.at(key);
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // nlohmann's get<int> of 2^31 wraps around, and of 1e60 is undefined
    // behaviour (found by fuzz/model_config): an integer in range only.
    if (!v.is_number_integer()) fail(path, std::string("field \"") + key + "\" must be an integer, got " + v.dump());
    const bool fits = v.is_number_unsigned() ? std::in_range<T>(v.get<std::uint64_t>()) : std::in_range<T>(v.get<std::int64_t>());
    if (!fits) fail(path, std::string("field \"") + key + "\" is out of range: " + v.dump());
  }
  try {
    return v.get<T>();
  } catch (const json::exception&) {
    fail(path, std::string("field \"") + key + "\" has the wrong type");
  }
}

template <class E>
E choice(const std::string& path, const json& j, const char* key, E fallback,
         std::initializer_list<std::pair<const char*, E>> options) {
  if (!j.contains(key)) return fallback;
  const std::string value = field<std::string>(path, j, key, "");
  std::string known;
  for (const auto& [name, e] : options) {
    if (value == name) return e;
    known += (known.empty() ? "" : ", ") + std::string(name);
  }
  fail(path, std::string("field \"") + key + "\" is '" + value + "'; expected one of " + known);
}

}  // namespace

ModelSource load_model_config(const std::string& path, double max_memory) {
  std::ifstream in(path);
  if (!in) fail(path, "cannot open the file");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number too large (found by fuzz/)
    fail(path, std::string("invalid JSON: ") + printable(e.what()));
  }
  if (!j.is_object()) fail(path, "the top level must be a JSON object");
  static const char* kKnown[] = {"d_model", "n_layers", "n_heads", "n_kv_heads", "d_head", "d_mlp", "vocab_size",
                                 "vocabulary", "max_positions", "norm", "norm_eps", "norm_gain", "norm_bias",
                                 "final_norm", "positional", "absolute_positions", "rope_style", "rope_theta",
                                 "alibi_slope_scale", "activation", "attention_bias", "mlp_bias", "causal", "window",
                                 "score_scale", "unembedding", "seed", "input", "row_sigma", "paper_literal"};
  for (const auto& item : j.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || item.key() == k;
    if (!known) fail(path, "unknown field \"" + printable(item.key()) + "\"");
  }
  ModelSource s;
  s.origin = "config " + path;
  ModelConfig& c = s.config;
  const bool paper = field<bool>(path, j, "paper_literal", false);
  c.family = paper ? Family::paper : Family::synthetic;
  c.d_model = field<int>(path, j, "d_model", 0, true);
  c.n_layers = field<int>(path, j, "n_layers", 0, true);
  c.n_heads = field<int>(path, j, "n_heads", 1);
  c.n_kv_heads = field<int>(path, j, "n_kv_heads", c.n_heads);
  c.d_head = field<int>(path, j, "d_head", c.n_heads > 0 ? c.d_model / c.n_heads : 0);
  c.norm = choice(path, j, "norm", NormKind::rmsnorm,
                  {{"rmsnorm", NormKind::rmsnorm}, {"layernorm", NormKind::layernorm}, {"none", NormKind::none}});
  c.norm_eps = field<double>(path, j, "norm_eps", 1e-5);
  c.norm_has_gain = field<bool>(path, j, "norm_gain", true);
  c.norm_has_bias = field<bool>(path, j, "norm_bias", false);
  c.final_norm = field<bool>(path, j, "final_norm", true);
  c.positional = choice(path, j, "positional", PositionalKind::rope,
                        {{"none", PositionalKind::none},
                         {"sinusoidal", PositionalKind::sinusoidal},
                         {"rope", PositionalKind::rope},
                         {"alibi", PositionalKind::alibi}});
  c.absolute_into = choice(path, j, "absolute_positions", AbsolutePositionsInto::residual,
                           {{"residual", AbsolutePositionsInto::residual},
                            {"queries_keys", AbsolutePositionsInto::queries_keys}});
  c.rope_style = choice(path, j, "rope_style", RopeStyle::rotate_half,
                        {{"rotate_half", RopeStyle::rotate_half}, {"interleaved", RopeStyle::interleaved}});
  c.rope_theta = field<double>(path, j, "rope_theta", 10000.0);
  c.alibi_slope_scale = field<double>(path, j, "alibi_slope_scale", 1.0);
  c.activation = choice(path, j, "activation", Activation::swiglu,
                        {{"none", Activation::none},
                         {"relu", Activation::relu},
                         {"gelu", Activation::gelu},
                         {"gelu_tanh", Activation::gelu_tanh},
                         {"swiglu", Activation::swiglu}});
  // 4 d_model in 64 bits: d_model near 2^31 would overflow int (found by fuzz/model_config).
  const std::int64_t default_mlp = c.activation == Activation::none ? 0 : 4 * std::int64_t{c.d_model};
  if (!j.contains("d_mlp") && !std::in_range<int>(default_mlp)) fail(path, "the default d_mlp = 4 d_model is out of range");
  c.d_mlp = field<int>(path, j, "d_mlp", static_cast<int>(default_mlp));
  c.attention_bias = field<bool>(path, j, "attention_bias", false);
  c.mlp_bias = field<bool>(path, j, "mlp_bias", false);
  c.causal = field<bool>(path, j, "causal", true);
  c.window = field<int>(path, j, "window", 0);
  c.score_scale = choice(path, j, "score_scale", ScoreScale::inv_sqrt_head_dim,
                         {{"inv_sqrt", ScoreScale::inv_sqrt_head_dim}, {"one", ScoreScale::one}});
  const std::string unembedding = field<std::string>(path, j, "unembedding", "untied");
  if (unembedding == "none") {
    c.has_unembedding = false;
  } else if (unembedding == "tied") {
    c.tied_unembedding = true;
  } else if (unembedding != "untied") {
    fail(path, "field \"unembedding\" must be untied, tied or none");
  }
  const std::string input = field<std::string>(path, j, "input", "tokens");
  const std::uint64_t seed = field<std::uint64_t>(path, j, "seed", 0);
  if (input == "rows") {
    c.vocab_size = 0;
    c.has_unembedding = false;
    s.rows = RowSource{seed, field<double>(path, j, "row_sigma", 1.0), c.d_model};
  } else if (input == "tokens") {
    if (j.contains("vocabulary")) {
      c.vocabulary = field<std::vector<std::string>>(path, j, "vocabulary", {});
      c.vocab_size = static_cast<int>(c.vocabulary.size());
    } else {
      c.vocab_size = field<int>(path, j, "vocab_size", 0, true);
    }
  } else {
    fail(path, "field \"input\" must be tokens or rows");
  }
  c.max_positions = field<int>(path, j, "max_positions", 0);
  validate(c);
  try {
    check_memory(c, max_memory);
  } catch (const InputError& e) {
    fail(path, e.what());
  }
  s.weights = synthetic_weights(c, seed, paper, false);
  s.description = "synthetic model from " + path + " (" + describe(c) + ", seed " + std::to_string(seed) + ")";
  return s;
}

}  // namespace glasses::model
