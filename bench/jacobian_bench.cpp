// Cost of the reverse-mode Jacobians (model/jacobian.hpp) against the forward.
//
// For one input, all blocks J_i = ∂y_n/∂v_i^(0) (every i, all d components of
// y_n) by record + one blocked backward sweep, against one forward() of the
// same model in the same scalar type (all positions, no logits). Both run
// inside the same benchmark iteration, alternating which goes first, timed in
// thread CPU time, so the ratio Jacobian / forward is measured under the same
// conditions. Target: ratio <= d + 2 (d the model width), for fp64 and for
// MPFR at 256 bits; the counter `per_component` is ratio / d.
//
// Models: the default preset (d = 64, L = 4, RoPE, RMSNorm, SwiGLU) on 16
// tokens, and the paper-literal preset (d = 16, L = 2, ReLU) on 32 tokens;
// the full and the frozen variant.
#include <benchmark/benchmark.h>

#include <time.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "glasses/model/jacobian.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/model/run.hpp"
#include "thread_clock.hpp"

namespace {

namespace gm = glasses::model;
namespace gn = glasses::numerics;

struct Row {
  std::string name;
  double ratio = 0;
  double target = 0;
};

std::vector<Row>& table() {
  static std::vector<Row> rows;
  return rows;
}

void record_ratio(const std::string& name, double ratio, double target) {
  for (Row& r : table()) {
    if (r.name == name) {
      r.ratio = ratio;
      return;
    }
  }
  table().push_back({name, ratio, target});
}

std::vector<int> tokens(std::size_t n) {
  std::vector<int> t;
  for (std::size_t i = 0; i < n; ++i) t.push_back(static_cast<int>((7 * i + 3) % 10));
  return t;
}

template <class T>
void BM_jacobian_vs_forward(benchmark::State& state, const char* preset, std::size_t n, gm::JacobianKind kind,
                            long bits) {
  const gm::ModelSource s = gm::make_preset(preset);
  const gm::InputSequence input = gm::make_input(s, tokens(n));
  gm::NoSiteRounding none;
  typename gn::ScalarTraits<T>::Context ctx;
  if constexpr (std::is_same_v<typename gn::ScalarTraits<T>::Context, gn::PrecisionContext>) {
    ctx = gn::PrecisionContext(bits);
  }
  gm::Env<T, gm::NoSiteRounding> env{ctx, none};
  const gm::PreparedModel<T> m = gm::prepare(s.config, s.weights, env);
  gm::ForwardOptions fo;
  fo.logits = false;
  gm::JacobianOptions jo;
  jo.kind = kind;
  double forward_seconds = 0, jacobian_seconds = 0;
  bool forward_first = true;
  for (auto _ : state) {
    for (int pass = 0; pass < 2; ++pass) {
      const double t0 = thread_cpu_seconds();
      if (forward_first == (pass == 0)) {
        const gm::Trace<T> t = gm::forward(m, env, input, fo);
        benchmark::DoNotOptimize(t.y.data.data());
        forward_seconds += thread_cpu_seconds() - t0;
      } else {
        const gm::Jacobians<T> J = gm::jacobians(m, env, input, jo);
        benchmark::DoNotOptimize(J.blocks.data());
        jacobian_seconds += thread_cpu_seconds() - t0;
      }
    }
    forward_first = !forward_first;
  }
  const double d = static_cast<double>(s.config.d_model);
  const double ratio = jacobian_seconds / forward_seconds;
  const double iterations = static_cast<double>(state.iterations());
  state.counters["forward_ms"] = 1e3 * forward_seconds / iterations;
  state.counters["jacobian_ms"] = 1e3 * jacobian_seconds / iterations;
  state.counters["ratio"] = ratio;
  state.counters["per_component"] = ratio / d;
  record_ratio(gn::ScalarTraits<T>::name(ctx) + " " + preset + " n=" + std::to_string(n) + " " +
                   std::string(gm::to_string(kind)),
               ratio, d + 2);
}

void register_all() {
  struct Model {
    const char* preset;
    std::size_t n;
  };
  for (const Model& model : {Model{"default", 16}, Model{"paper-literal", 32}}) {
    for (const gm::JacobianKind kind : {gm::JacobianKind::full, gm::JacobianKind::frozen}) {
      const std::string suffix = std::string(model.preset) + "/n=" + std::to_string(model.n) + "/" +
                                 std::string(gm::to_string(kind));
      benchmark::RegisterBenchmark(("fp64/" + suffix).c_str(), [model, kind](benchmark::State& st) {
        BM_jacobian_vs_forward<double>(st, model.preset, model.n, kind, 0);
      })->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("mpfr256/" + suffix).c_str(), [model, kind](benchmark::State& st) {
        BM_jacobian_vs_forward<gn::MpfrReal>(st, model.preset, model.n, kind, 256);
      })->Unit(benchmark::kMillisecond)->MinTime(2.0);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf("\nall Jacobian blocks of one final token / one forward (target <= d + 2):\n");
  for (const Row& r : table()) {
    std::printf("  %-44s %7.2f  (target %.0f)%s\n", r.name.c_str(), r.ratio, r.target,
                r.ratio <= r.target ? "" : "  ABOVE TARGET");
  }
  return 0;
}
