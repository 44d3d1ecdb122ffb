#include "glasses/model/checkpoint.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "glasses/model/safetensors.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::model {
namespace {

using nlohmann::json;

enum class Architecture : std::uint8_t { gpt2, llama };

struct SupportedArchitecture {
  std::string_view class_name;
  std::string_view model_type;
  Architecture arch;
};
constexpr SupportedArchitecture kSupported[] = {
    {"GPT2LMHeadModel", "gpt2", Architecture::gpt2},
    {"LlamaForCausalLM", "llama", Architecture::llama},
};

std::string supported_list() {
  std::string s;
  for (const SupportedArchitecture& a : kSupported) {
    if (!s.empty()) s += ", ";
    s += std::string(a.class_name) + " (model_type " + std::string(a.model_type) + ")";
  }
  return s;
}


// --- config.json ------------------------------------------------------------

class ConfigReader {
 public:
  ConfigReader(const json& j, std::filesystem::path file) : j_(j), file_(std::move(file)) {}

  [[noreturn]] void fail(std::string_view field, const std::string& why) const {
    throw InputError("checkpoint config " + file_.string() + ": field " + in_quotes(field) + " " + why);
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw InputError("checkpoint config " + file_.string() + ": " + why);
  }

  // nullptr when absent or null.
  const json* optional(std::string_view field) const {
    const auto it = j_.find(field);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }
  const json& required(std::string_view field) const {
    const auto it = j_.find(field);
    if (it == j_.end()) fail(field, "is missing");
    if (it->is_null()) fail(field, "is null");
    return *it;
  }

  int positive_int(std::string_view field, const json& v) const {
    if (!v.is_number_integer()) fail(field, "must be an integer, got " + v.dump());
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u == 0) fail(field, "must be positive, got 0");
      if (u > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) fail(field, "is too large: " + v.dump());
      return static_cast<int>(u);
    }
    const auto s = v.get<std::int64_t>();
    if (s <= 0) fail(field, "must be positive, got " + v.dump());
    if (s > std::numeric_limits<int>::max()) fail(field, "is too large: " + v.dump());
    return static_cast<int>(s);
  }
  int required_int(std::string_view field) const { return positive_int(field, required(field)); }
  int optional_int(std::string_view field, int fallback) const {
    const json* v = optional(field);
    return v == nullptr ? fallback : positive_int(field, *v);
  }

  double number(std::string_view field, const json& v) const {
    if (!v.is_number()) fail(field, "must be a number, got " + v.dump());
    const double x = v.get<double>();
    if (!std::isfinite(x)) fail(field, "must be finite, got " + v.dump());
    return x;
  }
  double required_number(std::string_view field) const { return number(field, required(field)); }
  double optional_number(std::string_view field, double fallback) const {
    const json* v = optional(field);
    return v == nullptr ? fallback : number(field, *v);
  }

  bool optional_bool(std::string_view field, bool fallback) const {
    const json* v = optional(field);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) fail(field, "must be true or false, got " + v->dump());
    return v->get<bool>();
  }

  std::string required_string(std::string_view field) const {
    const json& v = required(field);
    if (!v.is_string()) fail(field, "must be a string, got " + v.dump());
    return v.get<std::string>();
  }

 private:
  const json& j_;
  std::filesystem::path file_;
};

Architecture read_architecture(const ConfigReader& r) {
  std::optional<Architecture> from_class;
  std::optional<Architecture> from_type;
  std::string class_name, type_name;
  if (const json* a = r.optional("architectures")) {
    if (!a->is_array() || a->empty() || !(*a)[0].is_string()) {
      r.fail("architectures", "must be a non-empty list of strings, got " + a->dump());
    }
    class_name = (*a)[0].get<std::string>();
    for (const SupportedArchitecture& s : kSupported) {
      if (s.class_name == class_name) from_class = s.arch;
    }
    if (!from_class) {
      r.fail("unsupported architecture " + in_quotes(class_name) + "; supported: " + supported_list());
    }
  }
  if (const json* t = r.optional("model_type")) {
    if (!t->is_string()) r.fail("model_type", "must be a string, got " + t->dump());
    type_name = t->get<std::string>();
    for (const SupportedArchitecture& s : kSupported) {
      if (s.model_type == type_name) from_type = s.arch;
    }
    if (!from_type) r.fail("unsupported model_type " + in_quotes(type_name) + "; supported: " + supported_list());
  }
  if (from_class && from_type && *from_class != *from_type) {
    r.fail("architectures[0] " + in_quotes(class_name) + " and model_type " + in_quotes(type_name) + " disagree");
  }
  if (from_class) return *from_class;
  if (from_type) return *from_type;
  r.fail("neither 'architectures' nor 'model_type' is given; supported: " + supported_list());
}

ModelConfig read_gpt2_config(const ConfigReader& r, std::vector<std::string>& warnings) {
  ModelConfig c;
  c.family = Family::gpt2;
  c.d_model = r.required_int("n_embd");
  c.n_layers = r.required_int("n_layer");
  c.n_heads = r.required_int("n_head");
  c.n_kv_heads = c.n_heads;
  if (c.d_model % c.n_heads != 0) {
    r.fail("n_embd (" + std::to_string(c.d_model) + ") is not divisible by n_head (" + std::to_string(c.n_heads) +
           ")");
  }
  c.d_head = c.d_model / c.n_heads;
  if (c.d_model > std::numeric_limits<int>::max() / 4) r.fail("n_embd", "is too large");
  c.d_mlp = r.optional_int("n_inner", 4 * c.d_model);
  c.vocab_size = r.required_int("vocab_size");
  c.max_positions = r.required_int("n_positions");
  c.norm = NormKind::layernorm;
  c.norm_eps = r.required_number("layer_norm_epsilon");
  if (c.norm_eps < 0) r.fail("layer_norm_epsilon", "must not be negative");
  c.norm_has_gain = true;
  c.norm_has_bias = true;
  c.final_norm = true;
  c.positional = PositionalKind::learned;
  c.absolute_into = AbsolutePositionsInto::residual;
  const std::string act = r.required_string("activation_function");
  if (act == "gelu_new" || act == "gelu_pytorch_tanh") {
    c.activation = Activation::gelu_tanh;
  } else if (act == "gelu") {
    c.activation = Activation::gelu;
  } else if (act == "relu") {
    c.activation = Activation::relu;
  } else {
    r.fail("activation_function",
           "value " + in_quotes(act) + " is not supported (supported: gelu_new, gelu_pytorch_tanh, gelu, relu)");
  }
  c.attention_bias = true;
  c.mlp_bias = true;
  c.causal = true;
  c.window = 0;
  c.score_scale = r.optional_bool("scale_attn_weights", true) ? ScoreScale::inv_sqrt_head_dim : ScoreScale::one;
  if (r.optional_bool("scale_attn_by_inverse_layer_idx", false)) {
    r.fail("scale_attn_by_inverse_layer_idx", "= true (scores divided by the layer index) is not supported");
  }
  if (r.optional_bool("add_cross_attention", false)) {
    r.fail("add_cross_attention", "= true (an encoder-decoder GPT-2) is not supported");
  }
  if (r.optional_bool("reorder_and_upcast_attn", false)) {
    warnings.push_back("reorder_and_upcast_attn = true only changes PyTorch's working precision; ignored");
  }
  c.has_unembedding = true;
  c.tied_unembedding = r.optional_bool("tie_word_embeddings", true);
  return c;
}

ModelConfig read_llama_config(const ConfigReader& r) {
  ModelConfig c;
  c.family = Family::llama;
  c.d_model = r.required_int("hidden_size");
  c.d_mlp = r.required_int("intermediate_size");
  c.n_layers = r.required_int("num_hidden_layers");
  c.n_heads = r.required_int("num_attention_heads");
  c.n_kv_heads = r.optional_int("num_key_value_heads", c.n_heads);
  if (r.optional("head_dim") != nullptr) {
    c.d_head = r.optional_int("head_dim", 0);
  } else {
    if (c.d_model % c.n_heads != 0) {
      r.fail("hidden_size (" + std::to_string(c.d_model) + ") is not divisible by num_attention_heads (" +
             std::to_string(c.n_heads) + ") and head_dim is not given");
    }
    c.d_head = c.d_model / c.n_heads;
  }
  if (c.n_heads % c.n_kv_heads != 0) {
    r.fail("num_attention_heads (" + std::to_string(c.n_heads) + ") is not a multiple of num_key_value_heads (" +
           std::to_string(c.n_kv_heads) + ")");
  }
  if (static_cast<long long>(c.n_heads) * c.d_head > std::numeric_limits<int>::max()) {
    r.fail("num_attention_heads × head_dim is too large");
  }
  c.vocab_size = r.required_int("vocab_size");
  c.max_positions = r.required_int("max_position_embeddings");
  c.norm = NormKind::rmsnorm;
  c.norm_eps = r.required_number("rms_norm_eps");
  if (c.norm_eps < 0) r.fail("rms_norm_eps", "must not be negative");
  c.norm_has_gain = true;
  c.norm_has_bias = false;
  c.final_norm = true;
  c.positional = PositionalKind::rope;
  c.rope_style = RopeStyle::rotate_half;
  c.rope_theta = r.optional_number("rope_theta", 10000.0);
  if (!(c.rope_theta > 1)) r.fail("rope_theta", "must be > 1");
  if (const json* s = r.optional("rope_scaling")) {
    r.fail("rope_scaling", "is not supported (only null or absent): " + s->dump());
  }
  const std::string act = r.required_string("hidden_act");
  if (act != "silu") r.fail("hidden_act", "value " + in_quotes(act) + " is not supported (supported: silu)");
  c.activation = Activation::swiglu;
  c.attention_bias = r.optional_bool("attention_bias", false);
  if (r.optional_bool("mlp_bias", false)) {
    r.fail("mlp_bias", "= true is not supported: Weights has no bias for gate_proj");
  }
  c.mlp_bias = false;
  c.causal = true;
  c.window = 0;
  c.score_scale = ScoreScale::inv_sqrt_head_dim;
  c.has_unembedding = true;
  c.tied_unembedding = r.optional_bool("tie_word_embeddings", false);
  return c;
}

json read_json_file(const std::filesystem::path& file, const char* what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError("checkpoint: cannot open " + std::string(what) + " " + file.string());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw InputError("checkpoint config " + file.string() + ": not valid JSON: " + printable(e.what()));
  }
}

struct ParsedConfig {
  Architecture arch;
  ModelConfig config;
};

ParsedConfig parse_config(const std::filesystem::path& file, std::vector<std::string>& warnings) {
  const json j = read_json_file(file, "config");
  const ConfigReader r(j, file);
  if (!j.is_object()) r.fail("not a JSON object");
  const Architecture arch = read_architecture(r);
  ModelConfig c = arch == Architecture::gpt2 ? read_gpt2_config(r, warnings) : read_llama_config(r);
  try {
    validate(c);
  } catch (const InputError& e) {
    r.fail(printable(e.what()));
  }
  return {arch, std::move(c)};
}

// --- tensors ----------------------------------------------------------------

using Shape = std::vector<std::size_t>;

std::size_t to_size(int v) { return static_cast<std::size_t>(v); }

std::string index_string(std::size_t flat, const Shape& shape) {
  Shape idx(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    idx[k] = shape[k] == 0 ? 0 : flat % shape[k];
    flat = shape[k] == 0 ? flat : flat / shape[k];
  }
  return shape_string(idx);
}

class TensorLoader {
 public:
  TensorLoader(const SafetensorsArchive& archive, std::filesystem::path dir, const CheckpointOptions& options,
               std::vector<std::string>& warnings)
      : archive_(archive), dir_(std::move(dir)), options_(options), warnings_(warnings) {}

  [[noreturn]] void fail(std::string_view tensor, const std::string& why) const {
    throw InputError("checkpoint " + dir_.string() + ": tensor " + in_quotes(tensor) + " " + why);
  }

  // The name under which `candidates[k]` is stored; exactly one must exist.
  // candidates[0] is used in messages.
  std::optional<std::string> locate(const std::vector<std::string>& candidates) const {
    std::optional<std::string> found;
    for (const std::string& name : candidates) {
      if (archive_.find(name).tensor == nullptr) continue;
      if (found) fail(name, "is stored twice, also as " + in_quotes(*found));
      found = name;
    }
    return found;
  }

  // Decodes a parameter as M (double, or float when no tensor is F64) after
  // checking its dtype and shape; marks it used.
  template <class M>
  std::vector<M> take(const std::vector<std::string>& candidates, const Shape& expected, const std::string& meaning) {
    const std::optional<std::string> name = locate(candidates);
    if (!name) fail(candidates.back(), "is missing (" + meaning + ")");
    return take_found<M>(*name, expected, meaning);
  }

  template <class M>
  std::vector<M> take_found(const std::string& name, const Shape& expected, const std::string& meaning) {
    const SafetensorsArchive::Entry e = archive_.at(name);
    const DtypeInfo& dt = dtype_info(e.tensor->dtype);
    if (!dt.decodable) {
      fail(name, "has dtype " + std::string(dt.name) + "; weights must be F64, F32, F16 or BF16");
    }
    if (e.tensor->shape != expected) {
      fail(name, "has shape " + shape_string(e.tensor->shape) + ", expected " + shape_string(expected) + " (" +
                     meaning + ")");
    }
    std::vector<M> values = e.file->decode_as<M>(*e.tensor);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (std::isfinite(values[i])) continue;
      const std::string what = std::isnan(values[i]) ? "NaN" : (values[i] > 0 ? "+inf" : "-inf");
      const std::string where = "element " + std::to_string(i) + " " + index_string(i, expected) + " is " + what;
      if (!options_.allow_non_finite) fail(name, "has a non-finite value: " + where);
      warnings_.push_back("tensor " + in_quotes(name) + " has a non-finite value (allowed): " + where);
      break;
    }
    used_.insert(name);
    return values;
  }

  bool present(const std::string& name) const { return archive_.find(name).tensor != nullptr; }

  // A buffer skipped by exact name, never decoded.
  void skip(const std::vector<std::string>& candidates) {
    for (const std::string& name : candidates) {
      if (present(name)) used_.insert(name);
    }
  }

  // Every stored tensor must have been consumed.
  void check_all_used() const {
    std::vector<std::string> extra;
    for (const std::string& name : archive_.names()) {
      if (used_.count(name) == 0) extra.push_back(name);
    }
    if (extra.empty()) return;
    std::string list;
    for (std::size_t i = 0; i < extra.size() && i < 5; ++i) list += (i > 0 ? ", " : "") + in_quotes(extra[i]);
    if (extra.size() > 5) list += ", ... (" + std::to_string(extra.size()) + " in all)";
    throw InputError("checkpoint " + dir_.string() + ": unexpected tensor" + (extra.size() > 1 ? "s " : " ") + list +
                     " (not a parameter of this configuration)");
  }

 private:
  const SafetensorsArchive& archive_;
  std::filesystem::path dir_;
  CheckpointOptions options_;
  std::vector<std::string>& warnings_;
  std::set<std::string> used_;
};

template <class M>
Matrix<M> as_matrix(std::vector<M> data, std::size_t rows, std::size_t cols) {
  Matrix<M> m;
  m.rows = rows;
  m.cols = cols;
  m.data = std::move(data);
  return m;
}

// Conv1D stores W as [in, out] (y = x W). Our [out, in] slice of output
// columns [c0, c0 + n): M(r, c) = W[c][c0 + r].
template <class M>
Matrix<M> conv1d_to_linear(const std::vector<M>& w, std::size_t in, std::size_t out, std::size_t c0, std::size_t n) {
  Matrix<M> m(n, in, M(0));
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < in; ++c) m(r, c) = w[c * out + c0 + r];
  }
  return m;
}

template <class M>
Vector<M> slice(const std::vector<M>& v, std::size_t begin, std::size_t n) {
  return Vector<M>(v.begin() + static_cast<std::ptrdiff_t>(begin),
                        v.begin() + static_cast<std::ptrdiff_t>(begin + n));
}

// lm_head.weight: required when untied; when tied, absent or equal to the
// token embedding.
template <class M>
void load_head(TensorLoader& t, const ModelConfig& c, Weights<M>& w, const std::string& embedding_name) {
  const std::string head = "lm_head.weight";
  const Shape shape{to_size(c.vocab_size), to_size(c.d_model)};
  if (!c.tied_unembedding) {
    w.unembedding = as_matrix(t.take<M>({head}, shape, "output matrix [vocab_size, d], tie_word_embeddings false"),
                              shape[0], shape[1]);
    return;
  }
  if (!t.present(head)) return;
  const std::vector<M> h = t.take_found<M>(head, shape, "output matrix, tied to " + embedding_name);
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (std::memcmp(&h[i], &w.token_embedding.data[i], sizeof(M)) != 0) {
      t.fail(head, "differs from " + embedding_name + " at element " + std::to_string(i) + " " +
                       index_string(i, shape) + " although tie_word_embeddings is true");
    }
  }
}

template <class M>
Weights<M> load_gpt2(TensorLoader& t, const ModelConfig& c) {
  const std::size_t d = to_size(c.d_model), m = to_size(c.d_mlp), vocab = to_size(c.vocab_size),
                    positions = to_size(c.max_positions);
  // Hub files have bare names; save_pretrained adds "transformer.".
  const auto names = [&](const std::string& n) { return std::vector<std::string>{"transformer." + n, n}; };
  const auto vec = [&](const std::string& n, std::size_t size, const std::string& meaning) {
    return t.take<M>(names(n), {size}, meaning);
  };
  const bool prefixed = t.present("transformer.wte.weight");

  Weights<M> w;
  w.token_embedding = as_matrix(t.take<M>(names("wte.weight"), {vocab, d}, "token embedding [vocab_size, n_embd]"),
                                vocab, d);
  w.position_embedding = as_matrix(
      t.take<M>(names("wpe.weight"), {positions, d}, "position embedding [n_positions, n_embd]"), positions, d);
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "h." + std::to_string(l) + ".";
    LayerWeights<M> L;
    L.norm1_gain = vec(p + "ln_1.weight", d, "LayerNorm gain [n_embd]");
    L.norm1_bias = vec(p + "ln_1.bias", d, "LayerNorm bias [n_embd]");
    const std::vector<M> qkv =
        t.take<M>(names(p + "attn.c_attn.weight"), {d, 3 * d}, "Conv1D [in, out] = [n_embd, 3 n_embd]");
    L.w_q = conv1d_to_linear(qkv, d, 3 * d, 0, d);
    L.w_k = conv1d_to_linear(qkv, d, 3 * d, d, d);
    L.w_v = conv1d_to_linear(qkv, d, 3 * d, 2 * d, d);
    const std::vector<M> qkv_bias = vec(p + "attn.c_attn.bias", 3 * d, "q|k|v bias [3 n_embd]");
    L.b_q = slice(qkv_bias, 0, d);
    L.b_k = slice(qkv_bias, d, d);
    L.b_v = slice(qkv_bias, 2 * d, d);
    L.w_o = conv1d_to_linear(t.take<M>(names(p + "attn.c_proj.weight"), {d, d}, "Conv1D [in, out] = [n_embd, n_embd]"),
                             d, d, 0, d);
    L.b_o = vec(p + "attn.c_proj.bias", d, "attention output bias [n_embd]");
    L.norm2_gain = vec(p + "ln_2.weight", d, "LayerNorm gain [n_embd]");
    L.norm2_bias = vec(p + "ln_2.bias", d, "LayerNorm bias [n_embd]");
    L.w_up = conv1d_to_linear(t.take<M>(names(p + "mlp.c_fc.weight"), {d, m}, "Conv1D [in, out] = [n_embd, n_inner]"),
                              d, m, 0, m);
    L.b_up = vec(p + "mlp.c_fc.bias", m, "MLP bias [n_inner]");
    L.w_down = conv1d_to_linear(
        t.take<M>(names(p + "mlp.c_proj.weight"), {m, d}, "Conv1D [in, out] = [n_inner, n_embd]"), m, d, 0, d);
    L.b_down = vec(p + "mlp.c_proj.bias", d, "MLP output bias [n_embd]");
    // Buffers (guarantee 1): exact names only.
    t.skip(names(p + "attn.bias"));
    t.skip(names(p + "attn.masked_bias"));
    w.layers.push_back(std::move(L));
  }
  w.final_gain = vec("ln_f.weight", d, "final LayerNorm gain [n_embd]");
  w.final_bias = vec("ln_f.bias", d, "final LayerNorm bias [n_embd]");
  load_head(t, c, w, prefixed ? "transformer.wte.weight" : "wte.weight");
  return w;
}

template <class M>
Weights<M> load_llama(TensorLoader& t, const ModelConfig& c) {
  const std::size_t d = to_size(c.d_model), m = to_size(c.d_mlp), vocab = to_size(c.vocab_size),
                    q = to_size(c.q_width()), kv = to_size(c.kv_width());
  const auto mat = [&](const std::string& n, std::size_t rows, std::size_t cols, const std::string& meaning) {
    return as_matrix(t.take<M>({n}, {rows, cols}, meaning), rows, cols);
  };
  const auto vec = [&](const std::string& n, std::size_t size, const std::string& meaning) {
    return t.take<M>({n}, {size}, meaning);
  };

  Weights<M> w;
  w.token_embedding = mat("model.embed_tokens.weight", vocab, d, "token embedding [vocab_size, hidden_size]");
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    LayerWeights<M> L;
    L.norm1_gain = vec(p + "input_layernorm.weight", d, "RMSNorm gain [hidden_size]");
    L.w_q = mat(p + "self_attn.q_proj.weight", q, d, "[num_attention_heads·head_dim, hidden_size]");
    L.w_k = mat(p + "self_attn.k_proj.weight", kv, d, "[num_key_value_heads·head_dim, hidden_size]");
    L.w_v = mat(p + "self_attn.v_proj.weight", kv, d, "[num_key_value_heads·head_dim, hidden_size]");
    L.w_o = mat(p + "self_attn.o_proj.weight", d, q, "[hidden_size, num_attention_heads·head_dim]");
    if (c.attention_bias) {
      L.b_q = vec(p + "self_attn.q_proj.bias", q, "attention_bias true: [num_attention_heads·head_dim]");
      L.b_k = vec(p + "self_attn.k_proj.bias", kv, "attention_bias true: [num_key_value_heads·head_dim]");
      L.b_v = vec(p + "self_attn.v_proj.bias", kv, "attention_bias true: [num_key_value_heads·head_dim]");
      L.b_o = vec(p + "self_attn.o_proj.bias", d, "attention_bias true: [hidden_size]");
    }
    L.norm2_gain = vec(p + "post_attention_layernorm.weight", d, "RMSNorm gain [hidden_size]");
    L.w_gate = mat(p + "mlp.gate_proj.weight", m, d, "[intermediate_size, hidden_size]");
    L.w_up = mat(p + "mlp.up_proj.weight", m, d, "[intermediate_size, hidden_size]");
    L.w_down = mat(p + "mlp.down_proj.weight", d, m, "[hidden_size, intermediate_size]");
    t.skip({p + "self_attn.rotary_emb.inv_freq"});  // a buffer in older files
    w.layers.push_back(std::move(L));
  }
  w.final_gain = vec("model.norm.weight", d, "final RMSNorm gain [hidden_size]");
  load_head(t, c, w, "model.embed_tokens.weight");
  return w;
}

}  // namespace

ModelConfig load_hf_config(const std::filesystem::path& config_json) {
  std::vector<std::string> ignored;
  return parse_config(config_json, ignored).config;
}

Checkpoint load_checkpoint(const std::filesystem::path& dir) { return load_checkpoint(dir, CheckpointOptions{}); }

Checkpoint load_checkpoint(const std::filesystem::path& dir, const CheckpointOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw InputError("checkpoint " + dir.string() + ": not a directory");
  Checkpoint ck;
  const std::filesystem::path config_json = dir / "config.json";
  if (!std::filesystem::exists(config_json, ec)) throw InputError("checkpoint " + dir.string() + ": no config.json");
  const ParsedConfig parsed = parse_config(config_json, ck.warnings);
  ck.config = parsed.config;

  if (std::filesystem::exists(dir / "model.safetensors", ec) &&
      std::filesystem::exists(dir / "model.safetensors.index.json", ec)) {
    ck.warnings.push_back("both model.safetensors and model.safetensors.index.json exist; read model.safetensors");
  }
  const SafetensorsArchive archive = SafetensorsArchive::open_directory(dir);
  TensorLoader loader(archive, dir, options, ck.warnings);
  const auto load = [&]<class M>(Weights<M>& w) {
    w = parsed.arch == Architecture::gpt2 ? load_gpt2<M>(loader, ck.config) : load_llama<M>(loader, ck.config);
    loader.check_all_used();
    try {
      validate(ck.config);
      validate(ck.config, w);
    } catch (const InputError& e) {
      throw InputError("checkpoint " + dir.string() + ": " + printable(e.what()));
    }
  };
  // Binary32 holds every F32, F16 and BF16 value: the master copy in half
  // the memory unless some tensor is F64.
  const std::vector<std::string> names = archive.names();
  if (!options.binary64_master &&
      std::none_of(names.begin(), names.end(), [&](const std::string& n) { return archive.at(n).tensor->dtype == Dtype::f64; })) {
    Weights<float> w;
    load(w);
    ck.float_weights = std::make_shared<const Weights<float>>(std::move(w));
  } else {
    load(ck.weights);
  }
  return ck;
}

}  // namespace glasses::model
