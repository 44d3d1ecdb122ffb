// CPFloat (bench/third_party/cpfloat) rounding binary32 arrays to nearest
// even in fp16 or bf16, with subnormals and overflow to infinity: the
// baseline of bench_bulk_round. Compiled as C with CPFloat's own flags
// (-O3 -march=native -std=gnu99), without OpenMP (one thread).
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Returns 0 on success (CPFloat's return value). p = 11: fp16, p = 8: bf16.
int cpfloat_baseline_round(float* out, const float* in, size_t n, int p);

#ifdef __cplusplus
}
#endif
