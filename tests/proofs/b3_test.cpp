// B.3 checker: verdicts of the quick configuration, a closed form of the
// bound for uniform attention, and a broken bound that must be refuted.
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "glasses/model/presets.hpp"
#include "glasses/numerics/fit.hpp"
#include "glasses/proofs/b3_representational_collapse.hpp"
#include "glasses/proofs/check.hpp"

namespace gp = glasses::proofs;
namespace gm = glasses::model;

BOOST_AUTO_TEST_SUITE(b3)

BOOST_AUTO_TEST_CASE(quick_configuration_verdicts_and_slopes) {
  const gp::CheckResult r = gp::run_check(gp::find_check("B.3"), {true, 0});
  BOOST_TEST(r.id == "B.3");
  const auto counts = r.verdict_counts();
  BOOST_TEST(counts[static_cast<int>(gp::Verdict::refuted)] == 0);
  BOOST_TEST(counts[static_cast<int>(gp::Verdict::inconclusive)] == 0);
  BOOST_TEST(counts[static_cast<int>(gp::Verdict::proven)] > 30);
  // The NoPE decay is Θ(1/n) (THEORY B.3): the fitted slope of the data.
  for (const gp::Series& s : r.data) {
    std::vector<double> x, y;
    for (const auto& row : s.rows) {
      x.push_back(row[0]);
      y.push_back(row[2]);
    }
    const double slope = glasses::numerics::loglog_slope(x, y, 32).value_or(0.0);
    if (s.name == "b3_decay_none") BOOST_TEST((slope < -0.8 && slope > -1.2), "NoPE slope " << slope);
    if (s.name == "b3_decay_rope") BOOST_TEST(slope < -0.1, "RoPE slope " << slope);
    if (s.name == "b3_decay_sinusoidal") BOOST_TEST(slope > -0.1, "APE slope " << slope);
  }
  int flagged = 0;
  for (const std::string& note : r.notes) flagged += note.find("FLAGGED") != std::string::npos;
  BOOST_TEST(flagged >= 2);  // absolute positions in the residual, and ALiBi's plateau or learned
}

// With all tokens equal the attention is uniform: α_i = 1/n, α*_i = 1/(n+1),
// so the bound is 2(n-1)/(n(n+1)) ‖u‖₁ (worked by hand), and z_n = z*_(n+1).
BOOST_AUTO_TEST_CASE(uniform_attention_bound_in_closed_form) {
  const gm::ModelSource m = gm::make_preset("paper-literal");
  const int token = 4;
  for (std::size_t n : {2u, 7u, 30u}) {
    const gp::detail::B3LayerZero s = gp::detail::b3_layer_zero(m, std::vector<int>(n, token), 128);
    // u = e / sqrt(mean(e²) + eps): RMSNorm without gain, in double.
    const double* e = m.weights.token_embedding.row(token);
    double ms = 0;
    for (int i = 0; i < m.config.d_model; ++i) ms += e[i] * e[i] / m.config.d_model;
    double u1 = 0;
    for (int i = 0; i < m.config.d_model; ++i) u1 += std::fabs(e[i] / std::sqrt(ms + m.config.norm_eps));
    const double nn = static_cast<double>(n);
    const double want = 2 * (nn - 1) / (nn * (nn + 1)) * u1;
    BOOST_TEST(std::fabs(s.rhs.to_double() - want) < 1e-12 * want);
    BOOST_TEST(s.lhs.upper().to_double() < 1e-30);
  }
}

// Dropping the last term |α_nn − α*_n − α*_(n+1)| breaks the bound: with a
// prefix of one token and a different last token the left side reaches
// |c_n| ‖u_A − u_B‖₁, above the remaining M |c_n|. The checker must say so.
BOOST_AUTO_TEST_CASE(bound_without_its_last_term_is_refuted) {
  const gm::ModelSource m = gm::make_preset("paper-literal");
  std::vector<int> tokens(12, 3);
  tokens.back() = 7;
  const gp::detail::B3LayerZero broken = gp::detail::b3_layer_zero(m, tokens, 128, true);
  BOOST_TEST((gp::decide({broken.lhs.lower().to_double(), broken.lhs.upper().to_double()}, gp::Relation::less_equal,
                         {broken.rhs.lower().to_double(), broken.rhs.upper().to_double()}) == gp::Verdict::refuted));
  const gp::detail::B3LayerZero sound = gp::detail::b3_layer_zero(m, tokens, 128);
  BOOST_TEST(sound.lhs.upper().to_double() <= sound.rhs.lower().to_double());
}

BOOST_AUTO_TEST_SUITE_END()
