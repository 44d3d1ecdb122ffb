// Tests of safetensors.hpp and checkpoint.hpp, against independent data only:
//  - the refmodels fixtures (Hugging Face files written by other tools), read
//    a second time here by a tiny reader of the test's own (header offsets
//    via nlohmann::json, floats via memcpy);
//  - tiny checkpoints written by this file's own safetensors writer from
//    known values, with F16/BF16 encodings computed here from their
//    definitions;
//  - every malformed input the loader must refuse, each checked for an
//    InputError whose message names the culprit.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "glasses/model/checkpoint.hpp"
#include "glasses/model/safetensors.hpp"
#include "glasses/numerics/error.hpp"

namespace {

namespace fs = std::filesystem;
namespace gm = glasses::model;
using nlohmann::json;

const fs::path kRefModels = fs::path(GLASSES_TEST_FIXTURES) / "refmodels";

// Loading with a binary64 master copy, so that the tests read the weights as
// doubles. By default F32/F16/BF16 files load into binary32
// (default_master_is_binary32_with_the_same_values).
gm::CheckpointOptions binary64(gm::CheckpointOptions o) {
  o.binary64_master = true;
  return o;
}
gm::Checkpoint load64(const fs::path& dir) { return gm::load_checkpoint(dir, binary64({})); }

// --- helpers ----------------------------------------------------------------

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    path_ = fs::temp_directory_path() /
            ("glasses-ckpt-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A safetensors file from a literal header and data section; `declared`
// overrides the stored header length.
void write_raw_safetensors(const fs::path& p, const std::string& header, const std::string& data,
                           std::uint64_t declared) {
  char len[8];
  std::memcpy(len, &declared, 8);  // little-endian host
  write_text(p, std::string(len, 8) + header + data);
}
void write_raw_safetensors(const fs::path& p, const std::string& header, const std::string& data) {
  write_raw_safetensors(p, header, data, header.size());
}

// Runs f; requires an InputError whose message contains every word.
void expect_input_error(const std::function<void()>& f, std::initializer_list<std::string_view> words) {
  try {
    f();
  } catch (const glasses::InputError& e) {
    const std::string message = e.what();
    BOOST_TEST_MESSAGE("InputError: " << message);
    for (std::string_view w : words) {
      BOOST_CHECK_MESSAGE(message.find(w) != std::string::npos,
                          "message \"" << message << "\" does not mention \"" << w << "\"");
    }
    return;
  } catch (const std::exception& e) {
    BOOST_ERROR("expected glasses::InputError, got another exception: " << e.what());
    return;
  }
  BOOST_ERROR("expected glasses::InputError mentioning \"" << *words.begin() << "\", nothing thrown");
}

// --- encodings, from the IEEE 754 / bfloat16 definitions ----------------------

// binary16 pattern of x, which must be exactly representable (normal or
// subnormal): 1 sign, 5 exponent (bias 15), 10 fraction bits.
std::uint16_t encode_f16(double x) {
  const std::uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  const double a = std::fabs(x);
  if (a == 0) return sign;
  int e = 0;
  const double m = std::frexp(a, &e);  // a = m 2^e, m in [0.5, 1)
  const int exponent = e - 1;           // a = (2m) 2^exponent
  if (exponent >= -14) {
    const double frac = (2 * m - 1) * 1024;  // must be an integer
    BOOST_REQUIRE(frac == std::floor(frac) && exponent <= 15);
    return static_cast<std::uint16_t>(sign | ((exponent + 15) << 10) | static_cast<int>(frac));
  }
  const double frac = std::ldexp(a, 24);  // subnormal: a = frac 2^-24
  BOOST_REQUIRE(frac == std::floor(frac) && frac < 1024);
  return static_cast<std::uint16_t>(sign | static_cast<int>(frac));
}

// bfloat16 pattern of x (exactly representable, normal): 1 sign, 8 exponent
// (bias 127), 7 fraction bits.
std::uint16_t encode_bf16(double x) {
  const std::uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  const double a = std::fabs(x);
  if (a == 0) return sign;
  int e = 0;
  const double m = std::frexp(a, &e);
  const int exponent = e - 1;
  const double frac = (2 * m - 1) * 128;
  BOOST_REQUIRE(frac == std::floor(frac) && exponent >= -126 && exponent <= 127);
  return static_cast<std::uint16_t>(sign | ((exponent + 127) << 7) | static_cast<int>(frac));
}

std::string encode(const std::string& dtype, const std::vector<double>& values) {
  std::string out;
  for (double v : values) {
    char b[8];
    if (dtype == "F64") {
      std::memcpy(b, &v, 8);
      out.append(b, 8);
    } else if (dtype == "F32") {
      const auto f = static_cast<float>(v);
      BOOST_REQUIRE(static_cast<double>(f) == v || std::isnan(v));
      std::memcpy(b, &f, 4);
      out.append(b, 4);
    } else if (dtype == "F16" || dtype == "BF16") {
      const std::uint16_t h = dtype == "F16" ? encode_f16(v) : encode_bf16(v);
      std::memcpy(b, &h, 2);
      out.append(b, 2);
    } else if (dtype == "I64") {
      const auto i = static_cast<std::int64_t>(v);
      std::memcpy(b, &i, 8);
      out.append(b, 8);
    } else if (dtype == "U8" || dtype == "BOOL") {
      out.push_back(static_cast<char>(v != 0));
    } else {
      BOOST_FAIL("test encoder: unknown dtype " + dtype);
    }
  }
  return out;
}

// One tensor for the writer.
struct TestTensor {
  std::string name;
  std::string dtype;
  std::vector<std::size_t> shape;
  std::vector<double> values;
};

// The test's own safetensors writer: tensors packed in the given order,
// header padded with spaces to a multiple of 8.
void write_safetensors(const fs::path& p, const std::vector<TestTensor>& tensors) {
  json header = json::object();
  std::string data;
  for (const TestTensor& t : tensors) {
    const std::string bytes = encode(t.dtype, t.values);
    header[t.name] = {
        {"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + bytes.size()}}};
    data += bytes;
  }
  header["__metadata__"] = {{"format", "pt"}};
  std::string text = header.dump();
  while (text.size() % 8 != 0) text += ' ';
  write_raw_safetensors(p, text, data);
}

// Hand-chosen values exact in F64, F32, F16 and BF16: 1.5, -0.25, 2^-20 (a
// binary16 subnormal) first, then multiples of 1/16 between -7/8 and 7/8.
std::vector<double> known_values(std::size_t n, std::size_t seed) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<int>((i * 5 + seed * 3) % 29) - 14;
    v[i] = k / 16.0;
  }
  const double specials[] = {1.5, -0.25, std::ldexp(1.0, -20)};
  for (std::size_t i = 0; i < n && i < 3; ++i) v[(i + seed) % n] = specials[i];
  return v;
}

std::size_t product(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t s : shape) n *= s;
  return n;
}

struct TinyModel {
  json config;
  std::vector<TestTensor> tensors;

  TestTensor& tensor(const std::string& name) {
    for (TestTensor& t : tensors) {
      if (t.name == name) return t;
    }
    BOOST_FAIL("no tensor " + name);
    return tensors.front();
  }
  const std::vector<double>& values(const std::string& name) { return tensor(name).values; }
  void erase(const std::string& name) {
    std::erase_if(tensors, [&](const TestTensor& t) { return t.name == name; });
  }
  void add(const std::string& name, const std::vector<std::size_t>& shape, const std::string& dtype = "F32") {
    tensors.push_back({name, dtype, shape, known_values(product(shape), tensors.size())});
  }
  void set_dtype(const std::string& dtype) {
    for (TestTensor& t : tensors) t.dtype = dtype;
  }
  void write(const fs::path& dir) const {
    write_text(dir / "config.json", config.dump(2));
    write_safetensors(dir / "model.safetensors", tensors);
  }
};

// GPT-2: n_embd 4, 2 heads of 2, 2 layers, n_inner 8, vocab 5, 6 positions.
constexpr std::size_t kG_d = 4, kG_m = 8, kG_vocab = 5, kG_pos = 6, kG_layers = 2;

TinyModel tiny_gpt2(const std::string& prefix = "") {
  TinyModel m;
  m.config = {{"architectures", {"GPT2LMHeadModel"}},
              {"model_type", "gpt2"},
              {"n_embd", kG_d},
              {"n_layer", kG_layers},
              {"n_head", 2},
              {"n_inner", kG_m},
              {"vocab_size", kG_vocab},
              {"n_positions", kG_pos},
              {"layer_norm_epsilon", 1e-5},
              {"activation_function", "gelu_new"},
              {"tie_word_embeddings", true}};
  const std::size_t d = kG_d, md = kG_m;
  m.add(prefix + "wte.weight", {kG_vocab, d});
  m.add(prefix + "wpe.weight", {kG_pos, d});
  for (std::size_t l = 0; l < kG_layers; ++l) {
    const std::string p = prefix + "h." + std::to_string(l) + ".";
    // The 0-dim buffer first shifts everything after it by 4 bytes.
    m.tensors.push_back({p + "attn.masked_bias", "F32", {}, {-10000.0}});
    m.add(p + "ln_1.weight", {d});
    m.add(p + "ln_1.bias", {d});
    m.add(p + "attn.c_attn.weight", {d, 3 * d});
    m.add(p + "attn.c_attn.bias", {3 * d});
    m.add(p + "attn.c_proj.weight", {d, d});
    m.add(p + "attn.c_proj.bias", {d});
    m.add(p + "ln_2.weight", {d});
    m.add(p + "ln_2.bias", {d});
    m.add(p + "mlp.c_fc.weight", {d, md});
    m.add(p + "mlp.c_fc.bias", {md});
    m.add(p + "mlp.c_proj.weight", {md, d});
    m.add(p + "mlp.c_proj.bias", {d});
    m.tensors.push_back({p + "attn.bias", "U8", {1, 1, kG_pos, kG_pos}, std::vector<double>(kG_pos * kG_pos, 1.0)});
  }
  m.add(prefix + "ln_f.weight", {d});
  m.add(prefix + "ln_f.bias", {d});
  return m;
}

// Llama: hidden 4, 2 query heads and 1 kv head of 2, 2 layers,
// intermediate 6, vocab 5, untied.
constexpr std::size_t kL_d = 4, kL_m = 6, kL_vocab = 5, kL_layers = 2, kL_q = 4, kL_kv = 2;

TinyModel tiny_llama(bool attention_bias = false) {
  TinyModel m;
  m.config = {{"architectures", {"LlamaForCausalLM"}},
              {"model_type", "llama"},
              {"hidden_size", kL_d},
              {"intermediate_size", kL_m},
              {"num_hidden_layers", kL_layers},
              {"num_attention_heads", 2},
              {"num_key_value_heads", 1},
              {"head_dim", 2},
              {"vocab_size", kL_vocab},
              {"max_position_embeddings", 16},
              {"rms_norm_eps", 1e-6},
              {"rope_theta", 500000.0},
              {"rope_scaling", nullptr},
              {"hidden_act", "silu"},
              {"attention_bias", attention_bias},
              {"mlp_bias", false},
              {"tie_word_embeddings", false}};
  const std::size_t d = kL_d, md = kL_m;
  m.add("model.embed_tokens.weight", {kL_vocab, d});
  for (std::size_t l = 0; l < kL_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    m.add(p + "input_layernorm.weight", {d});
    m.add(p + "self_attn.q_proj.weight", {kL_q, d});
    m.add(p + "self_attn.k_proj.weight", {kL_kv, d});
    m.add(p + "self_attn.v_proj.weight", {kL_kv, d});
    m.add(p + "self_attn.o_proj.weight", {d, kL_q});
    if (attention_bias) {
      m.add(p + "self_attn.q_proj.bias", {kL_q});
      m.add(p + "self_attn.k_proj.bias", {kL_kv});
      m.add(p + "self_attn.v_proj.bias", {kL_kv});
      m.add(p + "self_attn.o_proj.bias", {d});
    }
    m.add(p + "post_attention_layernorm.weight", {d});
    m.add(p + "mlp.gate_proj.weight", {md, d});
    m.add(p + "mlp.up_proj.weight", {md, d});
    m.add(p + "mlp.down_proj.weight", {d, md});
  }
  m.add("model.norm.weight", {d});
  m.add("lm_head.weight", {kL_vocab, d});
  return m;
}

// Element-by-element equality, counting mismatches (reported once).
void check_equal(const std::vector<double>& got, const std::vector<double>& want, const std::string& what) {
  BOOST_REQUIRE_MESSAGE(got.size() == want.size(),
                        what << ": " << got.size() << " values, expected " << want.size());
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::bit_cast<std::uint64_t>(got[i]) != std::bit_cast<std::uint64_t>(want[i])) {
      if (bad++ == 0) first = i;
    }
  }
  BOOST_CHECK_MESSAGE(bad == 0, what << ": " << bad << " mismatches, first at " << first);
}

// The [out, in] matrix of a Conv1D weight W [in, out] restricted to output
// columns [c0, c0 + n): M(r, c) = W[c][c0 + r], row-major.
std::vector<double> conv1d_expected(const std::vector<double>& w, std::size_t in, std::size_t out, std::size_t c0,
                                    std::size_t n) {
  std::vector<double> m;
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < in; ++c) m.push_back(w[c * out + c0 + r]);
  }
  return m;
}

std::vector<double> slice(const std::vector<double>& v, std::size_t begin, std::size_t n) {
  return {v.begin() + static_cast<std::ptrdiff_t>(begin), v.begin() + static_cast<std::ptrdiff_t>(begin + n)};
}

void check_gpt2_weights(const gm::Checkpoint& ck, TinyModel& m, const std::string& prefix) {
  const std::size_t d = kG_d, md = kG_m;
  const gm::Weights<double>& w = ck.weights;
  check_equal(w.token_embedding.data, m.values(prefix + "wte.weight"), "wte");
  check_equal(w.position_embedding.data, m.values(prefix + "wpe.weight"), "wpe");
  BOOST_REQUIRE_EQUAL(w.layers.size(), kG_layers);
  for (std::size_t l = 0; l < kG_layers; ++l) {
    const std::string p = prefix + "h." + std::to_string(l) + ".";
    const gm::LayerWeights<double>& L = w.layers[l];
    const std::vector<double>& qkv = m.values(p + "attn.c_attn.weight");
    check_equal(L.w_q.data, conv1d_expected(qkv, d, 3 * d, 0, d), p + "W_Q");
    check_equal(L.w_k.data, conv1d_expected(qkv, d, 3 * d, d, d), p + "W_K");
    check_equal(L.w_v.data, conv1d_expected(qkv, d, 3 * d, 2 * d, d), p + "W_V");
    const std::vector<double>& qkv_b = m.values(p + "attn.c_attn.bias");
    check_equal(L.b_q, slice(qkv_b, 0, d), p + "b_q");
    check_equal(L.b_k, slice(qkv_b, d, d), p + "b_k");
    check_equal(L.b_v, slice(qkv_b, 2 * d, d), p + "b_v");
    check_equal(L.w_o.data, conv1d_expected(m.values(p + "attn.c_proj.weight"), d, d, 0, d), p + "W_O");
    check_equal(L.b_o, m.values(p + "attn.c_proj.bias"), p + "b_o");
    check_equal(L.norm1_gain, m.values(p + "ln_1.weight"), p + "ln_1.weight");
    check_equal(L.norm1_bias, m.values(p + "ln_1.bias"), p + "ln_1.bias");
    check_equal(L.norm2_gain, m.values(p + "ln_2.weight"), p + "ln_2.weight");
    check_equal(L.norm2_bias, m.values(p + "ln_2.bias"), p + "ln_2.bias");
    check_equal(L.w_up.data, conv1d_expected(m.values(p + "mlp.c_fc.weight"), d, md, 0, md), p + "W_up");
    check_equal(L.b_up, m.values(p + "mlp.c_fc.bias"), p + "b_up");
    check_equal(L.w_down.data, conv1d_expected(m.values(p + "mlp.c_proj.weight"), md, d, 0, d), p + "W_down");
    check_equal(L.b_down, m.values(p + "mlp.c_proj.bias"), p + "b_down");
    BOOST_CHECK(L.w_gate.empty());
  }
  check_equal(w.final_gain, m.values(prefix + "ln_f.weight"), "ln_f.weight");
  check_equal(w.final_bias, m.values(prefix + "ln_f.bias"), "ln_f.bias");
  BOOST_CHECK(w.unembedding.empty());
}

void check_llama_weights(const gm::Checkpoint& ck, TinyModel& m, bool attention_bias) {
  const gm::Weights<double>& w = ck.weights;
  check_equal(w.token_embedding.data, m.values("model.embed_tokens.weight"), "embed_tokens");
  BOOST_CHECK(w.position_embedding.empty());
  BOOST_REQUIRE_EQUAL(w.layers.size(), kL_layers);
  for (std::size_t l = 0; l < kL_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    const gm::LayerWeights<double>& L = w.layers[l];
    check_equal(L.norm1_gain, m.values(p + "input_layernorm.weight"), p + "input_layernorm");
    BOOST_CHECK(L.norm1_bias.empty());
    check_equal(L.w_q.data, m.values(p + "self_attn.q_proj.weight"), p + "q_proj");
    check_equal(L.w_k.data, m.values(p + "self_attn.k_proj.weight"), p + "k_proj");
    check_equal(L.w_v.data, m.values(p + "self_attn.v_proj.weight"), p + "v_proj");
    check_equal(L.w_o.data, m.values(p + "self_attn.o_proj.weight"), p + "o_proj");
    BOOST_CHECK_EQUAL(L.w_q.rows, kL_q);
    BOOST_CHECK_EQUAL(L.w_k.rows, kL_kv);
    BOOST_CHECK_EQUAL(L.w_o.cols, kL_q);
    if (attention_bias) {
      check_equal(L.b_q, m.values(p + "self_attn.q_proj.bias"), p + "q bias");
      check_equal(L.b_k, m.values(p + "self_attn.k_proj.bias"), p + "k bias");
      check_equal(L.b_v, m.values(p + "self_attn.v_proj.bias"), p + "v bias");
      check_equal(L.b_o, m.values(p + "self_attn.o_proj.bias"), p + "o bias");
    } else {
      BOOST_CHECK(L.b_q.empty() && L.b_k.empty() && L.b_v.empty() && L.b_o.empty());
    }
    check_equal(L.norm2_gain, m.values(p + "post_attention_layernorm.weight"), p + "post_attention_layernorm");
    check_equal(L.w_gate.data, m.values(p + "mlp.gate_proj.weight"), p + "gate_proj");
    check_equal(L.w_up.data, m.values(p + "mlp.up_proj.weight"), p + "up_proj");
    check_equal(L.w_down.data, m.values(p + "mlp.down_proj.weight"), p + "down_proj");
    BOOST_CHECK(L.b_up.empty() && L.b_down.empty());
  }
  check_equal(w.final_gain, m.values("model.norm.weight"), "model.norm");
  check_equal(w.unembedding.data, m.values("lm_head.weight"), "lm_head");
}

// --- an independent reader for the fixtures ------------------------------------

class RawFile {
 public:
  explicit RawFile(const fs::path& p) : bytes_(read_bytes(p)) {
    BOOST_REQUIRE(bytes_.size() >= 8);
    std::uint64_t n = 0;
    std::memcpy(&n, bytes_.data(), 8);
    header_ = json::parse(bytes_.substr(8, n));
    data_start_ = 8 + n;
  }
  const json& header() const { return header_; }
  std::vector<std::size_t> shape(const std::string& name) const {
    return header_.at(name).at("shape").get<std::vector<std::size_t>>();
  }
  // Element k of an F32 tensor, read at its byte offset.
  double f32(const std::string& name, std::size_t k) const {
    const json& e = header_.at(name);
    BOOST_REQUIRE_EQUAL(e.at("dtype").get<std::string>(), "F32");
    const std::size_t at = data_start_ + e.at("data_offsets")[0].get<std::size_t>() + 4 * k;
    BOOST_REQUIRE(at + 4 <= bytes_.size());
    float f = 0;
    std::memcpy(&f, bytes_.data() + at, 4);
    return static_cast<double>(f);
  }
  std::vector<double> all(const std::string& name) const {
    std::size_t n = 1;
    for (std::size_t s : shape(name)) n *= s;
    std::vector<double> v(n);
    for (std::size_t k = 0; k < n; ++k) v[k] = f32(name, k);
    return v;
  }

 private:
  std::string bytes_;
  json header_;
  std::size_t data_start_ = 0;
};

}  // namespace

// ============================================================================
BOOST_AUTO_TEST_SUITE(safetensors)

BOOST_AUTO_TEST_CASE(test_encoders_match_hex_patterns_from_the_definitions) {
  BOOST_CHECK_EQUAL(encode_f16(1.5), 0x3E00);
  BOOST_CHECK_EQUAL(encode_f16(-0.25), 0xB400);
  BOOST_CHECK_EQUAL(encode_f16(std::ldexp(1.0, -20)), 0x0010);  // subnormal: 16 · 2^-24
  BOOST_CHECK_EQUAL(encode_f16(65504.0), 0x7BFF);
  BOOST_CHECK_EQUAL(encode_bf16(1.5), 0x3FC0);
  BOOST_CHECK_EQUAL(encode_bf16(-0.25), 0xBE80);
  BOOST_CHECK_EQUAL(encode_bf16(std::ldexp(1.0, -20)), 0x3580);
}

BOOST_AUTO_TEST_CASE(f16_decoding_is_exact_for_all_65536_patterns) {
  std::size_t bad = 0;
  for (std::uint32_t b = 0; b < 0x10000; ++b) {
    const double sign = (b & 0x8000) != 0 ? -1.0 : 1.0;
    const auto e = static_cast<int>((b >> 10) & 0x1F);
    const auto f = static_cast<int>(b & 0x3FF);
    const double got = gm::f16_to_double(static_cast<std::uint16_t>(b));
    bool ok = false;
    if (e == 31) {
      ok = f == 0 ? got == sign * std::numeric_limits<double>::infinity()
                  : std::isnan(got) && std::signbit(got) == (sign < 0);
    } else {
      const double want = e == 0 ? sign * std::ldexp(f, -24) : sign * std::ldexp(1024 + f, e - 25);
      ok = got == want && std::signbit(got) == std::signbit(want);
    }
    if (!ok && bad++ < 5) BOOST_ERROR("f16 pattern " << b << " decoded to " << got);
  }
  BOOST_CHECK_EQUAL(bad, 0U);
}

BOOST_AUTO_TEST_CASE(bf16_decoding_matches_the_upper_half_of_binary32) {
  std::size_t bad = 0;
  for (std::uint32_t b = 0; b < 0x10000; ++b) {
    const auto want = static_cast<double>(std::bit_cast<float>(b << 16));
    const double got = gm::bf16_to_double(static_cast<std::uint16_t>(b));
    const bool ok = std::isnan(want) ? std::isnan(got) && std::signbit(got) == std::signbit(want)
                                     : got == want && std::signbit(got) == std::signbit(want);
    if (!ok && bad++ < 5) BOOST_ERROR("bf16 pattern " << b << " decoded to " << got);
  }
  BOOST_CHECK_EQUAL(bad, 0U);
}

BOOST_AUTO_TEST_CASE(reads_every_float_dtype_exactly_at_unaligned_offsets) {
  TempDir tmp;
  const std::vector<double> v = {1.5, -0.25, std::ldexp(1.0, -20), 0.0, -0.0, 0.875, -3.0};
  // A 1-byte and a 0-dim tensor first: every later offset is odd or not a
  // multiple of 8.
  const std::vector<TestTensor> tensors = {{"flag", "U8", {1}, {1.0}},
                                           {"scalar", "F32", {}, {-10000.0}},
                                           {"f64", "F64", {7}, v},
                                           {"f32", "F32", {7}, v},
                                           {"f16", "F16", {7, 1}, v},
                                           {"bf16", "BF16", {1, 7}, v},
                                           {"ids", "I64", {2}, {3.0, 4.0}}};
  write_safetensors(tmp / "a.safetensors", tensors);
  const gm::SafetensorsFile f(tmp / "a.safetensors");
  BOOST_CHECK_EQUAL(f.tensors().size(), 7U);
  BOOST_CHECK_EQUAL(f.metadata().at("format"), "pt");
  for (const char* name : {"f64", "f32", "f16", "bf16"}) check_equal(f.decode(name), v, name);
  BOOST_CHECK(f.at("f64").begin % 8 != 0);
  check_equal(f.decode("scalar"), {-10000.0}, "scalar");
  BOOST_CHECK(f.at("scalar").shape.empty());
  BOOST_CHECK_EQUAL(f.at("scalar").element_count(), 1U);
  BOOST_CHECK(f.at("ids").dtype == gm::Dtype::i64);
  BOOST_CHECK(f.find("absent") == nullptr);
  expect_input_error([&] { static_cast<void>(f.decode("ids")); }, {"ids", "I64"});
  expect_input_error([&] { static_cast<void>(f.decode("flag")); }, {"flag", "U8"});
}

BOOST_AUTO_TEST_CASE(special_values_decode_with_their_signs) {
  TempDir tmp;
  // +inf, -inf, NaN, smallest subnormal, largest finite of binary16.
  const std::vector<std::uint16_t> h = {0x7C00, 0xFC00, 0x7E00, 0x0001, 0x7BFF, 0x8000};
  std::string data(reinterpret_cast<const char*>(h.data()), h.size() * 2);
  write_raw_safetensors(tmp / "s.safetensors",
                        R"({"h":{"dtype":"F16","shape":[6],"data_offsets":[0,12]}})", data);
  const std::vector<double> got = gm::SafetensorsFile(tmp / "s.safetensors").decode("h");
  BOOST_CHECK(got[0] == std::numeric_limits<double>::infinity());
  BOOST_CHECK(got[1] == -std::numeric_limits<double>::infinity());
  BOOST_CHECK(std::isnan(got[2]));
  BOOST_CHECK_EQUAL(got[3], std::ldexp(1.0, -24));
  BOOST_CHECK_EQUAL(got[4], 65504.0);
  BOOST_CHECK(got[5] == 0 && std::signbit(got[5]));
}

BOOST_AUTO_TEST_CASE(gaps_between_tensors_are_allowed) {
  TempDir tmp;
  std::string data(16, '\0');
  const float a = 2.5f;
  std::memcpy(data.data() + 12, &a, 4);
  write_raw_safetensors(tmp / "g.safetensors", R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})", data);
  check_equal(gm::SafetensorsFile(tmp / "g.safetensors").decode("a"), {2.5}, "a");
}

BOOST_AUTO_TEST_CASE(malformed_files_throw_input_errors_naming_the_problem) {
  TempDir tmp;
  const fs::path p = tmp / "bad.safetensors";
  const auto open = [&] { gm::SafetensorsFile f(p); };
  const std::string four_floats(16, '\0');

  write_text(p, "abc");
  expect_input_error(open, {"bad.safetensors", "shorter than"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", "xxxx", 1000);
  expect_input_error(open, {"header length 1000", "beyond"});

  write_raw_safetensors(p, "{}", "", std::uint64_t{1} << 62);
  expect_input_error(open, {"header length"});

  write_raw_safetensors(p, R"({"a": {"dtype": "F32", )", four_floats);
  expect_input_error(open, {"not valid JSON"});

  write_raw_safetensors(p, "[1, 2]", four_floats);
  expect_input_error(open, {"not a JSON object"});

  write_raw_safetensors(p, R"({"a":{"shape":[1],"data_offsets":[0,4]}})", four_floats);
  expect_input_error(open, {"'a'", "dtype"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F32","data_offsets":[0,4]}})", four_floats);
  expect_input_error(open, {"'a'", "shape"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F32","shape":[1]}})", four_floats);
  expect_input_error(open, {"'a'", "data_offsets"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F32","shape":"4","data_offsets":[0,16]}})", four_floats);
  expect_input_error(open, {"'a'", "shape"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", four_floats);
  expect_input_error(open, {"'a'", "non-negative"});

  write_raw_safetensors(p, R"({"a":{"dtype":32,"shape":[4],"data_offsets":[0,16]}})", four_floats);
  expect_input_error(open, {"'a'", "dtype"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F17","shape":[4],"data_offsets":[0,16]}})", four_floats);
  expect_input_error(open, {"'a'", "unknown dtype", "F17"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0]}})", four_floats);
  expect_input_error(open, {"'a'", "data_offsets"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}})", four_floats);
  expect_input_error(open, {"'a'", "out of range"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", four_floats);
  expect_input_error(open, {"'a'", "end before begin"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", four_floats);
  expect_input_error(open, {"'a'", "[3]", "12"});

  write_raw_safetensors(p, R"({"a":{"dtype":"F16","shape":[2,2],"data_offsets":[0,16]}})", four_floats);
  expect_input_error(open, {"'a'", "F16", "needs 8"});

  write_raw_safetensors(p,
                        R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                        R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                        four_floats);
  expect_input_error(open, {"'b'", "overlaps", "'a'"});

  write_raw_safetensors(p,
                        R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                        R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                        four_floats);
  expect_input_error(open, {"'a'", "twice"});

  write_raw_safetensors(p, R"({"__metadata__":{"format":1}})", "");
  expect_input_error(open, {"__metadata__", "format"});

  expect_input_error([&] { gm::SafetensorsFile f(tmp / "absent.safetensors"); }, {"absent.safetensors"});
}

// Names and bytes from an untrusted file reach the terminal escaped (issue
// 15, defect 4): a tensor name with an ANSI escape sequence, and a header
// with a byte that is not UTF-8 (quoted by the JSON parser's message).
BOOST_AUTO_TEST_CASE(untrusted_names_reach_messages_escaped) {
  TempDir tmp;
  const fs::path p = tmp / "evil.safetensors";
  const auto message = [&] {
    try {
      gm::SafetensorsFile f(p);
    } catch (const glasses::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const auto terminal_safe = [](const std::string& m) {
    for (char c : m) {
      const auto b = static_cast<unsigned char>(c);
      if (b < 0x20 || b >= 0x7f) return false;
    }
    return true;
  };
  write_raw_safetensors(p, R"({"w\u001b[2J\u0007":{"dtype":"Q9","shape":[1],"data_offsets":[0,4]}})", "xxxx");
  std::string m = message();
  BOOST_TEST_MESSAGE(m);
  BOOST_TEST(m.find("'w\\x1b[2J\\x07'") != std::string::npos);
  BOOST_TEST(m.find("unknown dtype 'Q9'") != std::string::npos);
  BOOST_TEST(terminal_safe(m));
  write_raw_safetensors(p, "{\"a\xff\xfe\": 1}", "xxxx");
  m = message();
  BOOST_TEST_MESSAGE(m);
  BOOST_TEST(m.find("not valid JSON") != std::string::npos);
  BOOST_TEST(m.find("\\xff") != std::string::npos);
  BOOST_TEST(terminal_safe(m));
}

BOOST_AUTO_TEST_CASE(truncated_and_corrupted_fixture_files_fail_cleanly) {
  TempDir tmp;
  const std::string bytes = read_bytes(kRefModels / "gpt2-small" / "model.safetensors");
  std::uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  const fs::path p = tmp / "t.safetensors";
  for (const std::size_t keep : {std::size_t{0}, std::size_t{7}, std::size_t{8}, std::size_t{100},
                                 static_cast<std::size_t>(8 + n), static_cast<std::size_t>(8 + n + 1000),
                                 bytes.size() - 1}) {
    BOOST_TEST_CONTEXT("truncated to " << keep << " bytes") {
      write_text(p, bytes.substr(0, keep));
      expect_input_error([&] { gm::SafetensorsFile f(p); }, {"t.safetensors"});
    }
  }
  // Corrupt one header byte at a time (a fixed LCG picks position and
  // value): the file must either open, and then decode every float tensor
  // within bounds, or throw InputError. Nothing else.
  std::uint64_t state = 12345;
  std::size_t opened = 0, refused = 0;
  for (int trial = 0; trial < 120; ++trial) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::size_t at = 8 + static_cast<std::size_t>((state >> 33) % n);
    std::string corrupt = bytes;
    corrupt[at] = static_cast<char>((state >> 20) & 0xFF);
    write_text(p, corrupt);
    try {
      const gm::SafetensorsFile f(p);
      for (const gm::TensorInfo& t : f.tensors()) {
        if (gm::dtype_info(t.dtype).decodable) BOOST_CHECK_EQUAL(f.decode(t).size(), t.element_count());
      }
      ++opened;
    } catch (const glasses::InputError&) {
      ++refused;
    }
  }
  BOOST_CHECK_EQUAL(opened + refused, 120U);
  BOOST_CHECK_GT(refused, 0U);
}

BOOST_AUTO_TEST_SUITE_END()

// ============================================================================
BOOST_AUTO_TEST_SUITE(checkpoint)

BOOST_AUTO_TEST_CASE(gpt2_fixture_config_matches_its_readme) {
  const gm::Checkpoint ck = load64(kRefModels / "gpt2-small");
  const gm::ModelConfig& c = ck.config;
  BOOST_CHECK(c.family == gm::Family::gpt2);
  BOOST_CHECK_EQUAL(c.d_model, 32);
  BOOST_CHECK_EQUAL(c.n_layers, 3);
  BOOST_CHECK_EQUAL(c.n_heads, 2);
  BOOST_CHECK_EQUAL(c.n_kv_heads, 2);
  BOOST_CHECK_EQUAL(c.d_head, 16);
  BOOST_CHECK_EQUAL(c.d_mlp, 128);  // n_inner null → 4 · 32
  BOOST_CHECK_EQUAL(c.vocab_size, 48);
  BOOST_CHECK_EQUAL(c.max_positions, 64);
  BOOST_CHECK_EQUAL(c.norm_eps, 1e-5);
  BOOST_CHECK(c.norm == gm::NormKind::layernorm && c.norm_has_gain && c.norm_has_bias && c.final_norm);
  BOOST_CHECK(c.positional == gm::PositionalKind::learned);
  BOOST_CHECK(c.absolute_into == gm::AbsolutePositionsInto::residual);
  BOOST_CHECK(c.activation == gm::Activation::gelu_tanh);
  BOOST_CHECK(c.attention_bias && c.mlp_bias && c.causal && c.window == 0);
  BOOST_CHECK(c.score_scale == gm::ScoreScale::inv_sqrt_head_dim);
  BOOST_CHECK(c.has_unembedding && c.tied_unembedding);
  BOOST_CHECK(ck.weights.unembedding.empty());
  BOOST_CHECK(ck.warnings.empty());
}

BOOST_AUTO_TEST_CASE(gpt2_fixture_conv1d_weights_are_transposed_and_split) {
  const gm::Checkpoint ck = load64(kRefModels / "gpt2-small");
  const RawFile raw(kRefModels / "gpt2-small" / "model.safetensors");
  const std::size_t d = 32, md = 128;
  // The buffers are in the file (and skipped by the loader).
  BOOST_CHECK(raw.header().contains("h.0.attn.bias"));
  BOOST_CHECK(raw.header().contains("h.2.attn.masked_bias"));
  check_equal(ck.weights.token_embedding.data, raw.all("wte.weight"), "wte");
  check_equal(ck.weights.position_embedding.data, raw.all("wpe.weight"), "wpe");
  for (std::size_t l = 0; l < 3; ++l) {
    const std::string p = "h." + std::to_string(l) + ".";
    const gm::LayerWeights<double>& L = ck.weights.layers[l];
    std::size_t bad = 0;
    for (std::size_t r = 0; r < d; ++r) {
      for (std::size_t c = 0; c < d; ++c) {
        // c_attn.weight is [in = 32, out = 96]: element [c][j] at flat c·96 + j.
        bad += L.w_q(r, c) != raw.f32(p + "attn.c_attn.weight", c * 3 * d + r);
        bad += L.w_k(r, c) != raw.f32(p + "attn.c_attn.weight", c * 3 * d + d + r);
        bad += L.w_v(r, c) != raw.f32(p + "attn.c_attn.weight", c * 3 * d + 2 * d + r);
        bad += L.w_o(r, c) != raw.f32(p + "attn.c_proj.weight", c * d + r);
      }
    }
    for (std::size_t r = 0; r < md; ++r) {
      for (std::size_t c = 0; c < d; ++c) {
        bad += L.w_up(r, c) != raw.f32(p + "mlp.c_fc.weight", c * md + r);
        bad += L.w_down(c, r) != raw.f32(p + "mlp.c_proj.weight", r * d + c);
      }
    }
    BOOST_CHECK_MESSAGE(bad == 0, "layer " << l << ": " << bad << " projection entries differ from the raw file");
    // c_attn.bias is a parameter, not the attn.bias buffer.
    const std::vector<double> b = raw.all(p + "attn.c_attn.bias");
    check_equal(L.b_q, slice(b, 0, d), p + "b_q");
    check_equal(L.b_k, slice(b, d, d), p + "b_k");
    check_equal(L.b_v, slice(b, 2 * d, d), p + "b_v");
    BOOST_CHECK(std::any_of(L.b_q.begin(), L.b_q.end(), [](double x) { return x != 0; }));
    check_equal(L.b_o, raw.all(p + "attn.c_proj.bias"), p + "b_o");
    check_equal(L.norm1_gain, raw.all(p + "ln_1.weight"), p + "ln_1.weight");
    check_equal(L.norm1_bias, raw.all(p + "ln_1.bias"), p + "ln_1.bias");
    check_equal(L.norm2_gain, raw.all(p + "ln_2.weight"), p + "ln_2.weight");
    check_equal(L.norm2_bias, raw.all(p + "ln_2.bias"), p + "ln_2.bias");
    check_equal(L.b_up, raw.all(p + "mlp.c_fc.bias"), p + "b_up");
    check_equal(L.b_down, raw.all(p + "mlp.c_proj.bias"), p + "b_down");
  }
  check_equal(ck.weights.final_gain, raw.all("ln_f.weight"), "ln_f.weight");
  check_equal(ck.weights.final_bias, raw.all("ln_f.bias"), "ln_f.bias");
}

BOOST_AUTO_TEST_CASE(llama_fixture_untied_head_and_config) {
  const gm::Checkpoint ck = load64(kRefModels / "llama-small");
  const gm::ModelConfig& c = ck.config;
  BOOST_CHECK(c.family == gm::Family::llama);
  BOOST_CHECK_EQUAL(c.d_model, 32);
  BOOST_CHECK_EQUAL(c.d_mlp, 88);
  BOOST_CHECK_EQUAL(c.n_layers, 3);
  BOOST_CHECK_EQUAL(c.n_heads, 2);
  BOOST_CHECK_EQUAL(c.n_kv_heads, 2);
  BOOST_CHECK_EQUAL(c.d_head, 16);
  BOOST_CHECK_EQUAL(c.vocab_size, 48);
  BOOST_CHECK_EQUAL(c.max_positions, 64);
  BOOST_CHECK_EQUAL(c.norm_eps, 1e-5);
  BOOST_CHECK_EQUAL(c.rope_theta, 10000.0);
  BOOST_CHECK(c.norm == gm::NormKind::rmsnorm && c.norm_has_gain && !c.norm_has_bias && c.final_norm);
  BOOST_CHECK(c.positional == gm::PositionalKind::rope && c.rope_style == gm::RopeStyle::rotate_half);
  BOOST_CHECK(c.activation == gm::Activation::swiglu);
  BOOST_CHECK(!c.attention_bias && !c.mlp_bias && c.causal);
  BOOST_CHECK(c.has_unembedding && !c.tied_unembedding);

  const RawFile raw(kRefModels / "llama-small" / "model.safetensors");
  check_equal(ck.weights.unembedding.data, raw.all("lm_head.weight"), "lm_head");
  BOOST_CHECK(ck.weights.unembedding.data != ck.weights.token_embedding.data);
  check_equal(ck.weights.token_embedding.data, raw.all("model.embed_tokens.weight"), "embed_tokens");
  for (std::size_t l = 0; l < 3; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    const gm::LayerWeights<double>& L = ck.weights.layers[l];
    // HF rows as stored: no rotate_half permutation undone.
    check_equal(L.w_q.data, raw.all(p + "self_attn.q_proj.weight"), p + "q_proj");
    check_equal(L.w_k.data, raw.all(p + "self_attn.k_proj.weight"), p + "k_proj");
    check_equal(L.w_v.data, raw.all(p + "self_attn.v_proj.weight"), p + "v_proj");
    check_equal(L.w_o.data, raw.all(p + "self_attn.o_proj.weight"), p + "o_proj");
    check_equal(L.w_gate.data, raw.all(p + "mlp.gate_proj.weight"), p + "gate_proj");
    check_equal(L.w_up.data, raw.all(p + "mlp.up_proj.weight"), p + "up_proj");
    check_equal(L.w_down.data, raw.all(p + "mlp.down_proj.weight"), p + "down_proj");
    check_equal(L.norm1_gain, raw.all(p + "input_layernorm.weight"), p + "input_layernorm");
    check_equal(L.norm2_gain, raw.all(p + "post_attention_layernorm.weight"), p + "post_attention_layernorm");
    BOOST_CHECK_EQUAL(L.w_down.rows, 32U);
    BOOST_CHECK_EQUAL(L.w_down.cols, 88U);
  }
  check_equal(ck.weights.final_gain, raw.all("model.norm.weight"), "model.norm");
}

BOOST_AUTO_TEST_CASE(llama_gqa_fixture_tied_without_lm_head) {
  const gm::Checkpoint ck = load64(kRefModels / "llama-gqa-small");
  const gm::ModelConfig& c = ck.config;
  BOOST_CHECK_EQUAL(c.d_model, 48);
  BOOST_CHECK_EQUAL(c.d_mlp, 132);
  BOOST_CHECK_EQUAL(c.n_layers, 2);
  BOOST_CHECK_EQUAL(c.n_heads, 4);
  BOOST_CHECK_EQUAL(c.n_kv_heads, 1);
  BOOST_CHECK_EQUAL(c.d_head, 12);
  BOOST_CHECK_EQUAL(c.vocab_size, 40);
  BOOST_CHECK_EQUAL(c.max_positions, 64);
  BOOST_CHECK_EQUAL(c.norm_eps, 1e-5);
  BOOST_CHECK_EQUAL(c.rope_theta, 10000.0);
  BOOST_CHECK(c.has_unembedding && c.tied_unembedding);
  BOOST_CHECK(ck.weights.unembedding.empty());

  const RawFile raw(kRefModels / "llama-gqa-small" / "model.safetensors");
  BOOST_CHECK(!raw.header().contains("lm_head.weight"));
  for (std::size_t l = 0; l < 2; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    const gm::LayerWeights<double>& L = ck.weights.layers[l];
    BOOST_CHECK_EQUAL(L.w_k.rows, 12U);
    BOOST_CHECK_EQUAL(L.w_k.cols, 48U);
    BOOST_CHECK_EQUAL(L.w_v.rows, 12U);
    BOOST_CHECK_EQUAL(L.w_q.rows, 48U);
    check_equal(L.w_k.data, raw.all(p + "self_attn.k_proj.weight"), p + "k_proj");
    check_equal(L.w_q.data, raw.all(p + "self_attn.q_proj.weight"), p + "q_proj");
  }
  check_equal(ck.weights.token_embedding.data, raw.all("model.embed_tokens.weight"), "embed_tokens");
}

BOOST_AUTO_TEST_CASE(tiny_gpt2_round_trips_in_every_float_dtype) {
  for (const char* dtype : {"F64", "F32", "F16", "BF16"}) {
    BOOST_TEST_CONTEXT("dtype " << dtype) {
      TempDir tmp;
      TinyModel m = tiny_gpt2();
      for (TestTensor& t : m.tensors) {
        if (t.dtype != "U8" && t.name.find("masked_bias") == std::string::npos) t.dtype = dtype;
      }
      m.write(tmp.path());
      const gm::Checkpoint ck = load64(tmp.path());
      BOOST_CHECK_EQUAL(ck.config.d_model, 4);
      BOOST_CHECK_EQUAL(ck.config.d_head, 2);
      BOOST_CHECK_EQUAL(ck.config.d_mlp, 8);
      BOOST_CHECK_EQUAL(ck.config.max_positions, 6);
      check_gpt2_weights(ck, m, "");
    }
  }
}

BOOST_AUTO_TEST_CASE(tiny_gpt2_with_transformer_prefix_mixed_dtypes_and_untied_head) {
  TempDir tmp;
  TinyModel m = tiny_gpt2("transformer.");
  const char* dtypes[] = {"F64", "F32", "F16", "BF16"};
  std::size_t k = 0;
  for (TestTensor& t : m.tensors) {
    if (t.dtype == "F32" && t.name.find("masked_bias") == std::string::npos) t.dtype = dtypes[k++ % 4];
  }
  m.config["tie_word_embeddings"] = false;
  m.config["activation_function"] = "relu";
  m.config["scale_attn_weights"] = false;
  m.add("lm_head.weight", {kG_vocab, kG_d}, "BF16");
  m.write(tmp.path());
  const gm::Checkpoint ck = load64(tmp.path());
  BOOST_CHECK(!ck.config.tied_unembedding);
  BOOST_CHECK(ck.config.activation == gm::Activation::relu);
  BOOST_CHECK(ck.config.score_scale == gm::ScoreScale::one);
  gm::Checkpoint untied = ck;
  untied.weights.unembedding = {};
  check_gpt2_weights(untied, m, "transformer.");
  check_equal(ck.weights.unembedding.data, m.values("lm_head.weight"), "lm_head");
}

BOOST_AUTO_TEST_CASE(tiny_gpt2_n_inner_null_means_four_times_n_embd) {
  TempDir tmp;
  TinyModel m = tiny_gpt2();
  m.config["n_inner"] = nullptr;
  m.config.erase("tie_word_embeddings");  // default true
  m.config["activation_function"] = "gelu";
  for (std::size_t l = 0; l < kG_layers; ++l) {
    const std::string p = "h." + std::to_string(l) + ".";
    m.tensor(p + "mlp.c_fc.weight") = {p + "mlp.c_fc.weight", "F32", {kG_d, 4 * kG_d}, known_values(64, l)};
    m.tensor(p + "mlp.c_fc.bias") = {p + "mlp.c_fc.bias", "F32", {4 * kG_d}, known_values(16, l)};
    m.tensor(p + "mlp.c_proj.weight") = {p + "mlp.c_proj.weight", "F32", {4 * kG_d, kG_d}, known_values(64, l + 1)};
  }
  m.write(tmp.path());
  const gm::Checkpoint ck = load64(tmp.path());
  BOOST_CHECK_EQUAL(ck.config.d_mlp, 16);
  BOOST_CHECK(ck.config.tied_unembedding);
  BOOST_CHECK(ck.config.activation == gm::Activation::gelu);
  check_equal(ck.weights.layers[1].w_up.data,
              conv1d_expected(m.values("h.1.mlp.c_fc.weight"), kG_d, 16, 0, 16), "W_up");
}

BOOST_AUTO_TEST_CASE(tied_lm_head_equal_to_the_embedding_is_accepted) {
  TempDir tmp;
  TinyModel m = tiny_gpt2();
  m.tensors.push_back({"lm_head.weight", "F16", {kG_vocab, kG_d}, m.values("wte.weight")});
  m.write(tmp.path());
  const gm::Checkpoint ck = load64(tmp.path());
  BOOST_CHECK(ck.config.tied_unembedding);
  BOOST_CHECK(ck.weights.unembedding.empty());
}

BOOST_AUTO_TEST_CASE(tiny_llama_round_trips_in_every_float_dtype) {
  for (const char* dtype : {"F64", "F32", "F16", "BF16"}) {
    BOOST_TEST_CONTEXT("dtype " << dtype) {
      TempDir tmp;
      TinyModel m = tiny_llama();
      m.set_dtype(dtype);
      m.write(tmp.path());
      const gm::Checkpoint ck = load64(tmp.path());
      BOOST_CHECK_EQUAL(ck.config.n_heads, 2);
      BOOST_CHECK_EQUAL(ck.config.n_kv_heads, 1);
      BOOST_CHECK_EQUAL(ck.config.d_head, 2);
      BOOST_CHECK_EQUAL(ck.config.norm_eps, 1e-6);
      BOOST_CHECK_EQUAL(ck.config.rope_theta, 500000.0);
      BOOST_CHECK_EQUAL(ck.config.max_positions, 16);
      check_llama_weights(ck, m, false);
    }
  }
}

BOOST_AUTO_TEST_CASE(tiny_llama_with_attention_bias_and_defaults) {
  TempDir tmp;
  TinyModel m = tiny_llama(true);
  for (const char* field : {"num_key_value_heads", "head_dim", "rope_theta", "rope_scaling", "mlp_bias"}) {
    m.config.erase(field);
  }
  // Defaults: kv heads = heads = 2, head_dim = 4 / 2 = 2, so k/v are [4, 4].
  for (std::size_t l = 0; l < kL_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".self_attn.";
    m.tensor(p + "k_proj.weight") = {p + "k_proj.weight", "F32", {4, 4}, known_values(16, l + 7)};
    m.tensor(p + "v_proj.weight") = {p + "v_proj.weight", "F32", {4, 4}, known_values(16, l + 8)};
    m.tensor(p + "k_proj.bias") = {p + "k_proj.bias", "F32", {4}, known_values(4, l + 9)};
    m.tensor(p + "v_proj.bias") = {p + "v_proj.bias", "F32", {4}, known_values(4, l + 10)};
  }
  m.tensors.push_back({"model.layers.0.self_attn.rotary_emb.inv_freq", "F32", {1}, {1.0}});
  m.write(tmp.path());
  const gm::Checkpoint ck = load64(tmp.path());
  BOOST_CHECK_EQUAL(ck.config.n_kv_heads, 2);
  BOOST_CHECK_EQUAL(ck.config.d_head, 2);
  BOOST_CHECK_EQUAL(ck.config.rope_theta, 10000.0);
  BOOST_CHECK(ck.config.attention_bias);
  const gm::LayerWeights<double>& L = ck.weights.layers[1];
  check_equal(L.b_q, m.values("model.layers.1.self_attn.q_proj.bias"), "q bias");
  check_equal(L.b_k, m.values("model.layers.1.self_attn.k_proj.bias"), "k bias");
  check_equal(L.b_v, m.values("model.layers.1.self_attn.v_proj.bias"), "v bias");
  check_equal(L.b_o, m.values("model.layers.1.self_attn.o_proj.bias"), "o bias");
  check_equal(L.w_k.data, m.values("model.layers.1.self_attn.k_proj.weight"), "k_proj");
}

BOOST_AUTO_TEST_CASE(sharded_llama_loads_through_the_index) {
  TempDir tmp;
  TinyModel m = tiny_llama();
  m.set_dtype("BF16");
  std::vector<TestTensor> shard1, shard2;
  json weight_map = json::object();
  for (std::size_t i = 0; i < m.tensors.size(); ++i) {
    const bool first = i % 2 == 0;
    (first ? shard1 : shard2).push_back(m.tensors[i]);
    weight_map[m.tensors[i].name] = first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  write_text(tmp / "config.json", m.config.dump());
  write_safetensors(tmp / "model-00001-of-00002.safetensors", shard1);
  write_safetensors(tmp / "model-00002-of-00002.safetensors", shard2);
  const json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", weight_map}};
  write_text(tmp / "model.safetensors.index.json", index.dump(2));

  const gm::Checkpoint ck = load64(tmp.path());
  check_llama_weights(ck, m, false);
  const gm::SafetensorsArchive a = gm::SafetensorsArchive::open_directory(tmp.path());
  BOOST_CHECK_EQUAL(a.files().size(), 2U);
  BOOST_CHECK_EQUAL(a.size(), m.tensors.size());
  BOOST_CHECK(a.at("lm_head.weight").file->path().filename() ==
              (m.tensors.size() % 2 == 0 ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors"));
}

BOOST_AUTO_TEST_CASE(broken_shard_indexes_are_refused) {
  TempDir tmp;
  const fs::path index = tmp / "model.safetensors.index.json";
  const auto open = [&] { static_cast<void>(gm::SafetensorsArchive::open_index(index)); };
  write_safetensors(tmp / "one.safetensors", {{"a", "F32", {1}, {1.0}}, {"b", "F32", {1}, {2.0}}});
  write_safetensors(tmp / "two.safetensors", {{"c", "F32", {1}, {3.0}}, {"a", "F32", {1}, {1.0}}});

  write_text(index, R"({"weight_map": {"a": "one.safetensors", "b": "one.safetensors", "c": "missing.safetensors"}})");
  expect_input_error(open, {"'c'", "missing.safetensors", "does not exist"});

  write_text(index, R"({"weight_map": {"a": "one.safetensors", "b": "two.safetensors", "c": "two.safetensors"}})");
  expect_input_error(open, {"'b'", "two.safetensors", "not stored"});

  write_text(index, R"({"weight_map": {"a": "one.safetensors", "b": "one.safetensors", "c": "two.safetensors"}})");
  expect_input_error(open, {"'a'", "two.safetensors"});  // stored in both shards

  write_safetensors(tmp / "two.safetensors", {{"c", "F32", {1}, {3.0}}});
  write_text(index,
             R"({"weight_map": {"a": "one.safetensors", "b": "one.safetensors", "a": "one.safetensors", )"
             R"("c": "two.safetensors"}})");
  expect_input_error(open, {"'a'", "twice"});

  write_text(index, R"({"weight_map": {"a": "one.safetensors", "c": "two.safetensors"}})");
  expect_input_error(open, {"'b'", "not listed"});

  write_text(index, R"({"weight_map": {"a": "../one.safetensors"}})");
  expect_input_error(open, {"../one.safetensors"});

  write_text(index, R"({"weights": {}})");
  expect_input_error(open, {"weight_map"});

  write_text(index, R"({"weight_map": {"a": "one.safetensors", "b": "one.safetensors", "c": "two.safetensors"}})");
  const gm::SafetensorsArchive ok = gm::SafetensorsArchive::open_index(index);
  check_equal(ok.decode("c"), {3.0}, "c");
}

// Each case: a mutation of a valid tiny checkpoint and the words its error
// must contain.
struct BadCase {
  std::string label;
  std::function<void(TinyModel&)> mutate;
  std::vector<std::string> words;
};

void run_bad_cases(const std::function<TinyModel()>& make, const std::vector<BadCase>& cases) {
  for (const BadCase& bad : cases) {
    BOOST_TEST_CONTEXT(bad.label) {
      TempDir tmp;
      TinyModel m = make();
      bad.mutate(m);
      m.write(tmp.path());
      try {
        static_cast<void>(gm::load_checkpoint(tmp.path()));
        BOOST_ERROR("no InputError for " << bad.label);
      } catch (const glasses::InputError& e) {
        const std::string message = e.what();
        BOOST_TEST_MESSAGE(bad.label << " -> InputError: " << message);
        for (const std::string& w : bad.words) {
          BOOST_CHECK_MESSAGE(message.find(w) != std::string::npos,
                              bad.label << ": \"" << message << "\" does not mention \"" << w << "\"");
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_gpt2_checkpoints_throw_input_errors_naming_the_culprit) {
  const std::vector<BadCase> cases = {
      {"I64 weight", [](TinyModel& m) { m.tensor("wte.weight").dtype = "I64"; }, {"wte.weight", "I64"}},
      {"shape not matching the config",
       [](TinyModel& m) {
         m.tensor("h.1.attn.c_attn.weight") = {"h.1.attn.c_attn.weight", "F32", {4, 11}, known_values(44, 0)};
       },
       {"h.1.attn.c_attn.weight", "[4, 11]", "[4, 12]"}},
      {"transposed Conv1D shape",
       [](TinyModel& m) {
         m.tensor("h.0.mlp.c_fc.weight") = {"h.0.mlp.c_fc.weight", "F32", {8, 4}, known_values(32, 0)};
       },
       {"h.0.mlp.c_fc.weight", "[8, 4]"}},
      {"missing tensor", [](TinyModel& m) { m.erase("h.1.mlp.c_fc.bias"); }, {"h.1.mlp.c_fc.bias", "missing"}},
      {"missing c_attn.bias", [](TinyModel& m) { m.erase("h.0.attn.c_attn.bias"); }, {"h.0.attn.c_attn.bias"}},
      {"unexpected tensor", [](TinyModel& m) { m.add("h.0.attn.rogue", {2}); }, {"h.0.attn.rogue", "unexpected"}},
      {"buffer of a layer that does not exist", [](TinyModel& m) { m.add("h.2.attn.bias", {1}); },
       {"h.2.attn.bias", "unexpected"}},
      {"tensor under both names",
       [](TinyModel& m) { m.add("transformer.ln_f.bias", {kG_d}); },
       {"ln_f.bias", "twice"}},
      {"NaN in a weight",
       [](TinyModel& m) { m.tensor("h.1.attn.c_proj.weight").values[6] = std::nan(""); },
       {"h.1.attn.c_proj.weight", "NaN", "element 6", "[1, 2]"}},
      {"inf in a bias",
       [](TinyModel& m) {
         TestTensor& t = m.tensor("ln_f.bias");
         t.dtype = "F64";
         t.values[3] = -std::numeric_limits<double>::infinity();
       },
       {"ln_f.bias", "-inf"}},
      {"tied lm_head that differs",
       [](TinyModel& m) { m.add("lm_head.weight", {kG_vocab, kG_d}); },
       {"lm_head.weight", "differs", "tie_word_embeddings"}},
      {"untied without lm_head", [](TinyModel& m) { m.config["tie_word_embeddings"] = false; },
       {"lm_head.weight", "missing"}},
      {"unknown architecture", [](TinyModel& m) { m.config["architectures"] = {"BertModel"}; },
       {"BertModel", "GPT2LMHeadModel", "LlamaForCausalLM"}},
      {"unknown model_type",
       [](TinyModel& m) {
         m.config.erase("architectures");
         m.config["model_type"] = "mixtral";
       },
       {"mixtral", "gpt2", "llama", "gemma2"}},
      {"no architecture at all",
       [](TinyModel& m) {
         m.config.erase("architectures");
         m.config.erase("model_type");
       },
       {"architectures", "model_type"}},
      {"missing config field", [](TinyModel& m) { m.config.erase("n_embd"); }, {"n_embd", "missing"}},
      {"missing eps", [](TinyModel& m) { m.config.erase("layer_norm_epsilon"); }, {"layer_norm_epsilon"}},
      {"wrong type", [](TinyModel& m) { m.config["n_layer"] = "2"; }, {"n_layer", "integer"}},
      {"fractional integer", [](TinyModel& m) { m.config["n_head"] = 2.5; }, {"n_head", "integer"}},
      {"non-positive", [](TinyModel& m) { m.config["n_head"] = 0; }, {"n_head", "positive"}},
      {"heads not dividing", [](TinyModel& m) { m.config["n_head"] = 3; }, {"n_embd", "n_head"}},
      {"eps not a number", [](TinyModel& m) { m.config["layer_norm_epsilon"] = "1e-5"; }, {"layer_norm_epsilon"}},
      {"unsupported activation", [](TinyModel& m) { m.config["activation_function"] = "swish"; },
       {"activation_function", "swish"}},
      {"tie flag not a boolean", [](TinyModel& m) { m.config["tie_word_embeddings"] = 1; }, {"tie_word_embeddings"}},
      {"inverse layer scaling",
       [](TinyModel& m) { m.config["scale_attn_by_inverse_layer_idx"] = true; },
       {"scale_attn_by_inverse_layer_idx"}},
  };
  run_bad_cases([] { return tiny_gpt2(); }, cases);
}

BOOST_AUTO_TEST_CASE(invalid_llama_checkpoints_throw_input_errors_naming_the_culprit) {
  const std::vector<BadCase> cases = {
      {"k_proj with the width of q_proj",
       [](TinyModel& m) {
         m.tensor("model.layers.1.self_attn.k_proj.weight") = {"model.layers.1.self_attn.k_proj.weight", "F32",
                                                                {4, 4}, known_values(16, 0)};
       },
       {"model.layers.1.self_attn.k_proj.weight", "[4, 4]", "[2, 4]"}},
      {"missing lm_head", [](TinyModel& m) { m.erase("lm_head.weight"); }, {"lm_head.weight", "missing"}},
      {"bias tensors without attention_bias", [](TinyModel& m) { m.add("model.layers.0.self_attn.q_proj.bias", {4}); },
       {"model.layers.0.self_attn.q_proj.bias", "unexpected"}},
      {"attention_bias without bias tensors", [](TinyModel& m) { m.config["attention_bias"] = true; },
       {"model.layers.0.self_attn.q_proj.bias", "missing"}},
      {"BOOL weight", [](TinyModel& m) { m.tensor("model.norm.weight").dtype = "BOOL"; },
       {"model.norm.weight", "BOOL"}},
      {"NaN in the head",
       [](TinyModel& m) { m.tensor("lm_head.weight").values[19] = std::nan(""); },
       {"lm_head.weight", "NaN", "[4, 3]"}},
      {"rope_scaling yarn", [](TinyModel& m) { m.config["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 8.0}}; },
       {"rope_scaling.rope_type", "yarn", "not supported"}},
      {"rope_scaling dynamic (legacy key)",
       [](TinyModel& m) { m.config["rope_scaling"] = {{"type", "dynamic"}, {"factor", 2.0}}; },
       {"rope_scaling.type", "dynamic", "not supported"}},
      {"llama3 rope_scaling without its fields",
       [](TinyModel& m) { m.config["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}}; },
       {"rope_scaling.low_freq_factor", "missing"}},
      {"mlp_bias", [](TinyModel& m) { m.config["mlp_bias"] = true; }, {"mlp_bias"}},
      {"hidden_act", [](TinyModel& m) { m.config["hidden_act"] = "gelu"; }, {"hidden_act", "gelu"}},
      {"missing rms_norm_eps", [](TinyModel& m) { m.config.erase("rms_norm_eps"); }, {"rms_norm_eps", "missing"}},
      {"missing intermediate_size", [](TinyModel& m) { m.config.erase("intermediate_size"); },
       {"intermediate_size"}},
      {"negative kv heads", [](TinyModel& m) { m.config["num_key_value_heads"] = -1; },
       {"num_key_value_heads", "positive"}},
      {"kv heads not dividing heads", [](TinyModel& m) { m.config["num_key_value_heads"] = 3; },
       {"num_key_value_heads"}},
      {"odd head_dim for RoPE",
       [](TinyModel& m) {
         m.config["head_dim"] = 1;
       },
       {"d_head"}},
      {"architectures and model_type disagree", [](TinyModel& m) { m.config["model_type"] = "gpt2"; },
       {"LlamaForCausalLM", "gpt2", "disagree"}},
      {"config not an object", [](TinyModel& m) { m.config = json::array({1, 2}); }, {"config.json", "object"}},
  };
  run_bad_cases([] { return tiny_llama(); }, cases);
}

BOOST_AUTO_TEST_CASE(non_finite_weights_can_be_allowed_explicitly) {
  TempDir tmp;
  TinyModel m = tiny_llama();
  m.tensor("model.norm.weight").values[1] = std::numeric_limits<double>::infinity();
  m.write(tmp.path());
  gm::CheckpointOptions options;
  options.allow_non_finite = true;
  const gm::Checkpoint ck = gm::load_checkpoint(tmp.path(), binary64(options));
  BOOST_CHECK(std::isinf(ck.weights.final_gain[1]));
  BOOST_REQUIRE_EQUAL(ck.warnings.size(), 1U);
  BOOST_CHECK(ck.warnings[0].find("model.norm.weight") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_files_are_input_errors) {
  TempDir tmp;
  expect_input_error([&] { static_cast<void>(gm::load_checkpoint(tmp / "nowhere")); }, {"nowhere"});
  expect_input_error([&] { static_cast<void>(gm::load_checkpoint(tmp.path())); }, {"config.json"});
  write_text(tmp / "config.json", tiny_llama().config.dump());
  expect_input_error([&] { static_cast<void>(gm::load_checkpoint(tmp.path())); }, {"model.safetensors"});
  write_text(tmp / "config.json", "{\"model_type\": ");
  expect_input_error([&] { static_cast<void>(gm::load_checkpoint(tmp.path())); }, {"config.json", "JSON"});
}

// ---- current open architectures ------------------------------------------------

namespace {

// The config of refmodels/<fixture>, changed by `edit`, read by load_hf_config.
gm::ModelConfig edited_config(const std::string& fixture, const std::function<void(json&)>& edit) {
  json j = json::parse(read_bytes(kRefModels / fixture / "config.json"));
  edit(j);
  TempDir tmp;
  write_text(tmp / "config.json", j.dump());
  return gm::load_hf_config(tmp / "config.json");
}

}  // namespace

BOOST_AUTO_TEST_CASE(open_architecture_fixtures_load_with_their_features) {
  {
    const gm::Checkpoint ck = load64(kRefModels / "mistral-tiny");
    BOOST_TEST((ck.config.family == gm::Family::mistral));
    BOOST_TEST(ck.config.window == 8);
    BOOST_TEST(ck.config.layer_windows.empty());
    BOOST_TEST(!ck.config.attention_bias);
  }
  {
    const gm::Checkpoint ck = load64(kRefModels / "gemma-tiny");
    const gm::ModelConfig& c = ck.config;
    BOOST_TEST((c.family == gm::Family::gemma));
    BOOST_TEST((c.activation == gm::Activation::geglu_tanh));
    BOOST_TEST(c.embedding_scale == std::sqrt(48.0));
    BOOST_TEST(c.norm_gain_offset);
    BOOST_TEST(c.tied_unembedding);
    BOOST_TEST(c.d_head == 16);
    BOOST_TEST(c.n_kv_heads == 1);
    BOOST_TEST(!c.post_norms);
  }
  {
    const gm::Checkpoint ck = load64(kRefModels / "gemma2-tiny");
    const gm::ModelConfig& c = ck.config;
    BOOST_TEST((c.family == gm::Family::gemma2));
    BOOST_TEST(c.post_norms);
    BOOST_TEST(c.attn_softcap == 5.0);
    BOOST_TEST(c.final_softcap == 3.0);
    BOOST_TEST(c.score_scale_dim == 24);
    BOOST_TEST((c.layer_windows == std::vector<int>{5, 0, 5}));
    for (const gm::LayerWeights<double>& L : ck.weights.layers) {
      BOOST_TEST(L.post_attention_gain.size() == 32u);
      BOOST_TEST(L.post_mlp_gain.size() == 32u);
      BOOST_TEST(L.norm2_gain.size() == 32u);
    }
  }
  {
    const gm::Checkpoint ck = load64(kRefModels / "qwen2-tied");
    const gm::ModelConfig& c = ck.config;
    BOOST_TEST((c.family == gm::Family::qwen2));
    BOOST_TEST((c.layer_windows == std::vector<int>{0, 6, 6}));
    BOOST_TEST(c.attention_bias);
    BOOST_TEST(!c.attention_output_bias);
    BOOST_TEST(c.tied_unembedding);
    BOOST_TEST(ck.weights.layers[0].b_q.size() == 32u);
    BOOST_TEST(ck.weights.layers[0].b_o.empty());
  }
  {
    const gm::Checkpoint ck = load64(kRefModels / "qwen2-untied-bf16-sharded");
    BOOST_TEST(ck.config.layer_windows.empty());
    BOOST_TEST(ck.config.window == 0);
    BOOST_TEST(!ck.config.tied_unembedding);
    BOOST_TEST(ck.weights.unembedding.rows == 64u);
  }
  {
    const gm::ModelConfig c = gm::load_hf_config(kRefModels / "llama3-rope-f16" / "config.json");
    BOOST_TEST((c.rope_scaling.kind == gm::RopeScalingKind::llama3));
    BOOST_TEST(c.rope_scaling.factor == 8.0);
    BOOST_TEST(c.rope_scaling.original_max_positions == 64);
    const gm::ModelConfig l = gm::load_hf_config(kRefModels / "llama-rope-linear" / "config.json");
    BOOST_TEST((l.rope_scaling.kind == gm::RopeScalingKind::linear));
    BOOST_TEST(l.rope_scaling.factor == 4.0);
  }
  // The explicit layer_types list wins over the rules.
  const gm::ModelConfig odd = edited_config("gemma2-tiny", [](json& j) {
    j["layer_types"] = {"full_attention", "sliding_attention", "full_attention"};
  });
  BOOST_TEST((odd.layer_windows == std::vector<int>{0, 5, 0}));
  const gm::ModelConfig no_window = edited_config("gemma2-tiny", [](json& j) { j["sliding_window"] = nullptr; });
  BOOST_TEST((no_window.layer_windows == std::vector<int>{0, 0, 0}));
  const gm::ModelConfig no_caps = edited_config("gemma2-tiny", [](json& j) {
    j["attn_logit_softcapping"] = nullptr;
    j["final_logit_softcapping"] = nullptr;
  });
  BOOST_TEST(no_caps.attn_softcap == 0.0);
  BOOST_TEST(no_caps.final_softcap == 0.0);
  const gm::ModelConfig qwen_layers = edited_config("qwen2-tied", [](json& j) { j["max_window_layers"] = 2; });
  BOOST_TEST((qwen_layers.layer_windows == std::vector<int>{0, 0, 6}));
  // Gemma's hub configs: hidden_act "gelu" with hidden_activation "gelu_pytorch_tanh": the latter decides.
  const gm::ModelConfig gemma_hub = edited_config("gemma-tiny", [](json& j) { j["hidden_act"] = "gelu"; });
  BOOST_TEST((gemma_hub.activation == gm::Activation::geglu_tanh));
  // use_sliding_window with sliding_window null: no window (transformers' sliding_window None).
  const gm::ModelConfig qwen_null = edited_config("qwen2-tied", [](json& j) { j["sliding_window"] = nullptr; });
  BOOST_TEST(qwen_null.layer_windows.empty());
  const gm::ModelConfig mistral_full = edited_config("mistral-tiny", [](json& j) { j["sliding_window"] = nullptr; });
  BOOST_TEST(mistral_full.window == 0);
  // describe() names the features.
  const std::string text = gm::describe(gm::load_checkpoint(kRefModels / "gemma2-tiny").config);
  for (const char* w : {"gemma2", "geglu_tanh", "windows=5,full,5", "attn-softcap=5", "final-softcap=3", "post-norms",
                        "norm-gain=1+g", "embedding-scale=", "score-scale=1/sqrt(24)"}) {
    BOOST_TEST(text.find(w) != std::string::npos, text << " lacks " << w);
  }
}

BOOST_AUTO_TEST_CASE(open_architecture_configs_refuse_what_they_cannot_compute) {
  const auto bad = [](const std::string& fixture, const std::function<void(json&)>& edit,
                      std::initializer_list<std::string_view> words) {
    expect_input_error([&] { static_cast<void>(edited_config(fixture, edit)); }, words);
  };
  bad("gemma2-tiny", [](json& j) { j.erase("attn_logit_softcapping"); }, {"attn_logit_softcapping", "missing", "50.0"});
  bad("gemma2-tiny", [](json& j) { j.erase("final_logit_softcapping"); }, {"final_logit_softcapping", "30.0"});
  bad("gemma2-tiny", [](json& j) { j.erase("query_pre_attn_scalar"); }, {"query_pre_attn_scalar", "missing"});
  bad("gemma2-tiny", [](json& j) { j.erase("sliding_window"); }, {"sliding_window", "4096"});
  bad("gemma2-tiny", [](json& j) { j["hidden_activation"] = "gelu"; }, {"hidden_activation", "gelu", "not supported"});
  bad("gemma2-tiny", [](json& j) { j["attn_logit_softcapping"] = -1.0; }, {"attn_logit_softcapping", "> 0"});
  bad("gemma2-tiny", [](json& j) { j["layer_types"] = {"full_attention", "chunked_attention", "full_attention"}; },
      {"layer_types", "chunked_attention"});
  bad("gemma2-tiny", [](json& j) { j["layer_types"] = {"full_attention"}; }, {"layer_types", "3"});
  bad("gemma2-tiny",
      [](json& j) { j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}}; },
      {"rope_scaling.rope_type", "yarn"});
  bad("gemma-tiny", [](json& j) { j.erase("head_dim"); }, {"head_dim", "missing", "256"});
  bad("gemma-tiny",
      [](json& j) {
        j.erase("hidden_activation");
        j["hidden_act"] = "gelu";  // exact GELU in current transformers, the tanh form in older ones
      },
      {"hidden_act", "gelu", "not supported"});
  bad("mistral-tiny", [](json& j) { j.erase("sliding_window"); }, {"sliding_window", "missing", "4096"});
  bad("mistral-tiny", [](json& j) { j["hidden_act"] = "gelu"; }, {"hidden_act", "gelu"});
  bad("mistral-tiny", [](json& j) { j.erase("rms_norm_eps"); }, {"rms_norm_eps", "missing"});
  bad("qwen2-tied", [](json& j) { j.erase("max_window_layers"); }, {"max_window_layers", "missing"});
  bad("qwen2-tied", [](json& j) { j["rope_scaling"] = {{"rope_type", "longrope"}}; },
      {"rope_scaling.rope_type", "longrope"});
  bad("llama3-rope-f16", [](json& j) { j["rope_scaling"].erase("original_max_position_embeddings"); },
      {"rope_scaling.original_max_position_embeddings", "missing"});
  bad("llama3-rope-f16", [](json& j) { j["rope_scaling"]["high_freq_factor"] = 0.5; },
      {"rope_scaling.high_freq_factor"});
  bad("llama3-rope-f16", [](json& j) { j["rope_parameters"] = {{"rope_type", "default"}}; },
      {"rope_parameters", "rope_scaling"});
  bad("gemma-tiny",
      [](json& j) {
        j["architectures"] = {"Gemma3ForCausalLM"};
        j["model_type"] = "gemma3_text";
      },
      {"unsupported architecture", "Gemma3ForCausalLM"});
  // Every tensor is accounted for: a Gemma-2 file with a stray tensor or
  // without a post-norm is refused by name.
  TempDir tmp;
  for (const char* f : {"config.json", "model.safetensors"}) fs::copy(kRefModels / "gemma2-tiny" / f, tmp / f);
  json j = json::parse(read_bytes(tmp / "config.json"));
  j["num_hidden_layers"] = 2;
  write_text(tmp / "config.json", j.dump());
  expect_input_error([&] { static_cast<void>(gm::load_checkpoint(tmp.path())); },
                     {"unexpected tensor", "model.layers.2."});
}

BOOST_AUTO_TEST_CASE(load_hf_config_reads_only_the_config) {
  const gm::ModelConfig c = gm::load_hf_config(kRefModels / "llama-gqa-small" / "config.json");
  BOOST_CHECK_EQUAL(c.kv_width(), 12);
  BOOST_CHECK_EQUAL(c.q_width(), 48);
}

// Without F64 tensors the master copy is binary32 (half the memory), value
// for value the binary64 one: every F32 value is a binary32 number.
BOOST_AUTO_TEST_CASE(default_master_is_binary32_with_the_same_values) {
  for (const char* name : {"gpt2-small", "llama-small", "llama-gqa-small"}) {
    const gm::Checkpoint wide = load64(kRefModels / name);
    const gm::Checkpoint narrow = gm::load_checkpoint(kRefModels / name);
    BOOST_TEST_REQUIRE(static_cast<bool>(narrow.float_weights), name);
    BOOST_TEST(narrow.weights.layers.empty());
    BOOST_TEST(!wide.float_weights);
    const gm::Weights<float>& f = *narrow.float_weights;
    const gm::Weights<double>& d = wide.weights;
    long differ = 0;
    const auto same = [&](const auto& a, const auto& b) {
      BOOST_TEST_REQUIRE(a.size() == b.size());
      for (std::size_t i = 0; i < a.size(); ++i) differ += static_cast<double>(a[i]) != b[i];
    };
    same(f.token_embedding.data, d.token_embedding.data);
    same(f.position_embedding.data, d.position_embedding.data);
    same(f.unembedding.data, d.unembedding.data);
    same(f.final_gain, d.final_gain);
    same(f.final_bias, d.final_bias);
    for (std::size_t l = 0; l < d.layers.size(); ++l) {
      const auto& a = f.layers[l];
      const auto& b = d.layers[l];
      for (const auto& [x, y] : {std::pair{&a.w_q, &b.w_q}, {&a.w_k, &b.w_k}, {&a.w_v, &b.w_v}, {&a.w_o, &b.w_o},
                                 {&a.w_up, &b.w_up}, {&a.w_gate, &b.w_gate}, {&a.w_down, &b.w_down}}) {
        same(x->data, y->data);
      }
      for (const auto& [x, y] : {std::pair{&a.norm1_gain, &b.norm1_gain}, {&a.norm1_bias, &b.norm1_bias},
                                 {&a.norm2_gain, &b.norm2_gain}, {&a.norm2_bias, &b.norm2_bias}, {&a.b_q, &b.b_q},
                                 {&a.b_k, &b.b_k}, {&a.b_v, &b.b_v}, {&a.b_o, &b.b_o}, {&a.b_up, &b.b_up},
                                 {&a.b_down, &b.b_down}}) {
        same(*x, *y);
      }
    }
    BOOST_TEST(differ == 0, name << ": " << differ << " values differ");
  }
}

BOOST_AUTO_TEST_SUITE_END()
