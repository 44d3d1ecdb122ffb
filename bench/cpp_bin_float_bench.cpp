// Cost of the Boost.Multiprecision reference against the MPFR one: the same
// forward pass (the default preset: d = 64, 4 layers, RoPE, RMSNorm, SwiGLU,
// all positions, logits) in cpp_bin_float:256 and in mpfr:256, one thread,
// alternated five times in one run; the ratio of the best times is the
// figure (README "Two references"), absolute times being noise on a shared
// machine. Run: ./build/release/bench/bench_cpp_bin_float [n]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

#include "glasses/model/forward.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/numerics/cpp_bin_float.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

namespace {

template <class T>
double seconds(const gm::ModelSource& model, const typename gn::ScalarTraits<T>::Context& ctx,
               const std::vector<int>& tokens) {
  gm::NoSiteRounding none;
  gm::Env<T, gm::NoSiteRounding> env{ctx, none};
  const auto t0 = std::chrono::steady_clock::now();
  const gm::PreparedModel<T> m = gm::prepare(model, env);
  const gm::Trace<T> trace = gm::forward(m, env, gm::InputSequence{tokens, {}}, gm::ForwardOptions{});
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (trace.logits.data.empty()) std::abort();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? static_cast<std::size_t>(std::atol(argv[1])) : 64;
  const gm::ModelSource model = gm::make_preset("default");
  std::vector<int> tokens(n);
  for (std::size_t i = 0; i < n; ++i) tokens[i] = static_cast<int>(1 + i % 9);
  double boost_best = std::numeric_limits<double>::infinity(), mpfr_best = boost_best, fp64_best = boost_best;
  for (int round = 0; round < 5; ++round) {
    boost_best = std::min(boost_best, seconds<gn::BinFloat256>(model, {}, tokens));
    mpfr_best = std::min(mpfr_best, seconds<gn::MpfrReal>(model, gn::PrecisionContext(256), tokens));
    fp64_best = std::min(fp64_best, seconds<double>(model, {}, tokens));
  }
  std::printf("forward, default preset, n = %zu, one thread, best of 5 (alternated)\n", n);
  std::printf("  cpp_bin_float:256  %9.4f s\n  mpfr:256           %9.4f s\n  fp64               %9.4f s\n", boost_best,
              mpfr_best, fp64_best);
  std::printf("cpp_bin_float:256 / mpfr:256 = %.2f\n", boost_best / mpfr_best);
  std::printf("mpfr:256 / fp64 = %.0f\n", mpfr_best / fp64_best);
}
