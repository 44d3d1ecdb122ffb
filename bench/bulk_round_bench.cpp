#include <benchmark/benchmark.h>
// Placeholder: filled in by the bulk_round work.
BENCHMARK_MAIN();
