// run.c's forward (karpathy/llama2.c at 350e04f), single-threaded, compiled
// into namespace LLAMA2C_NAMESPACE (see llama2c_forward.hpp). Kept as close
// to run.c as C++ allows, so that it is the baseline llama2.c users know.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "llama2c_forward.hpp"

namespace llama2c {
struct RunState {
  float *x, *xb, *xb2, *hb, *hb2, *q, *att, *logits, *key_cache, *value_cache;
};
}  // namespace llama2c

namespace LLAMA2C_NAMESPACE {
namespace {

using llama2c::Config;
using llama2c::RunState;
using llama2c::Weights;

void rmsnorm(float* o, const float* x, const float* weight, int size) {
  float ss = 0.0f;
  for (int j = 0; j < size; j++) ss += x[j] * x[j];
  ss /= size;
  ss += 1e-5f;
  ss = 1.0f / sqrtf(ss);
  for (int j = 0; j < size; j++) o[j] = weight[j] * (ss * x[j]);
}

void softmax(float* x, int size) {
  float max_val = x[0];
  for (int i = 1; i < size; i++) {
    if (x[i] > max_val) max_val = x[i];
  }
  float sum = 0.0f;
  for (int i = 0; i < size; i++) {
    x[i] = expf(x[i] - max_val);
    sum += x[i];
  }
  for (int i = 0; i < size; i++) x[i] /= sum;
}

// W (d,n) @ x (n,) -> xout (d,)
void matmul(float* xout, const float* x, const float* w, int n, int d) {
  for (int i = 0; i < d; i++) {
    float val = 0.0f;
    for (int j = 0; j < n; j++) val += w[i * n + j] * x[j];
    xout[i] = val;
  }
}

float* alloc(std::size_t n) { return static_cast<float*>(std::calloc(n, sizeof(float))); }

}  // namespace

RunState* new_state(const Config& p) {
  const int kv_dim = (p.dim * p.n_kv_heads) / p.n_heads;
  auto* s = new RunState;
  s->x = alloc(p.dim);
  s->xb = alloc(p.dim);
  s->xb2 = alloc(p.dim);
  s->hb = alloc(p.hidden_dim);
  s->hb2 = alloc(p.hidden_dim);
  s->q = alloc(p.dim);
  s->key_cache = alloc(static_cast<std::size_t>(p.n_layers) * p.seq_len * kv_dim);
  s->value_cache = alloc(static_cast<std::size_t>(p.n_layers) * p.seq_len * kv_dim);
  s->att = alloc(static_cast<std::size_t>(p.n_heads) * p.seq_len);
  s->logits = alloc(p.vocab_size);
  return s;
}

void free_state(RunState* s) {
  for (float* f : {s->x, s->xb, s->xb2, s->hb, s->hb2, s->q, s->att, s->logits, s->key_cache, s->value_cache}) {
    std::free(f);
  }
  delete s;
}

float* forward(const Config& c, const Weights& w, RunState* s, int token, int pos) {
  const Config* p = &c;
  float* x = s->x;
  const int dim = p->dim;
  const int kv_dim = (p->dim * p->n_kv_heads) / p->n_heads;
  const int kv_mul = p->n_heads / p->n_kv_heads;
  const int hidden_dim = p->hidden_dim;
  const int head_size = dim / p->n_heads;

  std::memcpy(x, w.token_embedding_table + static_cast<std::size_t>(token) * dim, dim * sizeof(*x));

  for (int l = 0; l < p->n_layers; l++) {
    rmsnorm(s->xb, x, w.rms_att_weight + l * dim, dim);

    const int loff = l * p->seq_len * kv_dim;  // kv cache layer offset
    float* k = s->key_cache + loff + pos * kv_dim;
    float* v = s->value_cache + loff + pos * kv_dim;

    matmul(s->q, s->xb, w.wq + l * dim * dim, dim, dim);
    matmul(k, s->xb, w.wk + l * dim * kv_dim, dim, kv_dim);
    matmul(v, s->xb, w.wv + l * dim * kv_dim, dim, kv_dim);

    // RoPE relative positional encoding: complex-valued rotate q and k in each head
    for (int i = 0; i < dim; i += 2) {
      const int head_dim = i % head_size;
      const float freq = 1.0f / powf(10000.0f, head_dim / (float)head_size);
      const float val = pos * freq;
      const float fcr = cosf(val);
      const float fci = sinf(val);
      const int rotn = i < kv_dim ? 2 : 1;  // how many vectors? 2 = q & k, 1 = q only
      for (int r = 0; r < rotn; r++) {
        float* vec = r == 0 ? s->q : k;
        const float v0 = vec[i];
        const float v1 = vec[i + 1];
        vec[i] = v0 * fcr - v1 * fci;
        vec[i + 1] = v0 * fci + v1 * fcr;
      }
    }

    // multihead attention. iterate over all heads
    for (int h = 0; h < p->n_heads; h++) {
      const float* q = s->q + h * head_size;
      float* att = s->att + h * p->seq_len;
      for (int t = 0; t <= pos; t++) {
        const float* kt = s->key_cache + loff + t * kv_dim + (h / kv_mul) * head_size;
        float score = 0.0f;
        for (int i = 0; i < head_size; i++) score += q[i] * kt[i];
        score /= sqrtf(head_size);
        att[t] = score;
      }
      softmax(att, pos + 1);
      float* xb = s->xb + h * head_size;
      std::memset(xb, 0, head_size * sizeof(float));
      for (int t = 0; t <= pos; t++) {
        const float* vt = s->value_cache + loff + t * kv_dim + (h / kv_mul) * head_size;
        const float a = att[t];
        for (int i = 0; i < head_size; i++) xb[i] += a * vt[i];
      }
    }

    matmul(s->xb2, s->xb, w.wo + l * dim * dim, dim, dim);
    for (int i = 0; i < dim; i++) x[i] += s->xb2[i];

    rmsnorm(s->xb, x, w.rms_ffn_weight + l * dim, dim);
    matmul(s->hb, s->xb, w.w1 + l * dim * hidden_dim, dim, hidden_dim);
    matmul(s->hb2, s->xb, w.w3 + l * dim * hidden_dim, dim, hidden_dim);
    // SwiGLU non-linearity
    for (int i = 0; i < hidden_dim; i++) {
      float val = s->hb[i];
      val *= (1.0f / (1.0f + expf(-val)));  // silu(x)=x*σ(x)
      val *= s->hb2[i];
      s->hb[i] = val;
    }
    matmul(s->xb, s->hb, w.w2 + l * dim * hidden_dim, hidden_dim, dim);
    for (int i = 0; i < dim; i++) x[i] += s->xb[i];
  }

  rmsnorm(x, x, w.rms_final_weight, dim);
  matmul(s->logits, x, w.wcls, p->dim, p->vocab_size);
  return s->logits;
}

}  // namespace LLAMA2C_NAMESPACE
