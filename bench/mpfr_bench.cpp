#include <benchmark/benchmark.h>
// Placeholder: filled in by the mpfr work.
BENCHMARK_MAIN();
