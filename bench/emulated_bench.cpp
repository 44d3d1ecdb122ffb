// Throughput of scalar Emulated<fp16> and Emulated<bf16> arithmetic
// (add, mul, fma) against native float, measured in the same run; the
// ratio is reported as a counter and in a summary line.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "glasses/numerics/emulated.hpp"
#include "glasses/numerics/random.hpp"

namespace gn = glasses::numerics;

namespace {

constexpr std::size_t kN = 4096;

template <class T>
std::vector<T> values(std::uint64_t seed) {
  gn::PortableRandom rng(seed);
  std::vector<T> v;
  for (std::size_t i = 0; i < kN; ++i) v.push_back(T(static_cast<float>(0.5 + rng.uniform())));
  return v;
}

// acc_i = acc_i (op) b_i over independent lanes (no loop-carried chain).
template <class T, int Op>
void run(benchmark::State& state) {
  const std::vector<T> a = values<T>(1), b = values<T>(2), c = values<T>(3);
  std::vector<T> out(kN);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; ++i) {
      if constexpr (Op == 0) out[i] = a[i] + b[i];
      if constexpr (Op == 1) out[i] = a[i] * b[i];
      if constexpr (Op == 2) {
        using std::fma;
        out[i] = fma(a[i], b[i], c[i]);
      }
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kN));
}

}  // namespace

BENCHMARK(run<float, 0>)->Name("float/add");
BENCHMARK(run<float, 1>)->Name("float/mul");
BENCHMARK(run<float, 2>)->Name("float/fma");
BENCHMARK(run<gn::Fp16, 0>)->Name("Emulated<fp16>/add");
BENCHMARK(run<gn::Fp16, 1>)->Name("Emulated<fp16>/mul");
BENCHMARK(run<gn::Fp16, 2>)->Name("Emulated<fp16>/fma");
BENCHMARK(run<gn::Bf16, 0>)->Name("Emulated<bf16>/add");
BENCHMARK(run<gn::Bf16, 1>)->Name("Emulated<bf16>/mul");
BENCHMARK(run<gn::Bf16, 2>)->Name("Emulated<bf16>/fma");

// Prints ns/operation and the ratio to float for each operation.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) times_[r.benchmark_name()] = r.GetAdjustedCPUTime() / static_cast<double>(kN);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nns per operation (ratio to native float, same run):\n");
    for (const char* op : {"add", "mul", "fma"}) {
      const double f = times_[std::string("float/") + op];
      for (const char* t : {"Emulated<fp16>", "Emulated<bf16>"}) {
        const double e = times_[std::string(t) + "/" + op];
        std::printf("  %-15s %-4s %6.2f ns  (%.1fx float's %.2f ns)\n", t, op, e, e / f, f);
      }
    }
  }

 private:
  std::map<std::string, double> times_;
};

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
}
