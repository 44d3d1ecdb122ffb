// The mitigations of sweeps: the adaptive temperature kernel against the
// paper's polynomial evaluated here by hand (entropy ln n of n equal
// scores), the attention sink in the forward against the weight shares of
// zero scores worked by hand, and sweep_settings()/with_mitigations().
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "glasses/model/forward.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/model/sweep.hpp"
#include "glasses/model/sweep_output.hpp"
#include "glasses/numerics/emulated.hpp"
#include "glasses/numerics/error.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

namespace {

// The paper's fit P(H) = −0.037 H⁴ + 0.481 H³ − 2.3 H² + 4.917 H − 1.791, in long double.
long double poly(long double h) {
  return (((-0.037L * h + 0.481L) * h - 2.3L) * h + 4.917L) * h - 1.791L;
}

template <class T>
std::vector<T> tempered(std::vector<double> scores, T* beta_out = nullptr) {
  gm::NoSiteRounding none;
  gm::Env<T, gm::NoSiteRounding> env{{}, none};
  std::vector<T> s(scores.begin(), scores.end()), scratch;
  T p = env.constant(0);
  const T beta = gm::adaptive_temperature(env, s.data(), s.size(), scratch, p);
  if (beta_out != nullptr) *beta_out = beta;
  return s;
}

// paper-literal with W_Q = 0: every score is 0 in every format.
gm::ModelSource zero_score_model() {
  gm::ModelSource s = gm::make_preset("paper-literal");
  for (auto& layer : s.weights.layers) {
    for (double& w : layer.w_q.data) w = 0;
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mitigations)

BOOST_AUTO_TEST_CASE(adaptive_temperature_is_the_papers_polynomial_of_the_entropy) {
  // n equal scores: α = 1/n, H = ln n. ln 4 = 1.3863: P = 1.75007 > 1, so β = P.
  double beta = 0;
  std::vector<double> s = tempered<double>({0.3, 0.3, 0.3, 0.3}, &beta);
  BOOST_TEST(std::fabs(beta - 1.7500661) < 1e-6);
  BOOST_TEST(std::fabs(beta - static_cast<double>(poly(std::log(4.0L)))) < 1e-14);
  for (double x : s) BOOST_TEST(x == 0.3 * beta);  // still equal: uniform stays uniform
  // ln 8 = 2.0794: P = 2.12142.
  tempered<double>(std::vector<double>(8, -1.5), &beta);
  BOOST_TEST(std::fabs(beta - 2.1214150) < 1e-6);
  // ln 2 = 0.693 > 0.5 but P = 0.664 < 1: β = 1 (never raises the entropy).
  s = tempered<double>({0.7, 0.7}, &beta);
  BOOST_TEST(beta == 1.0);
  BOOST_TEST(s[0] == 0.7);
  // A sharp head, H < 0.5: untouched. (10, 0): H = ln(1 + e^-10) + 10 e^-10/(1 + e^-10) ≈ 5e-4.
  s = tempered<double>({10, 0}, &beta);
  BOOST_TEST(beta == 1.0);
  BOOST_TEST(s[1] == 0.0);
  // In bf16: equal scores stay equal (β rounded into bf16, each product rounded alike).
  using B = gn::Emulated<gn::formats::bf16>;
  const std::vector<B> b = tempered<B>(std::vector<double>(16, 0.25));
  for (const B& x : b) BOOST_TEST(x.value() == b[0].value());
  BOOST_TEST(b[0].value() > 0.25);  // ln 16 = 2.77: P = 2.0, sharpened
}

BOOST_AUTO_TEST_CASE(a_sink_with_zero_scores_takes_its_share) {
  const gm::ModelSource plain = zero_score_model();
  gm::Mitigations m;
  m.sink_logit = 0.0;
  const gm::ModelSource sunk = gm::with_mitigations(plain, m);
  BOOST_TEST(sunk.origin == plain.origin + " +sink=0");
  BOOST_TEST(sunk.config.sink_logit.value() == 0.0);
  gm::ForwardOptions options;
  options.keep_attention = true;
  const std::vector<int> tokens{1, 1, 2, 1, 3, 1};
  gm::NoSiteRounding none;
  gm::Env<double, gm::NoSiteRounding> env{{}, none};
  const gm::Trace<double> with = gm::forward(gm::prepare(sunk, env), env, gm::InputSequence{tokens, {}}, options);
  const gm::Trace<double> without = gm::forward(gm::prepare(plain, env), env, gm::InputSequence{tokens, {}}, options);
  // Query t sees t + 1 keys of score 0 and the sink of score 0: each key 1/(t+2), the sink the same
  // (so the keys' weights sum to (t+1)/(t+2)); without the sink 1/(t+1).
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    for (std::size_t j = 0; j <= t; ++j) {
      BOOST_TEST(with.attention[0][0](t, j) == 1.0 / static_cast<double>(t + 2));
      BOOST_TEST(without.attention[0][0](t, j) == 1.0 / static_cast<double>(t + 1));
    }
  }
  // A sink of score ln 3 = log(3): share 3/(3 + t + 1) for the sink, 1/(t + 4) per key.
  m.sink_logit = std::log(3.0);
  const gm::ModelSource heavy = gm::with_mitigations(plain, m);
  const gm::Trace<double> h = gm::forward(gm::prepare(heavy, env), env, gm::InputSequence{tokens, {}}, options);
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    BOOST_TEST(std::fabs(h.attention[0][0](t, 0) - 1.0 / static_cast<double>(t + 4)) < 1e-15);
  }
}

BOOST_AUTO_TEST_CASE(sweep_settings_validates_and_copies_the_options) {
  gm::SweepOptions o;
  o.ns = {1, 2, 4};
  o.formats = {"bf16", "fp32"};
  o.ablate = "bf16";
  o.order = "blocked:4";
  o.seed = 7;
  o.threads = 1;
  o.mitigations.adaptive_temperature = true;
  const gm::SweepSettings s = gm::sweep_settings(o);
  BOOST_TEST(s.ns == o.ns);
  BOOST_TEST(s.formats == o.formats);
  BOOST_TEST(s.ablate.value() == "bf16");
  BOOST_TEST(gm::to_string(s.order) == "blocked:4");
  BOOST_TEST(s.seed == 7u);
  BOOST_TEST(s.mitigations.adaptive_temperature);
  const auto refused = [&](gm::SweepOptions bad) {
    BOOST_CHECK_THROW(gm::sweep_settings(bad), glasses::InputError);
  };
  gm::SweepOptions bad = o;
  bad.formats.clear();
  refused(bad);
  bad = o;
  bad.ns = {2, 2};
  refused(bad);
  bad = o;
  bad.ns = {0, 1};
  refused(bad);
  bad = o;
  bad.threads = 0;
  refused(bad);
  bad = o;
  bad.order = "backwards";
  refused(bad);
  bad = o;
  bad.formats = {"fp17"};
  refused(bad);
  bad = o;
  bad.mitigations.sink_logit = std::nan("");
  refused(bad);
}

BOOST_AUTO_TEST_CASE(a_mitigated_sweep_states_its_mitigations) {
  gm::SweepOptions o;
  o.ns = {1, 2, 3, 4, 8};
  o.formats = {"bf16"};
  o.reference = "fp64";
  o.certify = false;
  o.threads = 1;
  o.mitigations.sink_logit = 0.0;
  o.mitigations.adaptive_temperature = true;
  const gm::SweepSettings s = gm::sweep_settings(o);
  const gm::ModelSource model = gm::with_mitigations(gm::make_preset("paper-literal"), s.mitigations);
  const gm::PairFamily family(model, gm::family_options(model, "count-ones", {}, 0, {}));
  const gm::SweepResult r = gm::run_sweep(model, family, s, {});
  for (const gm::TrackResult& t : r.tracks) BOOST_TEST(!t.summary.nonfinite);
  const gm::SweepDescription d{&model, &family, "count-ones", std::nullopt, ""};
  const std::string summary = gm::summary_json(d, s, r);
  BOOST_TEST(summary.find("\"mitigations\"") != std::string::npos);
  BOOST_TEST(summary.find("\"sink_logit\": 0.0") != std::string::npos);
  BOOST_TEST(summary.find("+sink=0 +adaptive-temperature") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
