#include <chrono>
#include <mutex>
#include <string>

#include "glasses/numerics/error.hpp"
#include "glasses/numerics/parallel.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/proofs/checks.hpp"

namespace glasses::proofs {

const std::vector<CheckInfo>& registry() {
  using E = Expectation;
  static const std::vector<CheckInfo> checks{
      {"B.1", "softmax dilution", E::holds, check_b1_softmax_dilution, 1, 20},
      {"B.2", "total variation decay under tail convergence", E::holds, check_b2_total_variation, 2, 10},
      {"B.2-literal", "Lemma 4.1 as literally stated", E::refuted, check_b2_literal, 1, 2},
      {"B.3", "representational collapse", E::holds, check_b3_representational_collapse, 2, 240},
      {"B.4", "alternating sequences do not converge", E::holds, check_b4_alternating, 1, 10},
      {"B.5", "over-squashing bound, assumptions matched", E::holds, check_b5_oversquashing, 2, 45},
      {"B.5-full", "over-squashing bound, assumptions dropped", E::measurement, check_b5_full, 1, 30},
      {"B.5-spectral", "over-squashing bound in the spectral norm", E::holds, check_b5_spectral, 25, 150},
      {"B.6", "spectra of causal attention matrices", E::holds, check_b6_spectra, 1, 10},
      {"B.6-counterexample", "simple eigenvalue 1 fails without its hypothesis", E::refuted, check_b6_counterexample, 1, 2},
      {"B.6-bidirectional", "spectra of attention without the causal mask", E::holds, check_b6_bidirectional, 2, 10},
      {"B.7", "products of causal attention matrices", E::holds, check_b7_products, 1, 10},
      {"B.8", "limit of depth", E::holds, check_b8_depth_limit, 6, 20},
      {"B.9", "no counting without positions", E::holds, check_b9_no_position_counting, 12, 66},
      {"B.10", "counting impossible in finite precision", E::holds, check_b10_counting, 12, 300},
      {"R.1", "RoPE scores depend only on the offset", E::holds, check_r1_rope_relative, 2, 5},
      {"S.1", "softmax dispersion with bounded logits", E::holds, check_s1_softmax_dispersion, 2, 10},
  };
  return checks;
}

const CheckInfo& find_check(std::string_view id) {
  std::string known;
  for (const CheckInfo& c : registry()) {
    if (c.id == id) return c;
    known += (known.empty() ? "" : " ") + std::string(c.id);
  }
  throw InputError("check '" + std::string(id) + "': unknown; checks are " + known);
}

CheckResult run_check(const CheckInfo& info, const CheckOptions& options) {
  CheckResult result = info.run(options);
  result.id = std::string(info.id);
  result.expected = info.expected;
  return result;
}

std::vector<CheckResult> run_checks(const std::vector<const CheckInfo*>& checks, const CheckOptions& options,
                                    int threads, const std::function<void(std::size_t, double)>& on_done) {
  std::vector<double> costs;
  for (const CheckInfo* c : checks) costs.push_back(c->seconds(options.quick));
  std::vector<CheckResult> results(checks.size());
  std::mutex callback_mutex;
  numerics::run_longest_first(costs, threads, [&](std::size_t i) {
    const auto start = std::chrono::steady_clock::now();
    results[i] = run_check(*checks[i], options);
    if (on_done) {
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::lock_guard<std::mutex> lock(callback_mutex);
      on_done(i, seconds);
    }
  });
  return results;
}

}  // namespace glasses::proofs
