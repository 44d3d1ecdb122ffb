// Sweep scaling: a KV-cached sweep over n = 1..N costs O(N²), so
// time(1..2N) / time(1..N) should be about 4 (target <= 4.5), for N = 512
// and 1024 on the default preset in fp32, measured in the same run.
#include <chrono>
#include <cstdio>

#include "glasses/model/sweep.hpp"
#include "glasses/model/tasks.hpp"

namespace gm = glasses::model;

namespace {
double seconds(const gm::ModelSource& m, const gm::PairFamily& family, std::size_t top) {
  gm::SweepSettings s;
  for (std::size_t n = 1; n <= top; ++n) s.ns.push_back(n);
  s.formats = {"fp32"};
  s.reference = "fp32";
  s.certify = false;
  s.threads = 1;
  const auto t0 = std::chrono::steady_clock::now();
  gm::run_sweep(m, family, s, {});
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main() {
  const gm::ModelSource m = gm::make_preset("default");
  const gm::PairFamily family(m, gm::FamilyOptions{});  // count-ones
  std::printf("count-ones on the default preset, fp32, one thread\n");
  for (std::size_t n : {512u, 1024u}) {
    const double a = seconds(m, family, n), b = seconds(m, family, 2 * n);
    std::printf("N = %4zu: time(1..N) = %.3f s, time(1..2N) = %.3f s, ratio %.2f (target <= 4.5)\n", n, a, b, b / a);
  }
}
