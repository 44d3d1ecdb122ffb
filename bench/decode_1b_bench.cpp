// fp32 decoding of a Llama-3.2-1B-shaped model against the memory-bandwidth
// bound, both measured in this run.
//
// The model: hidden 2048, 16 layers, 32 query heads and 8 kv heads of 64,
// MLP 8192, vocabulary 128256, tied embeddings (Llama-3.2-1B's config.json;
// its rope_scaling changes the RoPE frequencies, not the work) with random
// binary32 weights: 1.24·10⁹ parameters, 4.9 GB. Built as a binary32
// master copy, as a BF16 or F32 checkpoint loads (checkpoint.hpp), and
// prepared for fp32 (vector kernels' packed copy, 4.9 GB more).
//
// Decoding one token reads every packed weight once (the projections, the
// MLP and the unembedding for the logits); at short context the KV cache
// is negligible. The bound is a read-only pass over those same bytes
// (XOR of 64-bit words: no floating-point dependency, so it runs at the
// memory's speed). Reported: tokens/s, the GB/s a token's weights imply,
// the bound's GB/s, and their ratio (target >= 2/3), for the automatic and
// the portable kernels; one thread, strict order (every sum left to right).
//
//   build/release/bench/bench_decode_1b [--tokens N]   (about 10 GB of memory)
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "glasses/model/forward.hpp"
#include "glasses/numerics/random.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

gm::ModelConfig llama_1b() {
  gm::ModelConfig c;
  c.family = gm::Family::llama;
  c.d_model = 2048;
  c.n_layers = 16;
  c.n_heads = 32;
  c.n_kv_heads = 8;
  c.d_head = 64;
  c.d_mlp = 8192;
  c.vocab_size = 128256;
  c.max_positions = 131072;
  c.norm = gm::NormKind::rmsnorm;
  c.norm_eps = 1e-5;
  c.positional = gm::PositionalKind::rope;
  c.rope_theta = 500000.0;
  c.activation = gm::Activation::swiglu;
  c.tied_unembedding = true;
  return c;
}

// Uniform weights in [-0.035, 0.035) (the spread of N(0, 0.02²)), fast to draw.
gm::Matrix<float> random_matrix(std::size_t rows, std::size_t cols, gn::PortableRandom& rng) {
  gm::Matrix<float> m;
  m.rows = rows;
  m.cols = cols;
  m.data.resize(rows * cols);
  for (float& x : m.data) x = static_cast<float>(rng.uniform() * 0.07 - 0.035);
  return m;
}

std::shared_ptr<const gm::Weights<float>> random_weights(const gm::ModelConfig& c) {
  gn::PortableRandom rng(20261206);
  const auto d = static_cast<std::size_t>(c.d_model), m = static_cast<std::size_t>(c.d_mlp);
  const auto q = static_cast<std::size_t>(c.q_width()), kv = static_cast<std::size_t>(c.kv_width());
  auto w = std::make_shared<gm::Weights<float>>();
  w->token_embedding = random_matrix(static_cast<std::size_t>(c.vocab_size), d, rng);
  for (int l = 0; l < c.n_layers; ++l) {
    gm::LayerWeights<float> L;
    L.norm1_gain.assign(d, 1.0F);
    L.norm2_gain.assign(d, 1.0F);
    L.w_q = random_matrix(q, d, rng);
    L.w_k = random_matrix(kv, d, rng);
    L.w_v = random_matrix(kv, d, rng);
    L.w_o = random_matrix(d, q, rng);
    L.w_gate = random_matrix(m, d, rng);
    L.w_up = random_matrix(m, d, rng);
    L.w_down = random_matrix(d, m, rng);
    w->layers.push_back(std::move(L));
  }
  w->final_gain.assign(d, 1.0F);
  return w;
}

// The packed matrices a decoding step reads.
std::vector<const gm::PackedMatrix*> step_matrices(const gm::PreparedModel<float>& p) {
  std::vector<const gm::PackedMatrix*> all;
  for (const gm::PackedLayer& L : p.packed) {
    for (const gm::PackedMatrix* m : {&L.w_q, &L.w_k, &L.w_v, &L.w_o, &L.w_gate, &L.w_up, &L.w_down}) all.push_back(m);
  }
  all.push_back(&p.packed_unembedding);
  return all;
}

// Seconds of one read-only pass over the matrices' bytes.
double read_pass(const std::vector<const gm::PackedMatrix*>& matrices, std::uint64_t& sink) {
  const double t0 = now();
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  for (const gm::PackedMatrix* m : matrices) {
    const auto* w = reinterpret_cast<const std::uint64_t*>(m->data.data());
    const std::size_t n = m->data.size() * sizeof(float) / sizeof(std::uint64_t);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      a ^= w[i];
      b ^= w[i + 1];
      c ^= w[i + 2];
      d ^= w[i + 3];
    }
    for (; i < n; ++i) a ^= w[i];
  }
  sink ^= a ^ b ^ c ^ d;
  return now() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  int tokens = 8;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--tokens") == 0) tokens = std::atoi(argv[i + 1]);
  }
  const gm::ModelConfig config = llama_1b();
  std::printf("Llama-3.2-1B shape: %s\n", gm::describe(config).c_str());
  const double t0 = now();
  const std::shared_ptr<const gm::Weights<float>> master = random_weights(config);
  gm::NoSiteRounding none;
  gm::Env<float, gm::NoSiteRounding> env{{}, none};
  const gm::PreparedModel<float> model = gm::prepare(config, *master, env, master);
  const std::vector<const gm::PackedMatrix*> matrices = step_matrices(model);
  double bytes = 0;
  for (const gm::PackedMatrix* m : matrices) bytes += static_cast<double>(m->data.size() * sizeof(float));
  std::printf("weights drawn and packed in %.1f s; one token reads %.2f GB of packed weights\n", now() - t0,
              bytes * 1e-9);

  std::uint64_t sink = 0;
  double bound = 1e300;
  for (int r = 0; r < 3; ++r) bound = std::min(bound, read_pass(matrices, sink));
  const double bound_gbs = bytes / bound * 1e-9;
  std::printf("read-only pass: %.3f s, %.1f GB/s (the bound: %.2f tokens/s)\n", bound, bound_gbs, 1 / bound);

  bool met = true;
  const gm::PackedKernel portable = gm::PackedKernel::on(glasses::numerics::simd::available().back());
  for (const gm::PackedKernel kernel : {gm::PackedKernel::automatic(), portable}) {
    env.kernel = kernel;
    gm::Decoder<float, gm::NoSiteRounding> decoder(model, env);
    double best = 1e300;
    for (int t = 0; t < tokens; ++t) {
      const double s = now();
      decoder.push(static_cast<int>((7919 * t + 13) % config.vocab_size));
      const std::vector<float> logits = decoder.logits();
      sink ^= static_cast<std::uint64_t>(logits[0] != 0);
      best = std::min(best, now() - s);
    }
    const double gbs = bytes / best * 1e-9, ratio = gbs / bound_gbs;
    const bool ok = ratio >= 2.0 / 3.0;
    if (kernel == gm::PackedKernel::automatic()) met = ok;
    std::printf("fp32 decode, %-9s kernels (%s): %.3f tokens/s, %.1f GB/s, %.2f of the bound (target >= 0.67: %s)\n",
                gm::to_string(kernel).c_str(), gm::to_string(gm::PackedKernel::on(*gm::resolve(kernel))).c_str(), 1 / best, gbs, ratio,
                ok ? "met" : "NOT MET");
  }
  std::printf("(checksum %llu)\n", static_cast<unsigned long long>(sink & 1));
  return met ? 0 : 1;
}
