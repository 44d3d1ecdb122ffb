// Token-by-token decoding (Decoder: KV cache, logits at every step), timed
// in thread CPU time; every ratio is measured within one run.
//
// 1. A llama2.c "stories15M"-shaped random Llama (d = 288, 6 layers, 6 heads,
//    d_mlp = 768, vocabulary 32000, 256 positions, interleaved RoPE as in
//    llama2.c, RMSNorm, SwiGLU, untied output), decoding all 256 positions
//    on one thread, as llama2.c's run.c does by default. Runs, all in the
//    same iterations: fp32 on every Highway target this CPU runs
//    (numerics/simd.hpp); mixed:bf16/fp32, Emulated bf16 and fp16 on the
//    best two targets; baselines measured in the same run: a forward
//    written like llama2.c's run.c on the same weights (llama2c_forward.cpp,
//    its logits checked against glasses' fp32 logits), compiled -Ofast
//    -march=native and -Ofast -march=x86-64-v3 (llama2.c's fastest builds),
//    and a read pass over the bytes one token reads (the bandwidth bound).
//    Targets, all ratios within the run: fp32 avx2 at least as fast as
//    llama2.c x86-64-v3; fp32 avx512 at least as fast as llama2.c native
//    and at >= 80% of the bandwidth bound; bf16 <= 2x and fp16 <= 4x the
//    fp32 time on the same target; mixed <= 1.5x. Each iteration runs every
//    variant once, in rotating order; the figures are each variant's best
//    iteration. A second benchmark compares fp32 with the vector kernels
//    against the loops of kernels.hpp (kernel `none`, the reference) over
//    the first 16 positions.
//
// 2. MPFR at 256 bits on the `default` preset, decoding 32 positions: time
//    per token against the raw cost of the same arithmetic. The MPFR
//    operations of one decoding step are counted analytically (count_step,
//    from the operation sequences written in kernels.hpp and forward.hpp)
//    and the count is checked against the calls of a counting site rounder,
//    which sees every rounded operation. Raw costs are measured in the same
//    iteration on preallocated mpfr_t values, each kind in its own hot loop
//    (best pass, against the best decode): multiply-add pairs on operands
//    of both signs, as the decode's are (mpfr_mul + mpfr_add, and for a
//    weight held as a double mpfr_mul_d + mpfr_add), and div, sqrt, exp,
//    cos and sin. Three ratios:
//      raw_ratio      time / (weight products × raw mul_d+add + other
//                     operations / 2 × raw mul+add): every operation but
//                     the weight multiply-adds priced as half a
//                     multiply-add (the target, <= 2, is on this one);
//      weighted_ratio the same with each kind at its own raw cost: what the
//                     framework costs beyond MPFR itself;
//      positive_ratio time / (operations / 2 × raw mul+add of operands in
//                     [1/2, 1)): the price used before (additions only).
#include <benchmark/benchmark.h>
#include <gmp.h>
#include <mpfr.h>

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "glasses/model/forward.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/model/run.hpp"
#include "glasses/numerics/simd.hpp"
#include "llama2c_forward.hpp"
#include "thread_clock.hpp"

namespace {

namespace gm = glasses::model;
namespace gn = glasses::numerics;

// Lines of the closing summary, by benchmark.
std::map<std::string, std::vector<std::string>>& summary() {
  static std::map<std::string, std::vector<std::string>> lines;
  return lines;
}

std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, fmt, a, b, c);
  return buffer;
}

std::vector<int> token_ids(std::size_t n, int vocab) {
  std::vector<int> t;
  for (std::size_t i = 0; i < n; ++i) t.push_back(static_cast<int>((7919 * i + 13) % static_cast<std::size_t>(vocab)));
  return t;
}

// Seconds to decode `tokens` from an empty cache, logits at every step.
template <class T, class R>
double decode_seconds(const gm::PreparedModel<T>& m, gm::Env<T, R>& env, const std::vector<int>& tokens) {
  gm::Decoder<T, R> decoder(m, env);
  const double t0 = thread_cpu_seconds();
  for (const int token : tokens) {
    decoder.push(token);
    const std::vector<T> logits = decoder.logits();
    benchmark::DoNotOptimize(logits.data());
  }
  return thread_cpu_seconds() - t0;
}

// ---- 1. stories15M --------------------------------------------------------

gm::ModelConfig stories15m_config() {
  gm::ModelConfig c;
  c.family = gm::Family::llama;
  c.d_model = 288;
  c.n_layers = 6;
  c.n_heads = 6;
  c.n_kv_heads = 6;
  c.d_head = 48;
  c.d_mlp = 768;
  c.vocab_size = 32000;
  c.max_positions = 256;
  c.norm = gm::NormKind::rmsnorm;
  c.positional = gm::PositionalKind::rope;
  c.activation = gm::Activation::swiglu;
  c.tied_unembedding = false;
  c.rope_style = gm::RopeStyle::interleaved;  // as llama2.c
  return c;
}

// The weights of the model in llama2.c's layout (binary32, as the fp32
// model holds them), and llama2.c-style forwards over them.
class Llama2cModel {
 public:
  Llama2cModel(const gm::ModelConfig& c, const gm::Weights<double>& w) {
    config_ = {c.d_model, c.d_mlp, c.n_layers, c.n_heads, c.n_kv_heads, c.vocab_size, c.max_positions};
    const auto gain = [&](const gm::Vector<double>& g) {
      for (std::size_t i = 0; i < static_cast<std::size_t>(c.d_model); ++i) {
        gains_.push_back(g.empty() ? 1.0f : static_cast<float>(g[i]));
      }
    };
    const auto matrix = [](std::vector<float>& to, const gm::Matrix<double>& m) {
      for (const double x : m.data) to.push_back(static_cast<float>(x));
    };
    for (const auto& l : w.layers) {
      matrix(wq_, l.w_q), matrix(wk_, l.w_k), matrix(wv_, l.w_v), matrix(wo_, l.w_o);
      matrix(w1_, l.w_gate), matrix(w2_, l.w_down), matrix(w3_, l.w_up);
    }
    for (const auto& l : w.layers) gain(l.norm1_gain);
    for (const auto& l : w.layers) gain(l.norm2_gain);
    gain(w.final_gain);
    matrix(embedding_, w.token_embedding);
    matrix(wcls_, w.unembedding);
    const std::size_t d = static_cast<std::size_t>(c.d_model), L = static_cast<std::size_t>(c.n_layers);
    weights_ = {embedding_.data(), gains_.data(), gains_.data() + L * d, wq_.data(), wk_.data(), wv_.data(),
                wo_.data(), w1_.data(), w2_.data(), w3_.data(), gains_.data() + 2 * L * d, wcls_.data()};
  }

  // The bytes one token reads (every matrix and gain, one embedding row).
  std::vector<std::pair<const float*, std::size_t>> token_reads() const {
    std::vector<std::pair<const float*, std::size_t>> r;
    for (const std::vector<float>* m : {&wq_, &wk_, &wv_, &wo_, &w1_, &w2_, &w3_, &gains_, &wcls_}) {
      r.emplace_back(m->data(), m->size());
    }
    r.emplace_back(embedding_.data(), static_cast<std::size_t>(config_.dim));
    return r;
  }

  // A decoder of one compilation: forward(token, pos) -> logits.
  template <auto NewState, auto FreeState, auto Forward>
  std::function<double(const std::vector<int>&)> decoder() const {
    return [this](const std::vector<int>& tokens) {
      llama2c::RunState* state = NewState(config_);
      const double t0 = thread_cpu_seconds();
      for (std::size_t pos = 0; pos < tokens.size(); ++pos) {
        const float* logits = Forward(config_, weights_, state, tokens[pos], static_cast<int>(pos));
        benchmark::DoNotOptimize(logits);
      }
      const double seconds = thread_cpu_seconds() - t0;
      FreeState(state);
      return seconds;
    };
  }
  template <auto NewState, auto FreeState, auto Forward>
  std::vector<float> logits(const std::vector<int>& tokens) const {
    llama2c::RunState* state = NewState(config_);
    std::vector<float> out;
    for (std::size_t pos = 0; pos < tokens.size(); ++pos) {
      const float* l = Forward(config_, weights_, state, tokens[pos], static_cast<int>(pos));
      out.insert(out.end(), l, l + config_.vocab_size);
    }
    FreeState(state);
    return out;
  }

 private:
  llama2c::Config config_{};
  llama2c::Weights weights_{};
  std::vector<float> embedding_, gains_, wq_, wk_, wv_, wo_, w1_, w2_, w3_, wcls_;
};

// A read of the bytes of one token, as fast as one core reads: the
// bandwidth bound of fp32 decoding (every weight is read once per token).
double read_pass(const std::vector<std::pair<const float*, std::size_t>>& reads) {
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  for (const auto& [data, n] : reads) {
    const auto* w = reinterpret_cast<const std::uint64_t*>(data);
    const std::size_t words = n * sizeof(float) / sizeof(std::uint64_t);
    std::size_t i = 0;
    for (; i + 4 <= words; i += 4) a ^= w[i], b ^= w[i + 1], c ^= w[i + 2], d ^= w[i + 3];
    for (; i < words; ++i) a ^= w[i];
  }
  return static_cast<double>((a ^ b ^ c ^ d) & 1);
}

// One way of running the model, ready to decode.
struct Variant {
  std::string name;
  std::function<double(const std::vector<int>&)> decode;  // seconds
};

// The prepared models live as long as the benchmark.
struct Stories15m {
  gm::ModelConfig config = stories15m_config();
  gm::Weights<double> weights = gm::synthetic_weights(config, 15);
  Llama2cModel llama2c{config, weights};
  gm::NoSiteRounding none;
  gm::SiteRounding<float> mixed_rounder{gm::parse_policy("mixed:bf16/fp32", gn::formats::fp32), {}, 0};
  gm::Env<float, gm::NoSiteRounding> fp32{{}, none};
  gm::Env<float, gm::SiteRounding<float>> mixed{{}, mixed_rounder};
  gm::Env<gn::Bf16, gm::NoSiteRounding> bf16{{}, none};
  gm::Env<gn::Fp16, gm::NoSiteRounding> fp16{{}, none};
  gm::PreparedModel<float> fp32_model = gm::prepare(config, weights, fp32);
  gm::PreparedModel<float> mixed_model = gm::prepare(config, weights, mixed);
  gm::PreparedModel<gn::Bf16> bf16_model = gm::prepare(config, weights, bf16);
  gm::PreparedModel<gn::Fp16> fp16_model = gm::prepare(config, weights, fp16);

  // Runs with `kernel`; the Envs are shared, so set it every time.
  template <class T, class R>
  static std::function<double(const std::vector<int>&)> runner(const gm::PreparedModel<T>& m, gm::Env<T, R>& env,
                                                               gm::PackedKernel kernel) {
    return [&m, &env, kernel](const std::vector<int>& tokens) {
      env.kernel = kernel;
      return decode_seconds(m, env, tokens);
    };
  }

  // fp32 on every target; mixed, bf16 and fp16 on the best two (AVX-512
  // and AVX2 on an AVX-512 machine); the llama2.c-style forwards; and the
  // read pass over one token's bytes, once per position.
  std::vector<Variant> variants() {
    std::vector<Variant> v;
    const std::vector<gn::simd::Target>& targets = gn::simd::available();
    for (const gn::simd::Target t : targets) {
      v.push_back({"fp32 " + gn::simd::to_string(t), runner(fp32_model, fp32, gm::PackedKernel::on(t))});
    }
    for (std::size_t i = 0; i < std::min<std::size_t>(2, targets.size()); ++i) {
      const gm::PackedKernel k = gm::PackedKernel::on(targets[i]);
      const std::string name = gn::simd::to_string(targets[i]);
      v.push_back({"mixed:bf16/fp32 " + name, runner(mixed_model, mixed, k)});
      v.push_back({"bf16 " + name, runner(bf16_model, bf16, k)});
      v.push_back({"fp16 " + name, runner(fp16_model, fp16, k)});
    }
    using namespace llama2c_native;
    v.push_back({"llama2.c -march=native", llama2c.decoder<&new_state, &free_state, &forward>()});
#if GLASSES_LLAMA2C_X86_64_V3
    v.push_back({"llama2.c -march=x86-64-v3",
                 llama2c.decoder<&llama2c_x86_64_v3::new_state, &llama2c_x86_64_v3::free_state,
                                 &llama2c_x86_64_v3::forward>()});
#endif
    v.push_back({"read pass", [this](const std::vector<int>& tokens) {
                   const auto reads = llama2c.token_reads();
                   double sink = 0;
                   const double t0 = thread_cpu_seconds();
                   for (std::size_t i = 0; i < tokens.size(); ++i) sink += read_pass(reads);
                   benchmark::DoNotOptimize(sink);
                   return thread_cpu_seconds() - t0;
                 }});
    return v;
  }
};

Stories15m& stories15m() {
  static Stories15m model;
  return model;
}

// The baseline computes the same model: its logits (fast-math, reassociated
// sums) agree with glasses' fp32 logits to about binary32's precision.
std::string check_baseline(Stories15m& model) {
  const std::vector<int> tokens = token_ids(8, model.config.vocab_size);
  std::vector<float> want;
  model.fp32.kernel = gm::PackedKernel::none();
  gm::Decoder<float, gm::NoSiteRounding> decoder(model.fp32_model, model.fp32);
  for (const int token : tokens) {
    decoder.push(token);
    const std::vector<float> l = decoder.logits();
    want.insert(want.end(), l.begin(), l.end());
  }
  using namespace llama2c_native;
  const std::vector<float> got = model.llama2c.logits<&new_state, &free_state, &forward>(tokens);
  double scale = 0, error = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    scale = std::max(scale, std::abs(static_cast<double>(want[i])));
    error = std::max(error, std::abs(static_cast<double>(want[i]) - got[i]));
  }
  if (got.size() != want.size() || !(error <= 1e-4 * scale)) {
    return format("the llama2.c-style forward differs from glasses fp32 by %.3g (largest logit %.3g)", error, scale);
  }
  return {};
}

// Time of `name` in the results.
double time_of(const std::vector<Variant>& variants, const std::vector<double>& best, const std::string& name) {
  for (std::size_t i = 0; i < variants.size(); ++i) {
    if (variants[i].name == name) return best[i];
  }
  return 0;
}

void BM_decode_stories15m(benchmark::State& state) {
  Stories15m& model = stories15m();
  if (const std::string problem = check_baseline(model); !problem.empty()) {
    state.SkipWithError(problem.c_str());
    return;
  }
  std::vector<Variant> variants = model.variants();
  const std::size_t positions = static_cast<std::size_t>(model.config.max_positions);
  const std::vector<int> tokens = token_ids(positions, model.config.vocab_size);
  std::vector<double> best(variants.size(), 1e300);
  std::size_t first = 0;
  for (auto _ : state) {
    for (std::size_t k = 0; k < variants.size(); ++k) {
      const std::size_t i = (first + k) % variants.size();
      best[i] = std::min(best[i], variants[i].decode(tokens));
    }
    first = (first + 1) % variants.size();
  }
  const double n = static_cast<double>(tokens.size());
  const double read = time_of(variants, best, "read pass");
  const double native = time_of(variants, best, "llama2.c -march=native");
  const double v3 = time_of(variants, best, "llama2.c -march=x86-64-v3");
  std::vector<std::string>& lines = summary()["stories15M-shaped Llama, 256 positions, one thread"];
  lines = {"  time / baseline: < 1 is faster than the baseline; bound = read pass / time (1 = bandwidth-bound)"};
  const auto verdict = [](bool met) { return std::string(met ? ": met)" : ": NOT MET)"); };
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const std::string& name = variants[i].name;
    const std::string target = name.substr(name.rfind(' ') + 1);
    const double fp32 = time_of(variants, best, "fp32 " + target);
    std::string line = format("%8.1f tokens/s  %6.3f ms/token", n / best[i], 1e3 * best[i] / n);
    if (name.starts_with("fp32 ")) {
      line += format("  bound %4.2f  / llama2.c native %4.2f", read / best[i], best[i] / native);
      if (v3 > 0) line += format("  / llama2.c v3 %4.2f", best[i] / v3);
      if (target == "avx512") {
        line += "  (targets bound >= 0.80, / native <= 1" + verdict(read / best[i] >= 0.8 && best[i] <= native);
      }
      if (target == "avx2" && v3 > 0) line += "  (target / v3 <= 1" + verdict(best[i] <= v3);
      state.counters[name + " tok/s"] = n / best[i];
    } else if (fp32 > 0) {
      const double ratio = best[i] / fp32;
      line += "  time / fp32 " + target + format(" %5.2f", ratio);
      if (name.starts_with("mixed")) line += "  (target <= 1.5" + verdict(ratio <= 1.5);
      if (name.starts_with("bf16")) line += "  (target <= 2" + verdict(ratio <= 2);
      if (name.starts_with("fp16")) line += "  (target <= 4" + verdict(ratio <= 4);
      state.counters[name + " / fp32"] = ratio;
    }
    const std::string padded = name + std::string(26 - std::min<std::size_t>(26, name.size()), ' ');
    lines.push_back("  " + padded + line);
  }
}

// fp32: the vector kernels against the loops (kernel none) over the first
// 16 positions, alternating which goes first.
void BM_vector_kernels_vs_loops(benchmark::State& state) {
  Stories15m& model = stories15m();
  const gm::PackedKernel best = gm::PackedKernel::on(gn::simd::available().front());
  const auto vector = Stories15m::runner(model.fp32_model, model.fp32, best);
  const auto loops = Stories15m::runner(model.fp32_model, model.fp32, gm::PackedKernel::none());
  const std::vector<int> tokens = token_ids(16, model.config.vocab_size);
  double vector_best = 1e300, loops_best = 1e300;
  bool vector_first = true;
  for (auto _ : state) {
    for (int pass = 0; pass < 2; ++pass) {
      if (vector_first == (pass == 0)) {
        vector_best = std::min(vector_best, vector(tokens));
      } else {
        loops_best = std::min(loops_best, loops(tokens));
      }
    }
    vector_first = !vector_first;
  }
  const double n = static_cast<double>(tokens.size());
  state.counters["vector tok/s"] = n / vector_best;
  state.counters["loops tok/s"] = n / loops_best;
  state.counters["speed-up"] = loops_best / vector_best;
  summary()["fp32, first 16 positions: vector kernels / loops of kernels.hpp"] = {
      "  " + gm::to_string(best) + format(" %8.1f tokens/s;  loops %6.1f tokens/s;  speed-up %5.1fx", n / vector_best,
                                          n / loops_best, loops_best / vector_best)};
}

// ---- 2. MPFR-256 against raw MPFR -----------------------------------------

// MPFR operations by kind.
struct OpCount {
  double mul = 0, add = 0, div = 0, sqrt = 0, exp = 0, cos = 0, sin = 0;
  double weight_mul = 0;  // products of a weight (a double) and an activation: the projections' terms
  double stores = 0;      // roundings of stored values (no operation): rounder calls only
  double operations() const { return mul + weight_mul + add + div + sqrt + exp + cos + sin; }
};

// The MPFR operations of decoding position t (cache of t + 1 positions,
// logits included), read off the operation sequences of kernels.hpp and
// forward.hpp for a model like `default`: RMSNorm with gain, rotate-half
// RoPE, SwiGLU, no biases, causal without window, untied unembedding. Not
// counted: -g in SwiGLU (exact, mpfr_neg), the comparisons of the softmax
// shift, copies and conversions of integers.
OpCount count_step(const gm::ModelConfig& c, std::size_t t) {
  const double d = c.d_model, L = c.n_layers, H = c.n_heads, Hkv = c.n_kv_heads, dh = c.d_head, dm = c.d_mlp,
               V = c.vocab_size, qw = c.q_width(), kv = c.kv_width();
  const double m = static_cast<double>(t + 1);  // keys attended to
  OpCount n;
  const auto dot = [&](double rows, double cols) {  // `rows` dot products of `cols` terms
    n.mul += rows * cols;
    n.add += rows * (cols - 1);
  };
  const auto matvec = [&](double rows, double cols) {  // weights times activations
    n.weight_mul += rows * cols;
    n.add += rows * (cols - 1);
    n.stores += rows;
  };
  const auto rmsnorm = [&] {  // Σ x², / d, + eps, sqrt, 1 / s, then (x s) g
    dot(1, d);
    n.div += 2;
    n.add += 1;
    n.sqrt += 1;
    n.mul += 2 * d;
    n.stores += d;
  };
  // The RoPE table gains one row per position: the position t (a constant
  // rounded at the RoPE site: a store), angle t·ω_j, its cos and sin.
  n.stores += 1;
  n.mul += dh / 2;
  n.cos += dh / 2;
  n.sin += dh / 2;
  for (int l = 0; l < L; ++l) {
    rmsnorm();
    matvec(kv, d);  // v
    matvec(qw, d);  // q
    matvec(kv, d);  // k
    // RoPE on q and k: per pair a c - b s, a s + b c; both stored.
    n.mul += (H + Hkv) * dh / 2 * 4;
    n.add += (H + Hkv) * dh / 2 * 2;
    n.stores += (H + Hkv) * dh;
    n.stores += 2 * kv;  // k and v stored into the cache (the kv-cache site)
    for (int h = 0; h < H; ++h) {
      dot(m, dh);  // q·k_j
      n.mul += m;  // · 1/sqrt(d_h)
      // softmax: s - c, exp, Z = Σ e (left to right), e / Z
      n.add += m + (m - 1);
      n.exp += m;
      n.div += m;
      dot(dh, m);  // o_i = Σ_j α_j v_ji
      n.stores += dh;
    }
    matvec(d, qw);  // W_O
    n.add += d;     // z = v + a
    rmsnorm();
    matvec(dm, d);  // up
    matvec(dm, d);  // gate
    // SwiGLU: exp(-g), 1 + ·, 1 / ·, g · s, h · silu; h stored.
    n.exp += dm;
    n.add += dm;
    n.div += dm;
    n.mul += 2 * dm;
    n.stores += dm;
    matvec(d, dm);  // W_down
    n.add += d;     // v' = z + ψ
  }
  rmsnorm();      // y
  matvec(V, d);  // logits
  return n;
}

OpCount count_decode(const gm::ModelConfig& c, std::size_t positions) {
  const bool default_like = c.norm == gm::NormKind::rmsnorm && c.norm_has_gain && !c.norm_has_bias &&
                            c.positional == gm::PositionalKind::rope && c.activation == gm::Activation::swiglu &&
                            !c.attention_bias && !c.mlp_bias && c.causal && c.window == 0 && !c.tied_unembedding &&
                            c.final_norm && c.absolute_into == gm::AbsolutePositionsInto::residual &&
                            c.score_scale == gm::ScoreScale::inv_sqrt_head_dim;
  if (!default_like) throw glasses::Error("count_decode: the model is not shaped like `default`");
  OpCount total;
  for (std::size_t t = 0; t < positions; ++t) {
    const OpCount s = count_step(c, t);
    total.mul += s.mul;
    total.weight_mul += s.weight_mul;
    total.add += s.add;
    total.div += s.div;
    total.sqrt += s.sqrt;
    total.exp += s.exp;
    total.cos += s.cos;
    total.sin += s.sin;
    total.stores += s.stores;
  }
  return total;
}

// A site rounder that only counts its calls: one per rounded operation and
// one per stored value. It is `active`, so that every path calls it (with
// an inactive rounder Σ_j α_j v_j takes a path without rounder calls), but
// never rounds: no site is `needed`.
struct CountingRounder {
  static constexpr bool active = true;
  double calls = 0;
  gn::RoundingContext rc;
  bool needed(gm::Site) const { return false; }
  gn::Format format(gm::Site) const { return gn::formats::fp64; }
  gn::Rounding mode(gm::Site) const { return gn::Rounding::near_even; }
  gn::RoundingContext& context() { return rc; }
  void reseed(std::uint64_t) {}
  template <class T>
  void operator()(gm::Site, T&) {
    ++calls;
  }
  template <class T>
  void operator()(gm::Site, T*, std::size_t n) {
    calls += static_cast<double>(n);
  }
};

// Raw MPFR loops over preallocated values: f(out_i, a_i, b_i) for each i.
class RawValues {
 public:
  RawValues(mpfr_prec_t prec, std::size_t n, double lo, double hi, unsigned long seed) : values_(n) {
    gmp_randstate_t random;
    gmp_randinit_default(random);
    gmp_randseed_ui(random, seed);
    for (Value& v : values_) {
      mpfr_init2(v.v, prec);
      mpfr_urandomb(v.v, random);  // [0, 1), all bits random
      mpfr_mul_d(v.v, v.v, hi - lo, MPFR_RNDN);
      mpfr_add_d(v.v, v.v, lo, MPFR_RNDN);
    }
    gmp_randclear(random);
  }
  ~RawValues() {
    for (Value& v : values_) mpfr_clear(v.v);
  }
  RawValues(const RawValues&) = delete;
  RawValues& operator=(const RawValues&) = delete;
  std::size_t size() const { return values_.size(); }
  mpfr_ptr operator[](std::size_t i) { return values_[i].v; }

 private:
  struct Value {
    mpfr_t v;
  };
  std::vector<Value> values_;
};

// Raw cost (seconds per call) of each kind at `prec`: each loop over 1024
// preallocated values runs 16 times in a row (hot: its values in cache, its
// code warmed up) and the fastest pass counts, as the fastest decode does
// (like with like: best against best). The multiply-adds take operands of
// both signs, as the decode's sums do (their additions then subtract as
// often as they add): an activation times an activation (mpfr_mul), and a
// weight held as a double times an activation (mpfr_mul_d, the raw call
// for what the projections do). `muladd_positive` is the loop of before,
// operands in [1/2, 1): additions only.
struct RawCosts {
  static constexpr std::size_t kValues = 1024;
  static constexpr int kPasses = 16;
  static constexpr mpfr_prec_t kPrec = 256;
  RawValues a{kPrec, kValues, -1.0, 1.0, 1}, b{kPrec, kValues, -1.0, 1.0, 2}, out{kPrec, kValues, 0.5, 1.0, 3};
  RawValues a_positive{kPrec, kValues, 0.5, 1.0, 6}, b_positive{kPrec, kValues, 0.5, 1.0, 7};
  RawValues exp_args{kPrec, kValues, -4.0, 0.0, 4}, angles{kPrec, kValues, 0.0, 32.0, 5};
  std::vector<double> weights;  // doubles of 53 bits in (-1/2, 1/2)
  mpfr_t acc, tmp;
  double muladd = 1e300, weight_muladd = 1e300, muladd_positive = 1e300, div = 1e300, sqrt = 1e300, exp = 1e300,
         cos = 1e300, sin = 1e300;  // best pass, seconds

  RawCosts() {
    mpfr_init2(acc, kPrec);
    mpfr_init2(tmp, kPrec);
    for (std::size_t i = 0; i < kValues; ++i) weights.push_back(mpfr_get_d(b[i], MPFR_RNDN) / 2);
  }
  ~RawCosts() {
    mpfr_clear(acc);
    mpfr_clear(tmp);
  }
  RawCosts(const RawCosts&) = delete;
  RawCosts& operator=(const RawCosts&) = delete;

  template <class F>
  static void best(double& seconds, F f) {
    for (int pass = 0; pass < kPasses; ++pass) {
      const double t0 = thread_cpu_seconds();
      f();
      seconds = std::min(seconds, thread_cpu_seconds() - t0);
    }
  }
  void measure() {
    best(muladd, [&] {
      mpfr_set_zero(acc, 1);
      for (std::size_t i = 0; i < kValues; ++i) {
        mpfr_mul(tmp, a[i], b[i], MPFR_RNDN);
        mpfr_add(acc, acc, tmp, MPFR_RNDN);
      }
      benchmark::DoNotOptimize(acc[0]);
    });
    best(weight_muladd, [&] {
      mpfr_set_zero(acc, 1);
      for (std::size_t i = 0; i < kValues; ++i) {
        mpfr_mul_d(tmp, a[i], weights[i], MPFR_RNDN);
        mpfr_add(acc, acc, tmp, MPFR_RNDN);
      }
      benchmark::DoNotOptimize(acc[0]);
    });
    best(muladd_positive, [&] {
      mpfr_set_zero(acc, 1);
      for (std::size_t i = 0; i < kValues; ++i) {
        mpfr_mul(tmp, a_positive[i], b_positive[i], MPFR_RNDN);
        mpfr_add(acc, acc, tmp, MPFR_RNDN);
      }
      benchmark::DoNotOptimize(acc[0]);
    });
    best(div, [&] {
      for (std::size_t i = 0; i < kValues; ++i) mpfr_div(out[i], a[i], b[i], MPFR_RNDN);
    });
    best(sqrt, [&] {
      for (std::size_t i = 0; i < kValues; ++i) mpfr_sqrt(out[i], a[i], MPFR_RNDN);
    });
    best(exp, [&] {
      for (std::size_t i = 0; i < kValues; ++i) mpfr_exp(out[i], exp_args[i], MPFR_RNDN);
    });
    best(cos, [&] {
      for (std::size_t i = 0; i < kValues; ++i) mpfr_cos(out[i], angles[i], MPFR_RNDN);
    });
    best(sin, [&] {
      for (std::size_t i = 0; i < kValues; ++i) mpfr_sin(out[i], angles[i], MPFR_RNDN);
    });
  }
  // Per call, in seconds.
  static double per(double pass) { return pass / static_cast<double>(kValues); }
};

void BM_decode_mpfr256_vs_raw(benchmark::State& state) {
  const gm::ModelSource s = gm::make_preset("default");
  constexpr std::size_t kPositions = 32;
  const std::vector<int> tokens = token_ids(kPositions, s.config.vocab_size);
  const OpCount count = count_decode(s.config, kPositions);

  // The count against the rounder calls of a double run (same operation
  // sequence in every type; double has no vector kernels).
  CountingRounder counter;
  gm::Env<double, CountingRounder> counting{{}, counter};
  const gm::PreparedModel<double> counted = gm::prepare(s.config, s.weights, counting);
  counter.calls = 0;
  decode_seconds(counted, counting, tokens);
  if (counter.calls != count.operations() + count.stores) {
    state.SkipWithError(("operation count " + format("%.0f + %.0f stores", count.operations(), count.stores) +
                         " does not match " + format("%.0f rounder calls", counter.calls))
                            .c_str());
    return;
  }

  gm::NoSiteRounding none;
  gm::Env<gn::MpfrReal, gm::NoSiteRounding> env{gn::PrecisionContext(256), none};
  const gm::PreparedModel<gn::MpfrReal> m = gm::prepare(s.config, s.weights, env);
  RawCosts raw;
  double decode = 1e300;
  for (auto _ : state) {
    raw.measure();
    decode = std::min(decode, decode_seconds(m, env, tokens));
  }
  const double n = static_cast<double>(kPositions);
  const double muladd = RawCosts::per(raw.muladd), weight_muladd = RawCosts::per(raw.weight_muladd);
  // Each weight product paired with an addition is priced as a raw weight
  // multiply-add; every other operation as half a raw multiply-add
  // (uniform), or at the raw cost of its kind (weighted).
  const double others = count.div + count.sqrt + count.exp + count.cos + count.sin;
  const double pairs = count.weight_mul * weight_muladd;
  const double rest = count.mul + count.add - count.weight_mul;
  const double uniform = pairs + (rest + others) / 2 * muladd;
  const double weighted = pairs + rest / 2 * muladd + count.div * RawCosts::per(raw.div) +
                          count.sqrt * RawCosts::per(raw.sqrt) + count.exp * RawCosts::per(raw.exp) +
                          count.cos * RawCosts::per(raw.cos) + count.sin * RawCosts::per(raw.sin);
  // The price of before: every operation half a multiply-add of positive operands.
  const double uniform_positive = count.operations() / 2 * RawCosts::per(raw.muladd_positive);
  state.counters["ms/token"] = 1e3 * decode / n;
  state.counters["ops/token"] = count.operations() / n;
  state.counters["raw_muladd_ns"] = 1e9 * muladd;
  state.counters["raw_ratio"] = decode / uniform;
  state.counters["weighted_ratio"] = decode / weighted;
  state.counters["positive_ratio"] = decode / uniform_positive;
  std::vector<std::string>& lines = summary()["MPFR-256, default preset, 32 positions (logits at every step)"];
  lines = {
      format("  %.3f ms per token; %.0f MPFR operations per token", 1e3 * decode / n, count.operations() / n),
      format("    (per token: %.0f weight x activation, %.0f other mul, %.0f add/sub, ", count.weight_mul / n,
             count.mul / n, count.add / n) +
          format("%.0f other: ", others / n) +
          format("%.0f div, %.0f exp, %.0f sqrt/cos/sin; count checked against the rounder calls)",
                 count.div / n, count.exp / n, (count.sqrt + count.cos + count.sin) / n),
      format("  raw MPFR at 256 bits, operands of both signs: mul+add %.1f ns, mul_d+add %.1f ns", 1e9 * muladd,
             1e9 * weight_muladd) +
          format(" (positive operands: mul+add %.1f ns);", 1e9 * RawCosts::per(raw.muladd_positive)),
      format("    div %.1f ns, sqrt %.1f ns,", 1e9 * RawCosts::per(raw.div), 1e9 * RawCosts::per(raw.sqrt)) +
          format(" exp %.1f ns, cos %.1f ns, sin %.1f ns", 1e9 * RawCosts::per(raw.exp), 1e9 * RawCosts::per(raw.cos),
                 1e9 * RawCosts::per(raw.sin)),
      format("  raw_ratio = time / (weight products x raw mul_d+add + other operations/2 x raw mul+add) = %.2f",
             decode / uniform) +
          (decode / uniform <= 2 ? "  (target <= 2: met)" : "  (target <= 2: NOT MET)"),
      format("  weighted_ratio = time / sum of raw costs by kind = %.2f", decode / weighted),
      format("  positive_ratio = time / (operations/2 x raw mul+add of positive operands, the price of before) = %.2f",
             decode / uniform_positive),
  };
}

BENCHMARK(BM_decode_stories15m)->Iterations(3)->Unit(benchmark::kSecond);
BENCHMARK(BM_vector_kernels_vs_loops)->Iterations(2)->Unit(benchmark::kSecond);
BENCHMARK(BM_decode_mpfr256_vs_raw)->Iterations(5)->Unit(benchmark::kSecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const auto& [title, lines] : summary()) {
    std::printf("\n%s:\n", title.c_str());
    for (const std::string& line : lines) std::printf("%s\n", line.c_str());
  }
  return 0;
}
