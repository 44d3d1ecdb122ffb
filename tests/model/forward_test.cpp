// The forward pass against independent references: a naive double
// implementation written here from THEORY §1 (for every positional
// encoding, norm and activation), native float hardware against
// Emulated<fp32>, the KV-cached decoder against the layer-by-layer forward,
// and site rounding on a double carrier against Emulated<F>.
#include "glasses/model/forward.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include "glasses/model/presets.hpp"
#include "glasses/model/run.hpp"
#include "glasses/numerics/cpp_bin_float.hpp"
#include "glasses/numerics/emulated.hpp"
#include "glasses/numerics/random.hpp"
#include "support/bits.hpp"
#include "support/random_model.hpp"
#include "support/sanitized.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

namespace {

// ---- a naive double forward, written independently of the library --------
using Vec = std::vector<double>;

Vec mat_vec(const gm::Matrix<double>& W, const Vec& x) {
  Vec y(W.rows, 0.0);
  for (std::size_t r = 0; r < W.rows; ++r) {
    double s = 0;
    for (std::size_t c = 0; c < W.cols; ++c) s += W(r, c) * x[c];
    y[r] = s;
  }
  return y;
}

Vec norm(const gm::ModelConfig& c, const Vec& x, const Vec& g, const Vec& b) {
  const double d = static_cast<double>(x.size());
  Vec y = x;
  if (c.norm == gm::NormKind::none) return y;
  double mean = 0;
  if (c.norm == gm::NormKind::layernorm) {
    for (double v : x) mean += v / d;
  }
  double var = 0;
  for (double v : x) var += (v - mean) * (v - mean) / d;
  for (std::size_t i = 0; i < x.size(); ++i) {
    y[i] = (x[i] - mean) / std::sqrt(var + c.norm_eps) * (g.empty() ? 1.0 : g[i]) + (b.empty() ? 0.0 : b[i]);
  }
  return y;
}

double act(gm::Activation a, double x, double gate) {
  switch (a) {
    case gm::Activation::relu: return x > 0 ? x : 0;
    case gm::Activation::gelu: return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
    case gm::Activation::gelu_tanh:
      return 0.5 * x * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
    case gm::Activation::swiglu: return gate / (1 + std::exp(-gate)) * x;
    case gm::Activation::geglu_tanh:
      return 0.5 * gate * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (gate + 0.044715 * gate * gate * gate))) * x;
    case gm::Activation::none: return x;
  }
  return 0;
}

void rope(const gm::ModelConfig& c, double* x, std::size_t t) {
  const int half = c.d_head / 2;
  for (int j = 0; j < half; ++j) {
    const double angle = static_cast<double>(t) * std::pow(c.rope_theta, -2.0 * j / c.d_head);
    const int a = c.rope_style == gm::RopeStyle::rotate_half ? j : 2 * j;
    const int b = c.rope_style == gm::RopeStyle::rotate_half ? j + half : 2 * j + 1;
    const double xa = x[a], xb = x[b];
    x[a] = xa * std::cos(angle) - xb * std::sin(angle);
    x[b] = xa * std::sin(angle) + xb * std::cos(angle);
  }
}

Vec sinusoid(int d, std::size_t t) {
  Vec p(static_cast<std::size_t>(d));
  for (int k = 0; k < d / 2; ++k) {
    const double angle = static_cast<double>(t) / std::pow(10000.0, 2.0 * k / d);
    p[2 * k] = std::sin(angle);
    p[2 * k + 1] = std::cos(angle);
  }
  return p;
}

// y of every position; `store`, when given, rounds every key and value as
// the KV cache stores them.
std::vector<Vec> naive_forward(const gm::ModelConfig& c, const gm::Weights<double>& w, const std::vector<int>& tokens,
                               double (*store)(double) = nullptr) {
  const std::size_t n = tokens.size(), d = c.d_model, dh = c.d_head;
  std::vector<Vec> v(n);
  for (std::size_t t = 0; t < n; ++t) {
    v[t] = Vec(w.token_embedding.row(tokens[t]), w.token_embedding.row(tokens[t]) + d);
    if (c.absolute_into == gm::AbsolutePositionsInto::residual) {
      if (c.positional == gm::PositionalKind::learned) {
        for (std::size_t i = 0; i < d; ++i) v[t][i] += w.position_embedding(t, i);
      }
      if (c.positional == gm::PositionalKind::sinusoidal) {
        const Vec p = sinusoid(c.d_model, t);
        for (std::size_t i = 0; i < d; ++i) v[t][i] += p[i];
      }
    }
  }
  for (const gm::LayerWeights<double>& L : w.layers) {
    std::vector<Vec> q(n), k(n), val(n);
    for (std::size_t t = 0; t < n; ++t) {
      Vec u = norm(c, v[t], L.norm1_gain, L.norm1_bias);
      val[t] = mat_vec(L.w_v, u);
      if (c.absolute_into == gm::AbsolutePositionsInto::queries_keys && c.positional == gm::PositionalKind::sinusoidal) {
        const Vec p = sinusoid(c.d_model, t);
        for (std::size_t i = 0; i < d; ++i) u[i] += p[i];
      }
      q[t] = mat_vec(L.w_q, u);
      k[t] = mat_vec(L.w_k, u);
      for (std::size_t i = 0; i < L.b_q.size(); ++i) q[t][i] += L.b_q[i];
      for (std::size_t i = 0; i < L.b_k.size(); ++i) k[t][i] += L.b_k[i];
      for (std::size_t i = 0; i < L.b_v.size(); ++i) val[t][i] += L.b_v[i];
      if (c.positional == gm::PositionalKind::rope) {
        for (int h = 0; h < c.n_heads; ++h) rope(c, q[t].data() + h * dh, t);
        for (int h = 0; h < c.n_kv_heads; ++h) rope(c, k[t].data() + h * dh, t);
      }
      if (store != nullptr) {
        for (double& x : k[t]) x = store(x);
        for (double& x : val[t]) x = store(x);
      }
    }
    const double scale = c.score_scale == gm::ScoreScale::one ? 1.0 : 1.0 / std::sqrt(static_cast<double>(dh));
    std::vector<Vec> next(n);
    for (std::size_t t = 0; t < n; ++t) {
      Vec concat(c.q_width(), 0.0);
      for (int h = 0; h < c.n_heads; ++h) {
        const std::size_t kvh = static_cast<std::size_t>(h / (c.n_heads / c.n_kv_heads));
        const std::size_t first = c.window > 0 && t + 1 > static_cast<std::size_t>(c.window) ? t + 1 - c.window : 0;
        const std::size_t last = c.causal ? t : n - 1;
        Vec s;
        for (std::size_t j = first; j <= last; ++j) {
          double dot = 0;
          for (std::size_t i = 0; i < dh; ++i) dot += q[t][h * dh + i] * k[j][kvh * dh + i];
          double score = dot * scale;
          if (c.positional == gm::PositionalKind::alibi) {
            const double slope = c.alibi_slope_scale * std::pow(2.0, -8.0 * (h + 1) / c.n_heads);
            score -= slope * std::fabs(static_cast<double>(t) - static_cast<double>(j));
          }
          s.push_back(score);
        }
        double mx = s[0], z = 0;
        for (double x : s) mx = std::max(mx, x);
        for (double& x : s) z += (x = std::exp(x - mx));
        for (std::size_t j = first; j <= last; ++j) {
          for (std::size_t i = 0; i < dh; ++i) concat[h * dh + i] += s[j - first] / z * val[j][kvh * dh + i];
        }
      }
      Vec a = mat_vec(L.w_o, concat);
      Vec z = v[t];
      for (std::size_t i = 0; i < d; ++i) z[i] += a[i] + (L.b_o.empty() ? 0.0 : L.b_o[i]);
      if (c.activation != gm::Activation::none) {
        const Vec u = norm(c, z, L.norm2_gain, L.norm2_bias);
        Vec hidden = mat_vec(L.w_up, u);
        const Vec gate = L.w_gate.empty() ? Vec(hidden.size(), 0.0) : mat_vec(L.w_gate, u);
        for (std::size_t i = 0; i < hidden.size(); ++i) {
          hidden[i] = act(c.activation, hidden[i] + (L.b_up.empty() ? 0.0 : L.b_up[i]), gate[i]);
        }
        const Vec out = mat_vec(L.w_down, hidden);
        for (std::size_t i = 0; i < d; ++i) z[i] += out[i] + (L.b_down.empty() ? 0.0 : L.b_down[i]);
      }
      next[t] = z;
    }
    v = next;
  }
  std::vector<Vec> y(n);
  for (std::size_t t = 0; t < n; ++t) y[t] = c.final_norm ? norm(c, v[t], w.final_gain, w.final_bias) : v[t];
  return y;
}

// A small random model (support/random_model.hpp) with the given
// architecture choices and a vocabulary of 7 tokens.
gm::ModelSource tiny(gm::PositionalKind pos, gm::NormKind nk, gm::Activation a, bool bias, int kv_heads = 2) {
  glasses::test::TinyModel t;
  t.pos = pos;
  t.norm = nk;
  t.act = a;
  t.bias = bias;
  t.kv_heads = kv_heads;
  t.vocab = 7;
  t.sigma_qk = 0.6;
  t.sigma_vo = 0.4;
  t.sigma_up = 0.8;
  return glasses::test::tiny_model(t, static_cast<std::uint64_t>(pos) * 100 + static_cast<std::uint64_t>(nk) * 10 +
                                          static_cast<std::uint64_t>(a));
}

template <class T, class R>
gm::Trace<T> run(const gm::ModelSource& s, const typename gn::ScalarTraits<T>::Context& ctx, R& rounder,
                 const std::vector<int>& tokens, gm::ForwardOptions options = {}) {
  gm::Env<T, R> env{ctx, rounder};
  const gm::PreparedModel<T> m = gm::prepare(s, env);
  return gm::forward(m, env, gm::InputSequence{tokens, {}}, options);
}

template <class T>
gm::Trace<T> run(const gm::ModelSource& s, const std::vector<int>& tokens) {
  gm::NoSiteRounding none;
  return run<T>(s, {}, none, tokens);
}

const std::vector<int> kTokens{3, 1, 1, 4, 0, 6, 6, 6, 2, 5, 1};

}  // namespace

BOOST_AUTO_TEST_SUITE(forward)

// THEORY §1 by a separate naive implementation in double, for every
// positional encoding, norm and activation (plus biases, GQA, windows and
// bidirectional attention). Agreement to 1e-12 relative leaves only
// rounding differences of the two evaluation orders.
BOOST_AUTO_TEST_CASE(matches_naive_double_implementation) {
  using P = gm::PositionalKind;
  using N = gm::NormKind;
  using A = gm::Activation;
  struct Case {
    P pos;
    N norm;
    A act;
    bool bias;
    int kv;
    int window;
    bool causal;
    gm::RopeStyle style;
    gm::AbsolutePositionsInto into;
  };
  const Case cases[] = {
      {P::none, N::rmsnorm, A::swiglu, false, 2, 0, true, gm::RopeStyle::rotate_half, gm::AbsolutePositionsInto::residual},
      {P::rope, N::rmsnorm, A::swiglu, false, 1, 0, true, gm::RopeStyle::rotate_half, gm::AbsolutePositionsInto::residual},
      {P::rope, N::layernorm, A::gelu, true, 2, 0, true, gm::RopeStyle::interleaved, gm::AbsolutePositionsInto::residual},
      {P::alibi, N::layernorm, A::relu, true, 2, 0, true, gm::RopeStyle::rotate_half, gm::AbsolutePositionsInto::residual},
      {P::alibi, N::rmsnorm, A::gelu_tanh, false, 2, 3, true, gm::RopeStyle::rotate_half, gm::AbsolutePositionsInto::residual},
      {P::learned, N::layernorm, A::gelu_tanh, true, 2, 0, true, gm::RopeStyle::rotate_half, gm::AbsolutePositionsInto::residual},
      {P::sinusoidal, N::none, A::relu, false, 2, 0, true, gm::RopeStyle::rotate_half, gm::AbsolutePositionsInto::residual},
      {P::sinusoidal, N::layernorm, A::none, false, 2, 0, true, gm::RopeStyle::rotate_half, gm::AbsolutePositionsInto::queries_keys},
      {P::none, N::layernorm, A::gelu, true, 2, 0, false, gm::RopeStyle::rotate_half, gm::AbsolutePositionsInto::residual},
  };
  for (const Case& k : cases) {
    gm::ModelSource s = tiny(k.pos, k.norm, k.act, k.bias, k.kv);
    s.config.window = k.window;
    s.config.causal = k.causal;
    s.config.rope_style = k.style;
    s.config.absolute_into = k.into;
    const gm::Trace<double> t = run<double>(s, kTokens);
    const std::vector<Vec> want = naive_forward(s.config, s.weights, kTokens);
    double worst = 0;
    for (std::size_t r = 0; r < kTokens.size(); ++r) {
      for (std::size_t i = 0; i < 8; ++i) worst = std::max(worst, std::fabs(t.y(r, i) - want[r][i]) / (1 + std::fabs(want[r][i])));
    }
    BOOST_TEST_MESSAGE(gm::describe(s.config) << ": worst relative difference " << worst);
    BOOST_TEST(worst < 1e-12, gm::describe(s.config) << ": worst relative difference " << worst);
    BOOST_TEST(!t.issue.found);
  }
}

// bf16 round to nearest even by hand (normal range only): the value's
// exponent e gives the quantum 2^(e-7) of an 8-bit significand.
double to_bf16(double x) {
  if (x == 0) return x;
  const double quantum = std::ldexp(1.0, std::ilogb(x) - 7);
  return std::nearbyint(x / quantum) * quantum;
}

// The kv-cache site rounds keys and values where the cache stores them, and
// nothing else: on a double carrier with every other site fp64, y equals the
// naive forward whose keys and values are rounded to bf16 by hand (to 1e-12,
// the two evaluation orders), and differs from the unrounded one by far more.
BOOST_AUTO_TEST_CASE(kv_cache_site_rounds_the_stored_keys_and_values) {
  const gm::ModelSource s = tiny(gm::PositionalKind::rope, gm::NormKind::rmsnorm, gm::Activation::swiglu, true, 1);
  const gm::Policy policy = gm::parse_policy("sites:kv-cache=bf16;default=fp64", gn::formats::fp64);
  gm::SiteRounding<double> rounder(policy, {}, 0);
  const gm::Trace<double> t = run<double>(s, {}, rounder, kTokens);
  const std::vector<Vec> rounded = naive_forward(s.config, s.weights, kTokens, to_bf16);
  const std::vector<Vec> exact = naive_forward(s.config, s.weights, kTokens);
  double to_rounded = 0, to_exact = 0;
  for (std::size_t r = 0; r < kTokens.size(); ++r) {
    for (std::size_t i = 0; i < rounded[r].size(); ++i) {
      to_rounded = std::max(to_rounded, std::fabs(t.y(r, i) - rounded[r][i]) / (1 + std::fabs(rounded[r][i])));
      to_exact = std::max(to_exact, std::fabs(t.y(r, i) - exact[r][i]) / (1 + std::fabs(exact[r][i])));
    }
  }
  BOOST_TEST(to_rounded < 1e-12);
  BOOST_TEST(to_exact > 1e-5);
  // mixed: stores the cache in its storage format.
  BOOST_TEST(gn::to_string(gm::parse_policy("mixed:bf16/fp32", gn::formats::fp64).at(gm::Site::kv_cache).format) == "bf16");
}

// Native float hardware equals Emulated<fp32> bit for bit through whole
// forward passes, on every preset.
BOOST_AUTO_TEST_CASE(emulated_fp32_forward_equals_float_forward_bitwise) {
  for (const gm::PresetInfo& p : gm::kPresets) {
    const gm::ModelSource s = gm::make_preset(p.name);
    gm::NoSiteRounding none;
    gm::Trace<float> a;
    gm::Trace<gn::Fp32Emulated> b;
    if (s.rows) {
      gm::InputSequence in;
      in.rows = gm::Matrix<double>(9, 64, 0.0);
      for (std::size_t t = 0; t < 9; ++t) {
        const std::vector<double> r = s.rows->row(t == 8 ? 7 : t);
        std::copy(r.begin(), r.end(), in.rows.row(t));
      }
      gm::Env<float, gm::NoSiteRounding> ef{{}, none};
      gm::Env<gn::Fp32Emulated, gm::NoSiteRounding> ee{{}, none};
      a = gm::forward(gm::prepare(s.config, s.weights, ef), ef, in);
      b = gm::forward(gm::prepare(s.config, s.weights, ee), ee, in);
    } else {
      a = run<float>(s, kTokens);
      b = run<gn::Fp32Emulated>(s, kTokens);
    }
    long mismatches = 0;
    for (std::size_t i = 0; i < a.y.data.size(); ++i) {
      if (glasses::test::bits_of(a.y.data[i]) != glasses::test::bits_of(static_cast<float>(b.y.data[i].value()))) ++mismatches;
    }
    for (std::size_t i = 0; i < a.logits.data.size(); ++i) {
      if (glasses::test::bits_of(a.logits.data[i]) != glasses::test::bits_of(static_cast<float>(b.logits.data[i].value()))) ++mismatches;
    }
    BOOST_TEST(mismatches == 0, p.name << ": " << mismatches << " values differ");
    BOOST_TEST(a.y.data.size() > 0);
  }
}

// The KV-cached decoder and the layer-by-layer forward give the same bits.
template <class T>
void decoder_equals_forward(const gm::ModelSource& s, typename gn::ScalarTraits<T>::Context ctx = {}) {
  gm::NoSiteRounding none;
  gm::Env<T, gm::NoSiteRounding> env{ctx, none};
  const gm::PreparedModel<T> m = gm::prepare(s, env);
  const gm::Trace<T> full = gm::forward(m, env, gm::InputSequence{kTokens, {}});
  gm::Decoder<T, gm::NoSiteRounding> dec(m, env);
  long mismatches = 0;
  for (std::size_t t = 0; t < kTokens.size(); ++t) {
    dec.push(kTokens[t]);
    const std::vector<T> logits = dec.logits();
    for (std::size_t i = 0; i < dec.last().y.size(); ++i) {
      if (!glasses::test::same_value(gn::ScalarTraits<T>::to_double(dec.last().y[i]),
                                     gn::ScalarTraits<T>::to_double(full.y(t, i)))) ++mismatches;
    }
    for (std::size_t i = 0; i < logits.size(); ++i) {
      if (!glasses::test::same_value(gn::ScalarTraits<T>::to_double(logits[i]),
                                     gn::ScalarTraits<T>::to_double(full.logits(t, i)))) ++mismatches;
    }
  }
  // Truncating back to a prefix and pushing again reproduces the same bits.
  dec.truncate(4);
  for (std::size_t t = 4; t < kTokens.size(); ++t) dec.push(kTokens[t]);
  for (std::size_t i = 0; i < dec.last().y.size(); ++i) {
    if (!glasses::test::same_value(gn::ScalarTraits<T>::to_double(dec.last().y[i]),
                                   gn::ScalarTraits<T>::to_double(full.y(kTokens.size() - 1, i)))) ++mismatches;
  }
  BOOST_TEST(mismatches == 0, gn::ScalarTraits<T>::name(ctx) << " " << gm::describe(s.config));
}

BOOST_AUTO_TEST_CASE(cached_decoder_equals_full_forward_bitwise) {
  for (const char* name : {"default", "paper-literal", "default:positional=alibi,window=5"}) {
    const gm::ModelSource s = gm::make_preset(name);
    decoder_equals_forward<float>(s);
    decoder_equals_forward<double>(s);
    decoder_equals_forward<gn::Fp16>(s);
    decoder_equals_forward<gn::Bf16>(s);
    decoder_equals_forward<gn::E4m3>(s);
  }
  decoder_equals_forward<double>(tiny(gm::PositionalKind::learned, gm::NormKind::layernorm, gm::Activation::gelu_tanh, true));
  decoder_equals_forward<gn::MpfrReal>(gm::make_preset("default"), gn::PrecisionContext(200));
}

gm::ModelSource fixture(const std::string& name) {
  return gm::open_checkpoint(std::string(GLASSES_TEST_FIXTURES) + "/refmodels/" + name);
}

// The same for the features of current open architectures: per-layer
// windows (Qwen2, Gemma-2 alternating, Mistral), q/k/v biases, the embedding
// scale, 1 + g gains, GeGLU, post-norms, both soft-caps, RoPE scaling.
BOOST_AUTO_TEST_CASE(cached_decoder_equals_full_forward_bitwise_for_open_architectures) {
  for (const char* name : {"gemma2-tiny", "gemma-tiny", "qwen2-tied", "mistral-tiny", "llama3-rope-f16"}) {
    const gm::ModelSource s = fixture(name);
    BOOST_TEST_MESSAGE(name << ": " << gm::describe(s.config));
    decoder_equals_forward<float>(s);
    decoder_equals_forward<double>(s);
    decoder_equals_forward<gn::Fp16>(s);
    decoder_equals_forward<gn::Bf16>(s);
  }
  decoder_equals_forward<gn::MpfrReal>(fixture("gemma2-tiny"), gn::PrecisionContext(200));
}

// Two threads share each position's work (heads, matrix rows, activations)
// without changing a bit: a decoder with and one without, over 140 tokens
// (long enough for the heads to be split: m·d_h >= 2048), agree exactly on
// y and the logits of every position, in MPFR and in intervals.
bool identical(const gn::MpfrReal& a, const gn::MpfrReal& b) { return mpfr_equal_p(a.data(), b.data()) != 0; }
bool identical(const gn::Interval& a, const gn::Interval& b) {
  return identical(a.lower(), b.lower()) && identical(a.upper(), b.upper());
}

template <class T>
long two_thread_mismatches(const gm::ModelSource& s, const std::vector<int>& tokens, long bits) {
  gm::NoSiteRounding none;
  gm::Env<T, gm::NoSiteRounding> env{gn::PrecisionContext(bits), none};
  const gm::PreparedModel<T> m = gm::prepare(s, env);
  gm::Decoder<T, gm::NoSiteRounding> one(m, env), two(m, env);
  two.set_two_threads(true);
  long mismatches = 0;
  for (int token : tokens) {
    one.push(token);
    two.push(token);
    const std::vector<T> a = one.logits(), b = two.logits();
    for (std::size_t i = 0; i < a.size(); ++i) mismatches += !identical(a[i], b[i]);
    for (std::size_t i = 0; i < one.last().y.size(); ++i) mismatches += !identical(one.last().y[i], two.last().y[i]);
  }
  return mismatches;
}

BOOST_AUTO_TEST_CASE(two_threads_give_the_same_bits) {
  const gm::ModelSource s = gm::make_preset("default");
  std::vector<int> tokens(140);
  for (std::size_t t = 0; t < tokens.size(); ++t) tokens[t] = static_cast<int>((t * 7 + 3) % 10);
  BOOST_TEST(two_thread_mismatches<gn::MpfrReal>(s, tokens, 200) == 0);
  BOOST_TEST(two_thread_mismatches<gn::Interval>(s, std::vector<int>(tokens.begin(), tokens.begin() + 130), 96) == 0);
}

// Processes of a row group (issue 11) share each position's rows and heads
// and exchange them as exact bytes without changing a bit: three members
// (shares in the ratio 1 : 2 : 4, as a group following unequal speeds
// splits; one also halves its share between two threads), here threads
// with an in-memory allgather, agree exactly with one decoder alone on y
// and the logits of every position, in MPFR and in intervals.
class ThreadRowGroup final : public gn::RowGroup {
 public:
  struct Shared {
    explicit Shared(int n) : slots(static_cast<std::size_t>(n)), sync(n) {}
    std::vector<std::string> slots;
    std::barrier<> sync;
    std::atomic<long> rounds{0};  // exchanges, counted by member 0
  };
  ThreadRowGroup(Shared& shared, int rank) : shared_(shared), rank_(rank) {}
  int size() const override { return static_cast<int>(shared_.slots.size()); }
  int rank() const override { return rank_; }
  std::vector<std::size_t> split(std::size_t n) const override {
    return {0, n / 7, 3 * n / 7, n};  // 1 : 2 : 4
  }
  std::vector<std::string> allgather(std::string_view mine, const std::vector<std::size_t>&,
                                     double) const override {
    shared_.slots[static_cast<std::size_t>(rank_)] = std::string(mine);
    if (rank_ == 0) ++shared_.rounds;
    shared_.sync.arrive_and_wait();
    std::vector<std::string> all = shared_.slots;
    shared_.sync.arrive_and_wait();  // nobody writes the next round before everyone read this one
    return all;
  }

 private:
  Shared& shared_;
  int rank_;
};

template <class T>
long row_group_mismatches(const gm::ModelSource& s, const std::vector<int>& tokens, long bits) {
  gm::NoSiteRounding none;
  gm::Env<T, gm::NoSiteRounding> env{gn::PrecisionContext(bits), none};
  const gm::PreparedModel<T> m = gm::prepare(s, env);
  gm::Decoder<T, gm::NoSiteRounding> alone(m, env);
  std::vector<std::vector<T>> expected;  // per position: y, then the logits
  for (int token : tokens) {
    alone.push(token);
    expected.push_back(alone.last().y);
    const std::vector<T> logits = alone.logits();
    expected.back().insert(expected.back().end(), logits.begin(), logits.end());
  }
  constexpr int kMembers = 3;
  ThreadRowGroup::Shared shared(kMembers);
  std::vector<long> mismatches(kMembers, 0);
  std::vector<std::thread> members;
  for (int r = 0; r < kMembers; ++r) {
    members.emplace_back([&, r] {
      const gn::MpfrThreadCacheGuard caches;
      gm::Env<T, gm::NoSiteRounding> own{gn::PrecisionContext(bits), none};
      const gm::PreparedModel<T> mine = gm::prepare(s, own);
      const ThreadRowGroup group(shared, r);
      gm::Decoder<T, gm::NoSiteRounding> dec(mine, own);
      dec.set_row_group(&group);
      dec.set_two_threads(r == 1);
      for (std::size_t t = 0; t < tokens.size(); ++t) {
        dec.push(tokens[t]);
        std::vector<T> got = dec.last().y;
        const std::vector<T> logits = dec.logits();
        got.insert(got.end(), logits.begin(), logits.end());
        for (std::size_t i = 0; i < got.size(); ++i) mismatches[static_cast<std::size_t>(r)] += !identical(got[i], expected[t][i]);
      }
    });
  }
  for (std::thread& t : members) t.join();
  return mismatches[0] + mismatches[1] + mismatches[2];
}

BOOST_AUTO_TEST_CASE(row_group_members_give_the_same_bits) {
  const gm::ModelSource s = gm::make_preset("default");
  std::vector<int> tokens(140);
  for (std::size_t t = 0; t < tokens.size(); ++t) tokens[t] = static_cast<int>((t * 7 + 3) % 10);
  BOOST_TEST(row_group_mismatches<gn::MpfrReal>(s, tokens, 200) == 0);
  BOOST_TEST(row_group_mismatches<gn::Interval>(s, std::vector<int>(tokens.begin(), tokens.begin() + 40), 96) == 0);
}

// The same for a model without a causal mask, whose full forward (every
// position attends to every position) shares each position's rows and
// heads the same way: y and the logits of every position equal one full
// forward alone, bit for bit, and the members really exchanged rows.
template <class T>
long row_group_forward_mismatches(const gm::ModelSource& s, const std::vector<int>& tokens, long bits) {
  gm::NoSiteRounding none;
  gm::Env<T, gm::NoSiteRounding> env{gn::PrecisionContext(bits), none};
  const gm::PreparedModel<T> m = gm::prepare(s, env);
  gm::InputSequence input;
  input.tokens = tokens;
  const gm::Trace<T> alone = gm::forward(m, env, input);
  constexpr int kMembers = 3;
  ThreadRowGroup::Shared shared(kMembers);
  std::vector<long> mismatches(kMembers, 0);
  std::vector<std::thread> members;
  for (int r = 0; r < kMembers; ++r) {
    members.emplace_back([&, r] {
      const gn::MpfrThreadCacheGuard caches;
      gm::Env<T, gm::NoSiteRounding> own{gn::PrecisionContext(bits), none};
      const gm::PreparedModel<T> mine = gm::prepare(s, own);
      const ThreadRowGroup group(shared, r);
      gm::ForwardOptions o;
      o.group = &group;
      o.two_threads = r == 1;
      const gm::Trace<T> got = gm::forward(mine, own, input, o);
      long& bad = mismatches[static_cast<std::size_t>(r)];
      bad += got.y.data.size() != alone.y.data.size() || got.logits.data.size() != alone.logits.data.size();
      for (std::size_t i = 0; i < std::min(got.y.data.size(), alone.y.data.size()); ++i) bad += !identical(got.y.data[i], alone.y.data[i]);
      for (std::size_t i = 0; i < std::min(got.logits.data.size(), alone.logits.data.size()); ++i)
        bad += !identical(got.logits.data[i], alone.logits.data[i]);
    });
  }
  for (std::thread& t : members) t.join();
  BOOST_TEST(shared.rounds > 0);  // the members did exchange
  return mismatches[0] + mismatches[1] + mismatches[2];
}

BOOST_AUTO_TEST_CASE(row_group_members_give_the_same_bits_without_a_causal_mask) {
  const gm::ModelSource s = gm::make_preset("default:causal=0");
  BOOST_REQUIRE(!s.config.causal);
  std::vector<int> tokens(60);
  for (std::size_t t = 0; t < tokens.size(); ++t) tokens[t] = static_cast<int>((t * 7 + 3) % 10);
  BOOST_TEST(row_group_forward_mismatches<gn::MpfrReal>(s, tokens, 200) == 0);
  BOOST_TEST(row_group_forward_mismatches<gn::Interval>(s, std::vector<int>(tokens.begin(), tokens.begin() + 20), 96) == 0);
}

// Site rounding on a double carrier with every site in F equals computing
// in F (Emulated<F>), bit for bit: the 2p+2 argument of policy.hpp.
// With gemma2-tiny and llama3-rope-f16 this shows that every new operation
// (embedding scale, 1 + g, GeGLU, post-norms, soft-caps, RoPE scaling) is
// rounded at a site: one left unrounded would keep double precision on the
// carrier and differ from Emulated<F>.
// The constants of positions are rounded at their sites too: 300 tokens
// take RoPE, ALiBi and sinusoid positions past 256, where bf16 integers are
// no longer exact, and position 5 of `default` is where an unrounded θ once
// gave another ω_7 than bf16's (a one-ulp sin, then 81 differing logits).
BOOST_AUTO_TEST_CASE(uniform_policy_on_double_carrier_equals_emulated) {
  std::vector<int> long_tokens(300);
  for (std::size_t t = 0; t < long_tokens.size(); ++t) long_tokens[t] = static_cast<int>((t * 7 + 3) % 10);
  const std::vector<std::pair<gm::ModelSource, std::vector<int>>> cases{
      {gm::make_preset("default"), long_tokens},
      {gm::make_preset("default:positional=alibi"), long_tokens},
      {gm::make_preset("default:positional=sinusoidal"), long_tokens},
      {fixture("gemma2-tiny"), kTokens},
      {fixture("llama3-rope-f16"), kTokens}};
  for (const auto& [s, tokens] : glasses::test::thinned_under_sanitizers(cases, 0))
  for (const gn::Format& f : {gn::formats::fp16, gn::formats::bf16}) {
    const gm::Policy policy = gm::parse_policy(gn::to_string(f), gn::formats::fp64);
    gm::SiteRounding<double> rounder(policy, {}, 0);
    const gm::Trace<double> a = run<double>(s, {}, rounder, tokens);
    long mismatches = 0;
    if (f == gn::formats::fp16) {
      const gm::Trace<gn::Fp16> b = run<gn::Fp16>(s, tokens);
      for (std::size_t i = 0; i < a.logits.data.size(); ++i) mismatches += !glasses::test::same_value(a.logits.data[i], b.logits.data[i].value());
    } else {
      const gm::Trace<gn::Bf16> b = run<gn::Bf16>(s, tokens);
      for (std::size_t i = 0; i < a.logits.data.size(); ++i) mismatches += !glasses::test::same_value(a.logits.data[i], b.logits.data[i].value());
    }
    BOOST_TEST(mismatches == 0, gn::to_string(f) << " " << gm::describe(s.config) << ": " << mismatches);
  }
}

// Without positions and without a mask, permuting the input permutes the
// output: exactly in exact arithmetic, so in MPFR at 256 bits the only
// difference is rounding in the reordered attention sums. Bound: each of
// the ~10^4 operations per output errs by at most 2^-256 relative, and the
// values stay below 10^3, so 2^-200 is a generous ceiling — while a real
// violation (a position leaking in) would be of order 1.
BOOST_AUTO_TEST_CASE(no_positions_no_mask_is_permutation_equivariant) {
  const gm::ModelSource s = gm::make_preset("default:positional=none,causal=0");
  const std::vector<int> a{3, 1, 4, 1, 5, 9, 2, 6}, perm{7, 2, 0, 5, 1, 3, 6, 4};
  std::vector<int> b(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) b[i] = a[perm[i]];
  gm::NoSiteRounding none;
  const gn::PrecisionContext ctx(256);
  const gm::Trace<gn::MpfrReal> ta = run<gn::MpfrReal>(s, ctx, none, a), tb = run<gn::MpfrReal>(s, ctx, none, b);
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t k = 0; k < 64; ++k) {
      worst = std::max(worst, std::fabs((tb.y(i, k) - ta.y(static_cast<std::size_t>(perm[i]), k)).to_double()));
    }
  }
  BOOST_TEST(worst < std::ldexp(1.0, -200), "worst difference " << worst);
  // With positions (RoPE) the same permutation changes the output at order 1e-2 or more.
  const gm::ModelSource r = gm::make_preset("default:causal=0");
  const gm::Trace<double> ra = run<double>(r, a), rb = run<double>(r, b);
  BOOST_TEST(std::fabs(rb.y(0, 0) - ra.y(static_cast<std::size_t>(perm[0]), 0)) > 1e-6);
}

// Interval enclosures of y and the logits contain the MPFR values computed
// at four times the precision, on every preset.
BOOST_AUTO_TEST_CASE(interval_forward_encloses_high_precision_mpfr) {
  for (const char* name : {"default", "paper-literal", "default:positional=alibi", "fig10-rope", "fig8-b"}) {
    const gm::ModelSource s = gm::make_preset(name);
    const std::vector<int> tokens{3, 1, 1, 4, 0, 6};
    const gm::InputSequence input = gm::make_input(s, tokens);
    gm::NoSiteRounding none;
    gm::Env<gn::Interval, gm::NoSiteRounding> ei{gn::PrecisionContext(128), none};
    gm::Env<gn::MpfrReal, gm::NoSiteRounding> em{gn::PrecisionContext(512), none};
    const gm::Trace<gn::Interval> ti = gm::forward(gm::prepare(s.config, s.weights, ei), ei, input);
    const gm::Trace<gn::MpfrReal> tm = gm::forward(gm::prepare(s.config, s.weights, em), em, input);
    long outside = 0;
    double widest = 0;
    for (std::size_t i = 0; i < ti.y.data.size(); ++i) {
      outside += !contains(ti.y.data[i], tm.y.data[i]);
      widest = std::max(widest, ti.y.data[i].width().to_double());
    }
    for (std::size_t i = 0; i < ti.logits.data.size(); ++i) outside += !contains(ti.logits.data[i], tm.logits.data[i]);
    BOOST_TEST(outside == 0, name);
    // Not vacuous: interval growth over 4 layers costs about 2^64 here, still far below any distance of interest.
    BOOST_TEST(widest < 1e-15, name << ": widest enclosure " << widest);
  }
}

// Causal attention rows are probability vectors.
BOOST_AUTO_TEST_CASE(causal_attention_rows_sum_to_one) {
  const gm::ModelSource s = gm::make_preset("default");
  gm::ForwardOptions o;
  o.keep_attention = true;
  gm::NoSiteRounding none;
  const gm::Trace<double> t = run<double>(s, {}, none, kTokens, o);
  for (const auto& layer : t.attention) {
    for (const gm::Matrix<double>& A : layer) {
      for (std::size_t i = 0; i < A.rows; ++i) {
        double sum = 0;
        for (std::size_t j = 0; j < A.cols; ++j) {
          if (j > i) BOOST_TEST(A(i, j) == 0.0);
          sum += A(i, j);
        }
        BOOST_TEST(std::fabs(sum - 1) < 1e-14);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// Cross-implementation goldens: tiny Hugging Face checkpoints whose logits
// were computed by llama2.c / llm.c in fp32 and by an independent fp64
// forward (tests/fixtures/refmodels/README.md).
BOOST_AUTO_TEST_SUITE(fixtures)

namespace {

std::vector<std::vector<double>> read_rows(const std::string& path) {
  std::ifstream in(path);
  BOOST_TEST_REQUIRE(static_cast<bool>(in), "cannot open " << path);
  std::vector<std::vector<double>> rows;
  for (std::string line; std::getline(in, line);) {
    std::istringstream s(line);
    std::vector<double> row;
    for (double x; s >> x;) row.push_back(x);
    if (!row.empty()) rows.push_back(row);
  }
  return rows;
}

std::vector<int> read_tokens(const std::string& path) {
  std::ifstream in(path);
  std::vector<int> tokens;
  for (int t; in >> t;) tokens.push_back(t);
  return tokens;
}

std::size_t argmax(const double* x, std::size_t n) { return static_cast<std::size_t>(std::max_element(x, x + n) - x); }

// Max |diff| of the logits of every position against `file`; with
// `relative`, each row's differences are divided by the reference row's RMS.
template <class T>
void compare_with_reference(const std::string& name, const std::string& file, double tolerance,
                            const typename gn::ScalarTraits<T>::Context& ctx = {}, bool relative = false) {
  const std::string dir = std::string(GLASSES_TEST_FIXTURES) + "/refmodels/" + name;
  const gm::ModelSource model = gm::open_checkpoint(dir);
  const std::vector<int> tokens = read_tokens(dir + "/tokens.txt");
  const std::vector<std::vector<double>> want = read_rows(dir + "/" + file);
  BOOST_TEST_REQUIRE(want.size() == tokens.size());
  gm::NoSiteRounding none;
  const gm::Trace<T> trace = run<T>(model, ctx, none, tokens);
  double worst = 0;
  int argmax_mismatches = 0;
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    std::vector<double> got(trace.logits.cols);
    for (std::size_t i = 0; i < got.size(); ++i) got[i] = gn::ScalarTraits<T>::to_double(trace.logits(t, i));
    BOOST_TEST_REQUIRE(got.size() == want[t].size());
    double rms = 0;
    for (double x : want[t]) rms += x * x;
    rms = relative ? std::sqrt(rms / static_cast<double>(want[t].size())) : 1.0;
    for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(got[i] - want[t][i]) / rms);
    argmax_mismatches += argmax(got.data(), got.size()) != argmax(want[t].data(), want[t].size());
  }
  BOOST_TEST_MESSAGE(name << " " << gn::ScalarTraits<T>::name(ctx) << " vs " << file << ": max |diff|"
                          << (relative ? " / row RMS " : " ") << worst);
  BOOST_TEST(worst <= tolerance, name << " " << gn::ScalarTraits<T>::name(ctx) << ": max |diff| " << worst << " > "
                                      << tolerance);
  BOOST_TEST(argmax_mismatches == 0);
}

// The fixtures of current open architectures (Mistral, Gemma from the shared
// refmodels; Qwen2, Gemma-2 and Llama-3 rope_scaling from
// tests/fixtures/refmodels/make_reference.py, an independent plain-Python
// binary64 forward written from transformers' modeling code).
const char* const kArchitectureFixtures[] = {"mistral-tiny",      "gemma-tiny",        "qwen2-tied",
                                             "qwen2-untied-bf16-sharded", "gemma2-tiny", "llama3-rope-f16",
                                             "llama-rope-linear"};

}  // namespace

// fp32 against the C references, with the README's tolerances (about 10-20x
// the spread between fp32 builds; every conventional mistake is far outside).
BOOST_AUTO_TEST_CASE(fp32_matches_c_references) {
  compare_with_reference<float>("llama-small", "logits.txt", 5e-5);
  compare_with_reference<float>("llama-gqa-small", "logits.txt", 2e-5);
  compare_with_reference<float>("gpt2-small", "logits.txt", 1e-5);
}

// fp64 against the independent fp64 forward: both are binary64 evaluations
// of the same function in different orders, so they agree to a few hundred
// ulps of logits of size 1 (1e-12 leaves room; a wrong convention moves
// the logits by 1e-3 or more).
BOOST_AUTO_TEST_CASE(fp64_matches_independent_fp64_forward) {
  compare_with_reference<double>("llama-small", "logits_fp64.txt", 1e-12);
  compare_with_reference<double>("llama-gqa-small", "logits_fp64.txt", 1e-12);
  compare_with_reference<double>("gpt2-small", "logits_fp64.txt", 1e-12);
}

// cpp_bin_float:256 (Boost.Multiprecision, no MPFR code) against two
// independent references:
//  * the independent binary64 forward, to double precision (as fp64 above:
//    the fixture's own rounding dominates);
//  * MPFR-256, through the MPFI enclosure of the exact logits at 256 bits:
//    every logit of both runs lies inside it (so they differ by at most its
//    width; README "Two references"), and, measured, they agree to 2^-248.8
//    (llama-small) and 2^-253.4 (gpt2-small) relative to max(1, |logit|),
//    against a bound of 2^-236 here: 16-ulp transcendentals
//    (cpp_bin_float_test.cpp) times the few hundred operations on a
//    logit's path, of condition near 1 in these models.
BOOST_AUTO_TEST_CASE(cpp_bin_float_matches_fp64_forward_and_mpfr_256) {
  for (const char* name : {"llama-small", "gpt2-small"}) {
    compare_with_reference<gn::BinFloat256>(name, "logits_fp64.txt", 1e-12);
    const std::string dir = std::string(GLASSES_TEST_FIXTURES) + "/refmodels/" + name;
    const gm::ModelSource model = gm::open_checkpoint(dir);
    const std::vector<int> tokens = read_tokens(dir + "/tokens.txt");
    gm::NoSiteRounding none;
    const gm::Trace<gn::BinFloat256> b = run<gn::BinFloat256>(model, {}, none, tokens);
    const gm::Trace<gn::MpfrReal> m = run<gn::MpfrReal>(model, gn::PrecisionContext(256), none, tokens);
    const gm::Trace<gn::Interval> e = run<gn::Interval>(model, gn::PrecisionContext(256), none, tokens);
    BOOST_TEST_REQUIRE(b.logits.data.size() == m.logits.data.size());
    long outside = 0;
    double worst = 0;  // max |b - m| / max(1, |m|)
    for (std::size_t i = 0; i < b.logits.data.size(); ++i) {
      const gn::MpfrReal bi = gn::to_mpfr(b.logits.data[i]);
      const gn::MpfrReal& mi = m.logits.data[i];
      const gn::Interval& ei = e.logits.data[i];
      outside += mpfr_cmp(bi.data(), ei.lower().data()) < 0 || mpfr_cmp(bi.data(), ei.upper().data()) > 0;
      outside += mpfr_cmp(mi.data(), ei.lower().data()) < 0 || mpfr_cmp(mi.data(), ei.upper().data()) > 0;
      gn::MpfrReal d = bi - mi;
      worst = std::max(worst, std::fabs(d.to_double()) / std::max(1.0, std::fabs(mi.to_double())));
    }
    BOOST_TEST_MESSAGE(name << ": cpp_bin_float:256 vs mpfr:256, largest relative difference 2^"
                            << (worst > 0 ? std::log2(worst) : -1e9));
    BOOST_TEST(outside == 0);
    BOOST_TEST(worst <= std::ldexp(1.0, -236), name << ": " << worst);
    BOOST_TEST(worst > 0);  // two different libraries: not the same bits by accident of sharing code
  }
}

// The binary32 master copy of an F32 checkpoint gives the bits of the
// binary64 one in every type; prepared models of types that hold every
// binary32 number read the master's own values (no copy), and a type that
// cannot hold them as one double each is refused.
template <class T>
long logit_mismatches(const gm::ModelSource& narrow, const gm::ModelSource& wide, const std::vector<int>& tokens,
                      const typename gn::ScalarTraits<T>::Context& ctx = {}) {
  gm::NoSiteRounding none;
  const gm::Trace<T> a = run<T>(narrow, ctx, none, tokens);
  const gm::Trace<T> b = run<T>(wide, ctx, none, tokens);
  long bad = 0;
  for (std::size_t i = 0; i < a.logits.data.size(); ++i) {
    bad += gn::ScalarTraits<T>::bounds(a.logits.data[i]) != gn::ScalarTraits<T>::bounds(b.logits.data[i]);
  }
  return bad;
}

BOOST_AUTO_TEST_CASE(binary32_master_gives_the_bits_of_the_binary64_master) {
  for (const char* name : {"llama-small", "gpt2-small"}) {
    const std::string dir = std::string(GLASSES_TEST_FIXTURES) + "/refmodels/" + name;
    const gm::ModelSource narrow = gm::open_checkpoint(dir);
    BOOST_TEST_REQUIRE(static_cast<bool>(narrow.float_weights));
    const gm::ModelSource wide = gm::open_checkpoint(dir, true);
    BOOST_TEST_REQUIRE(!wide.float_weights);
    const std::vector<int> tokens = read_tokens(dir + "/tokens.txt");
    BOOST_TEST(logit_mismatches<float>(narrow, wide, tokens) == 0);
    BOOST_TEST(logit_mismatches<double>(narrow, wide, tokens) == 0);
    BOOST_TEST(logit_mismatches<gn::Bf16>(narrow, wide, tokens) == 0);
    BOOST_TEST(logit_mismatches<gn::MpfrReal>(narrow, wide, tokens, gn::PrecisionContext(96)) == 0);
    BOOST_TEST(logit_mismatches<gn::Interval>(narrow, wide, tokens, gn::PrecisionContext(64)) == 0);

    gm::NoSiteRounding none;
    gm::Env<double, gm::NoSiteRounding> fp64{{}, none};
    const gm::PreparedModel<double> shared = gm::prepare(narrow, fp64);
    BOOST_TEST(shared.w.layers[0].w_q.floats() == narrow.float_weights->layers[0].w_q.data.data());
    gm::Env<gn::Bf16, gm::NoSiteRounding> bf16{{}, none};
    const gm::PreparedModel<gn::Bf16> rounded = gm::prepare(narrow, bf16);
    // bf16's rounded weights are held once, in the packed copy the vector kernels read.
    const gm::WeightMatrix& q = rounded.w.layers[0].w_q;
    BOOST_TEST(q.floats() == nullptr);
    long wrong = 0;
    for (std::size_t r = 0; r < q.rows; ++r) {
      q.with_row(r, [&](const auto* row) {
        for (std::size_t c = 0; c < q.cols; ++c) {
          const double want = gn::Bf16(static_cast<double>(narrow.float_weights->layers[0].w_q(r, c))).value();
          wrong += row[c] != want || q(r, c) != want;
        }
      });
    }
    BOOST_TEST(wrong == 0);
    gm::Env<gn::Interval, gm::NoSiteRounding> narrow_interval{gn::PrecisionContext(16), none};
    BOOST_CHECK_THROW(static_cast<void>(gm::prepare(narrow, narrow_interval)), glasses::InputError);
  }
}

// Mistral and Gemma against the fp32 references of their READMEs (5e-5, about
// 10x the spread between the fixture's fp32 and fp64 logits).
BOOST_AUTO_TEST_CASE(fp32_matches_architecture_references) {
  compare_with_reference<float>("mistral-tiny", "logits.txt", 5e-5);
  compare_with_reference<float>("gemma-tiny", "logits.txt", 5e-5);
  // Only binary64 references for ours: fp32 within 1e-4 of the row RMS
  // (the fp32 rounding of a 40-token forward is ~1e-6 relative; every
  // feature moves the logits by 0.4 or more, README "Sensitivity").
  for (const char* name : {"qwen2-tied", "qwen2-untied-bf16-sharded", "gemma2-tiny", "llama3-rope-f16",
                           "llama-rope-linear"}) {
    compare_with_reference<float>(name, "logits_fp64.txt", 1e-4, {}, true);
  }
}

// binary64 and MPFR against the independent binary64 forwards: 1e-12 of the
// row RMS (the two binary64 evaluations differ in order and in a few
// transcendental and constant roundings; MPFR's exact-ish values differ from
// the binary64 reference by its own rounding, ~1e-15).
BOOST_AUTO_TEST_CASE(fp64_and_mpfr_match_independent_fp64_forwards) {
  for (const char* name : kArchitectureFixtures) {
    compare_with_reference<double>(name, "logits_fp64.txt", 1e-12, {}, true);
    compare_with_reference<gn::MpfrReal>(name, "logits_fp64.txt", 1e-12, gn::PrecisionContext(128), true);
  }
}

BOOST_AUTO_TEST_SUITE_END()
