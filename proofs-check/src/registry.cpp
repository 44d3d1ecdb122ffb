#include <string>

#include "glasses/numerics/error.hpp"
#include "glasses/proofs/check.hpp"
#include "glasses/proofs/checks.hpp"

namespace glasses::proofs {

const std::vector<CheckInfo>& registry() {
  using E = Expectation;
  static const std::vector<CheckInfo> checks{
      {"B.1", "softmax dilution", E::holds, check_b1_softmax_dilution},
      {"B.2", "total variation decay under tail convergence", E::holds, check_b2_total_variation},
      {"B.2-literal", "Lemma 4.1 as literally stated", E::refuted, check_b2_literal},
      {"B.3", "representational collapse", E::holds, check_b3_representational_collapse},
      {"B.4", "alternating sequences do not converge", E::holds, check_b4_alternating},
      {"B.5", "over-squashing bound, assumptions matched", E::holds, check_b5_oversquashing},
      {"B.5-full", "over-squashing bound, assumptions dropped", E::measurement, check_b5_full},
      {"B.6", "spectra of causal attention matrices", E::holds, check_b6_spectra},
      {"B.6-counterexample", "simple eigenvalue 1 fails without its hypothesis", E::refuted, check_b6_counterexample},
      {"B.7", "products of causal attention matrices", E::holds, check_b7_products},
      {"B.8", "limit of depth", E::holds, check_b8_depth_limit},
      {"B.9", "no counting without positions", E::holds, check_b9_no_position_counting},
      {"B.10", "counting impossible in finite precision", E::holds, check_b10_counting},
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

}  // namespace glasses::proofs
