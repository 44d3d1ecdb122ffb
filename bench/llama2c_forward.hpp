// A forward pass written like karpathy/llama2.c's run.c (at 350e04f): the
// speed baseline of bench_decode. Compiled on its own, once per instruction
// set, with llama2.c's fastest flags (-Ofast -march=...; see
// bench/CMakeLists.txt); these flags apply to this baseline only, never to
// glasses code. Shapes and names follow run.c; matrices are row-major
// out × in, and the matmul is run.c's `val += w[i*n + j] * x[j]` loop.
#pragma once

namespace llama2c {

struct Config {
  int dim;         // transformer dimension
  int hidden_dim;  // for ffn layers
  int n_layers;
  int n_heads;
  int n_kv_heads;
  int vocab_size;
  int seq_len;
};

// Pointers into weights owned by the caller, laid out as in run.c.
struct Weights {
  const float* token_embedding_table;  // (vocab_size, dim)
  const float* rms_att_weight;         // (layer, dim)
  const float* rms_ffn_weight;         // (layer, dim)
  const float* wq;                     // (layer, dim, n_heads * head_size)
  const float* wk;                     // (layer, dim, n_kv_heads * head_size)
  const float* wv;                     // (layer, dim, n_kv_heads * head_size)
  const float* wo;                     // (layer, n_heads * head_size, dim)
  const float* w1;                     // (layer, hidden_dim, dim)  gate
  const float* w2;                     // (layer, dim, hidden_dim)  down
  const float* w3;                     // (layer, hidden_dim, dim)  up
  const float* rms_final_weight;       // (dim,)
  const float* wcls;                   // (vocab_size, dim)
};

struct RunState;

}  // namespace llama2c

// One namespace per compilation (LLAMA2C_NAMESPACE in llama2c_forward.cpp).
#define LLAMA2C_DECLARE(ns)                                                                           \
  namespace ns {                                                                                      \
  llama2c::RunState* new_state(const llama2c::Config& c);                                             \
  void free_state(llama2c::RunState* s);                                                              \
  /* The logits (vocab_size) of `token` at position `pos`; the KV cache holds positions < pos. */   \
  float* forward(const llama2c::Config& c, const llama2c::Weights& w, llama2c::RunState* s, int token, \
                 int pos);                                                                            \
  }

LLAMA2C_DECLARE(llama2c_x86_64_v3)  // -Ofast -march=x86-64-v3 (x86-64 only)
LLAMA2C_DECLARE(llama2c_native)     // -Ofast -march=native
