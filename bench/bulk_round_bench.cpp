// Bulk rounding speed: 10^7 binary32 values rounded to fp16 and to bf16
// (nearest even), on the portable path and on the path chosen at run time
// (GLASSES_SIMD restricts it), against a plain copy of the same array and
// against CPFloat (bench/third_party/cpfloat) on the same inputs, all
// measured in the same run; and 4096 values rounded over and over (in
// cache), glasses against CPFloat.
//
// The values are spread over the target's subnormal (10%), normal (80%) and
// overflow (10%) magnitudes, log-uniformly within each band, random sign,
// from a fixed seed. Every benchmark writes to a separate output array, as
// the copies do. Two copies of the same array set the floor: memcpy (the
// plain copy; glibc uses non-temporal stores at this size) and a loop of
// 512-bit loads and stores (the memory traffic of the vector kernels). Times
// are per-thread CPU time, so that other processes on a shared machine do
// not inflate them (wall time is printed too); the counters are
//   ns_per_element   CPU time per element
//   ratio_to_copy    that time over memcpy's CPU time per element
// and a summary table is printed at the end.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "glasses/numerics/bulk_round.hpp"
#include "glasses/numerics/format.hpp"
#include "glasses/numerics/random.hpp"
#include "glasses/numerics/simd.hpp"
#include "cpfloat_baseline.h"
#include "thread_clock.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GLASSES_BENCH_X86 1
#else
#define GLASSES_BENCH_X86 0
#endif

namespace gn = glasses::numerics;
using gn::detail::BulkKernel;

namespace {

constexpr std::size_t kElements = 10'000'000;
constexpr std::uint64_t kSeed = 20240611;

// Log-uniform magnitude in [lo, hi), random sign.
float log_uniform(gn::PortableRandom& rng, double lo, double hi) {
  const double a = std::log2(lo), b = std::log2(hi);
  const double magnitude = std::exp2(a + (b - a) * rng.uniform());
  const double sign = (rng.next() & 1) != 0 ? -1.0 : 1.0;
  return static_cast<float>(sign * std::min(magnitude, 3.4028234663852886e38));
}

std::vector<float> make_inputs(const gn::Format& f) {
  gn::PortableRandom rng(kSeed);
  const double smallest = gn::min_subnormal(f);
  const double normal = gn::min_normal(f);
  const double top = gn::max_finite(f);
  const double beyond = std::min(top * 16, 3.4028234663852886e38);
  std::vector<float> v(kElements);
  for (auto& x : v) {
    const auto band = rng.next() % 10;
    if (band == 0) {
      x = log_uniform(rng, smallest, normal);
    } else if (band == 1) {
      x = log_uniform(rng, top, beyond);
    } else {
      x = log_uniform(rng, normal, top);
    }
  }
  return v;
}

const std::vector<float>& inputs(const std::string& format) {
  static std::map<std::string, std::vector<float>> cache;
  auto it = cache.find(format);
  if (it == cache.end()) it = cache.emplace(format, make_inputs(gn::parse_format(format))).first;
  return it->second;
}

struct Result {
  double ns_per_element = 0;       // CPU
  double wall_ns_per_element = 0;  // wall clock
};
std::map<std::string, Result>& results() {
  static std::map<std::string, Result> r;
  return r;
}
double copy_ns_per_element = 0;

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void finish(benchmark::State& state, const std::string& name, double seconds, double wall, bool is_copy = false) {
  const double per = 1e9 / (static_cast<double>(state.iterations()) * kElements);
  const double ns = seconds * per;
  results()[name].ns_per_element = ns;
  results()[name].wall_ns_per_element = wall * per;
  if (is_copy) copy_ns_per_element = ns;
  state.counters["ns_per_element"] = ns;
  if (copy_ns_per_element > 0) state.counters["ratio_to_copy"] = ns / copy_ns_per_element;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(kElements));
}

void BM_copy(benchmark::State& state) {
  const std::vector<float>& in = inputs("fp16");
  std::vector<float> out(in.size());
  const double start = thread_cpu_seconds(), wall = wall_seconds();
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), in.size() * sizeof(float));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  finish(state, "copy (memcpy)", thread_cpu_seconds() - start, wall_seconds() - wall, true);
}

#if GLASSES_BENCH_X86
__attribute__((target("avx512f"))) void copy_512(const float* in, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, _mm512_loadu_ps(in + i));
  for (; i < n; ++i) out[i] = in[i];
}
#endif

void BM_copy_vector(benchmark::State& state) {
#if GLASSES_BENCH_X86
  if (!__builtin_cpu_supports("avx512f")) {
    state.SkipWithError("no AVX-512 on this machine");
    return;
  }
  const std::vector<float>& in = inputs("fp16");
  std::vector<float> out(in.size());
  const double start = thread_cpu_seconds(), wall = wall_seconds();
  for (auto _ : state) {
    copy_512(in.data(), out.data(), in.size());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  finish(state, "copy (512-bit loop)", thread_cpu_seconds() - start, wall_seconds() - wall);
#else
  state.SkipWithError("not x86");
#endif
}

void BM_round(benchmark::State& state, const std::string& format, BulkKernel kernel, const std::string& name) {
  const gn::Format f = gn::parse_format(format);
  const std::vector<float>& in = inputs(format);
  std::vector<float> out(in.size());
  if (kernel != BulkKernel::automatic && !gn::detail::bulk_kernel_available(kernel)) {
    state.SkipWithError("kernel not available on this machine");
    return;
  }
  gn::Flags flags;
  const double start = thread_cpu_seconds(), wall = wall_seconds();
  for (auto _ : state) {
    gn::RoundingContext ctx{gn::Rounding::near_even};
    flags = gn::detail::round_array_with(kernel, f, std::span<const float>(in), std::span<float>(out), ctx);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  finish(state, name, thread_cpu_seconds() - start, wall_seconds() - wall);
  benchmark::DoNotOptimize(flags);
}

// round_array_values: without flags (what a caller that does not ask for
// them gets: the Highway kernel on the target GLASSES_SIMD chooses).
void BM_no_flags(benchmark::State& state, const std::string& format) {
  const gn::Format f = gn::parse_format(format);
  const std::vector<float>& in = inputs(format);
  std::vector<float> out(in.size());
  const double start = thread_cpu_seconds(), wall = wall_seconds();
  for (auto _ : state) {
    gn::round_array_values(f, gn::Rounding::near_even, std::span<const float>(in), std::span<float>(out));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  finish(state, format + "/highway, no flags", thread_cpu_seconds() - start, wall_seconds() - wall);
}

// CPFloat on the same inputs (cpfloat_baseline.c): p = 11 fp16, 8 bf16.
// Its values are checked against glasses' before timing.
void BM_cpfloat(benchmark::State& state, const std::string& format) {
  const gn::Format f = gn::parse_format(format);
  const std::vector<float>& in = inputs(format);
  std::vector<float> out(in.size()), want(in.size());
  gn::round_array(f, gn::Rounding::near_even, std::span<const float>(in), std::span<float>(want));
  if (cpfloat_baseline_round(out.data(), in.data(), in.size(), f.p) != 0 ||
      std::memcmp(out.data(), want.data(), in.size() * sizeof(float)) != 0) {
    state.SkipWithError("CPFloat and glasses round differently");
    return;
  }
  const double start = thread_cpu_seconds(), wall = wall_seconds();
  for (auto _ : state) {
    cpfloat_baseline_round(out.data(), in.data(), in.size(), f.p);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  finish(state, format + "/CPFloat", thread_cpu_seconds() - start, wall_seconds() - wall);
}

// In cache: the first kCached inputs (16 KB in, 16 KB out: L1), rounded
// kElements / kCached times per iteration, by `round(in, out, n)`.
constexpr std::size_t kCached = 4096;
template <class Round>
void in_cache(benchmark::State& state, const std::string& format, const std::string& name, Round round) {
  const std::vector<float> in(inputs(format).begin(), inputs(format).begin() + kCached);
  std::vector<float> out(kCached);
  const double start = thread_cpu_seconds(), wall = wall_seconds();
  for (auto _ : state) {
    for (std::size_t r = 0; r < kElements / kCached; ++r) {
      round(in.data(), out.data(), kCached);
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
  }
  // finish() divides by kElements per iteration; kElements / kCached
  // rounds of kCached are slightly fewer.
  const double scale = static_cast<double>(kElements) / static_cast<double>(kElements / kCached * kCached);
  finish(state, format + "/" + name + " (in cache)", (thread_cpu_seconds() - start) * scale,
         (wall_seconds() - wall) * scale);
}

const char* kernel_name(BulkKernel k) {
  switch (k) {
    case BulkKernel::portable: return "portable";
    case BulkKernel::avx512: return "avx512 integer";
    case BulkKernel::simd_bf16: return "highway bf16";
    case BulkKernel::simd_fp16: return "highway fp16";
    case BulkKernel::automatic: return "dispatched";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  // The copies run first, so every rounding benchmark can report its ratio.
  benchmark::RegisterBenchmark("copy/memcpy", BM_copy)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("copy/512-bit loop", BM_copy_vector)->Unit(benchmark::kMillisecond);
  struct Case {
    const char* format;
    BulkKernel kernel;
  };
  const Case cases[] = {{"fp16", BulkKernel::portable}, {"fp16", BulkKernel::automatic},
                        {"fp16", BulkKernel::avx512},   {"bf16", BulkKernel::portable},
                        {"bf16", BulkKernel::avx512},   {"bf16", BulkKernel::automatic}};
  std::vector<std::string> order{"copy (512-bit loop)"};
  for (const Case& c : cases) {
    const std::string name = std::string(c.format) + "/" + kernel_name(c.kernel);
    order.push_back(name);
    benchmark::RegisterBenchmark(("round/" + name).c_str(),
                                 [c, name](benchmark::State& s) { BM_round(s, c.format, c.kernel, name); })
        ->Unit(benchmark::kMillisecond);
  }
  for (const std::string format : {"fp16", "bf16"}) {
    benchmark::RegisterBenchmark(("round/" + format + "/highway, no flags").c_str(),
                                 [format](benchmark::State& s) { BM_no_flags(s, format); })
        ->Unit(benchmark::kMillisecond);
    order.push_back(format + "/highway, no flags");
  }
  for (const std::string format : {"fp16", "bf16"}) {
    benchmark::RegisterBenchmark(("round/" + format + "/CPFloat").c_str(),
                                 [format](benchmark::State& s) { BM_cpfloat(s, format); })
        ->Unit(benchmark::kMillisecond);
    order.push_back(format + "/CPFloat");
  }
  // In cache: glasses dispatched (flags), the kernel without flags, CPFloat.
  for (const std::string format : {"fp16", "bf16"}) {
    const gn::Format f = gn::parse_format(format);
    benchmark::RegisterBenchmark(("round in cache/" + format + "/dispatched").c_str(), [format, f](benchmark::State& s) {
      in_cache(s, format, "dispatched", [&f](const float* in, float* out, std::size_t n) {
        gn::round_array(f, gn::Rounding::near_even, std::span<const float>(in, n), std::span<float>(out, n));
      });
    })->Unit(benchmark::kMillisecond);
    order.push_back(format + "/dispatched (in cache)");
    benchmark::RegisterBenchmark(("round in cache/" + format + "/highway, no flags").c_str(),
                                 [format, f](benchmark::State& s) {
      in_cache(s, format, "highway, no flags", [&f](const float* in, float* out, std::size_t n) {
        gn::round_array_values(f, gn::Rounding::near_even, std::span<const float>(in, n), std::span<float>(out, n));
      });
    })->Unit(benchmark::kMillisecond);
    order.push_back(format + "/highway, no flags (in cache)");
    benchmark::RegisterBenchmark(("round in cache/" + format + "/CPFloat").c_str(), [format, f](benchmark::State& s) {
      in_cache(s, format, "CPFloat", [&f](const float* in, float* out, std::size_t n) {
        cpfloat_baseline_round(out, in, n, f.p);
      });
    })->Unit(benchmark::kMillisecond);
    order.push_back(format + "/CPFloat (in cache)");
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  std::printf("\nbulk rounding of %zu binary32 values, nearest even, one thread\n", kElements);
  std::printf("(dispatched: fp16 -> %s, bf16 -> %s; ratios use CPU time)\n",
              kernel_name(gn::detail::bulk_kernel_for(gn::formats::fp16, gn::Rounding::near_even, true)),
              kernel_name(gn::detail::bulk_kernel_for(gn::formats::bf16, gn::Rounding::near_even, true)));
  std::printf("  %-40s %14s %14s %15s\n", "case", "CPU ns/elem", "wall ns/elem", "ratio to copy");
  const auto& r = results();
  auto line = [&](const std::string& name) {
    if (r.count(name) == 0) return;
    const Result& x = r.at(name);
    std::printf("  %-40s %14.3f %14.3f %15.2f\n", name.c_str(), x.ns_per_element, x.wall_ns_per_element,
                copy_ns_per_element > 0 ? x.ns_per_element / copy_ns_per_element : 0.0);
  };
  line("copy (memcpy)");
  for (const auto& name : order) line(name);
  // Against CPFloat, same inputs, same run. Targets: bf16 <= 1 (no slower
  // than CPFloat), fp16 <= 1/3 (at least 3x faster).
  std::printf("\nglasses time / CPFloat time (targets: bf16 <= 1, fp16 <= 0.33):\n");
  const auto versus = [&](const std::string& format, const std::string& ours, const std::string& where) {
    const std::string a = format + "/" + ours + where, b = format + "/CPFloat" + where;
    if (r.count(a) == 0 || r.count(b) == 0) return;
    const double ratio = r.at(a).ns_per_element / r.at(b).ns_per_element;
    const double target = format == "bf16" ? 1.0 : 1.0 / 3;
    std::printf("  %-48s %6.3f  %s\n", (a + " / CPFloat").c_str(), ratio, ratio <= target ? "met" : "NOT MET");
  };
  for (const std::string where : {"", " (in cache)"}) {
    for (const std::string format : {"fp16", "bf16"}) {
      versus(format, "dispatched", where);
      versus(format, "highway, no flags", where);
    }
  }
  return 0;
}
