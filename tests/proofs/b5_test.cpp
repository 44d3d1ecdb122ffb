// B.5 (over-squashing): the quick checks, the tightness oracle, the numbers
// of a scalar two-position model computed here by hand, and deliberately
// broken bounds that must be refuted.
#include "glasses/proofs/b5_oversquashing.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <numbers>
#include <vector>

#include "glasses/numerics/error.hpp"
#include "glasses/proofs/check.hpp"

namespace gm = glasses::model;
namespace gp = glasses::proofs;
namespace ob5 = glasses::proofs::b5;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(b5)

// The quick run: nothing refuted, certified (proven) instances exist, and
// every non-oracle instance is certified.
BOOST_AUTO_TEST_CASE(quick_check_is_certified_and_never_refuted) {
  const auto t0 = std::chrono::steady_clock::now();
  const gp::CheckResult r = gp::run_check(gp::find_check("B.5"), {true, 0});
  BOOST_TEST_MESSAGE("B.5 quick: " << r.instances.size() << " instances in " << seconds_since(t0) << " s");
  const auto counts = r.verdict_counts();
  BOOST_TEST(r.id == "B.5");
  BOOST_TEST(counts[static_cast<std::size_t>(gp::Verdict::refuted)] == 0);
  BOOST_TEST(counts[static_cast<std::size_t>(gp::Verdict::proven)] > 50);
  BOOST_TEST(counts[static_cast<std::size_t>(gp::Verdict::inconclusive)] == 0);
  BOOST_TEST(!r.failed());
  for (const gp::Instance& i : r.instances) {
    if (i.relation == gp::Relation::less_equal) BOOST_TEST((i.verdict == gp::Verdict::proven), i.description);
  }
  BOOST_TEST(r.data.size() == 3u);
  for (const gp::Series& s : r.data) BOOST_TEST(!s.rows.empty(), s.name);
  // The profiles figure: ‖J_i‖ and its bound for the two attention kinds.
  BOOST_TEST_REQUIRE(r.figures.size() == 1u);
  const gp::FigureData& f = r.figures.front();
  BOOST_TEST(f.name == "b5-profiles");
  BOOST_TEST_REQUIRE(f.curves.size() == 4u);
  BOOST_TEST(f.curves[0].series == "b5_profile_uniform");
  BOOST_TEST(f.curves[0].y == "jacobian_norm");
  BOOST_TEST(!f.curves[0].companion);
  BOOST_TEST(f.curves[1].y == "bound");
  BOOST_TEST(f.curves[1].companion);
  BOOST_TEST(f.curves[2].series == "b5_profile_trained");
  BOOST_TEST(f.curves[2].colour == 1u);
  for (const std::string& note : r.notes) BOOST_TEST_MESSAGE(note);
}

// B.5-full quick: a measurement (never fails the run), with an instance for
// the random and the adversarial worst point of every model.
BOOST_AUTO_TEST_CASE(quick_full_measurement_runs) {
  const auto t0 = std::chrono::steady_clock::now();
  const gp::CheckResult r = gp::run_check(gp::find_check("B.5-full"), {true, 0});
  BOOST_TEST_MESSAGE("B.5-full quick: " << seconds_since(t0) << " s");
  BOOST_TEST((r.expected == gp::Expectation::measurement));
  BOOST_TEST(!r.failed());
  BOOST_TEST(r.instances.size() >= 6u);
  BOOST_TEST(r.instances.size() % 2 == 0u);
  // The adversarial search starts from the random search's best point.
  for (std::size_t k = 0; k + 1 < r.instances.size(); k += 2) {
    BOOST_TEST(r.instances[k + 1].lhs.mid() / r.instances[k + 1].rhs.mid() >=
               r.instances[k].lhs.mid() / r.instances[k].rhs.mid() * (1 - 1e-9));
  }
  // The published figure: one curve per case (quick: architectures 0, 2, 4
  // and paper-literal at n = 4), each selecting that case's rows of the
  // trace: 24 random samples and 48 evolution steps.
  BOOST_TEST_REQUIRE(r.figures.size() == 1u);
  const gp::FigureData& f = r.figures.front();
  BOOST_TEST(f.name == "b5-full");
  BOOST_TEST((f.section == gp::ReportSection::sensitivity_bounds));
  BOOST_TEST_REQUIRE(f.curves.size() == 4u);
  BOOST_TEST(f.curves.back().subject == "paper-literal, n = 4");
  BOOST_TEST_REQUIRE(r.data.size() == 1u);
  const gp::Series& trace = r.data.front();
  for (std::size_t k = 0; k < f.curves.size(); ++k) {
    const gp::Curve& c = f.curves[k];
    BOOST_TEST(c.series == trace.name);
    BOOST_TEST_REQUIRE(c.rows.has_value());
    BOOST_TEST(c.rows->column == "case");
    BOOST_TEST(c.rows->value == static_cast<double>(k));
    std::size_t rows = 0;
    for (const std::vector<double>& row : trace.rows) rows += row[0] == c.rows->value ? 1 : 0;
    BOOST_TEST(rows == 72u);
  }
  for (const std::string& note : r.notes) BOOST_TEST_MESSAGE(note);
}

// The tightness oracle: ‖J_i‖ equals the bound (MPFR to 1e-70, enclosures
// overlapping), for several depths and slopes.
BOOST_AUTO_TEST_CASE(tightness_oracle_jacobian_equals_bound) {
  for (int layers : {1, 2, 3}) {
    for (double sigma : {0.0, 0.5, 2.0}) {
      const gm::ModelSource s = ob5::oracle_model(layers, sigma, 7 + static_cast<std::uint64_t>(layers));
      const gm::InputSequence in = ob5::oracle_input(5, 3);
      const ob5::Profile m = ob5::profile(s, in, gm::JacobianKind::frozen, ob5::Carrier::mpfr, 256);
      const ob5::Profile iv = ob5::profile(s, in, gm::JacobianKind::frozen, ob5::Carrier::interval, 256);
      BOOST_TEST(m.lipschitz == "global");
      for (std::size_t i = 0; i < 5; ++i) {
        const double gap = std::fabs(m.jacobian[i].mid() - m.bound[i].mid()) / m.bound[i].mid();
        BOOST_TEST(gap < 1e-15, "L = " << layers << ", sigma = " << sigma << ", i = " << i << ": gap " << gap);
        BOOST_TEST(iv.jacobian[i].lower <= iv.bound[i].upper);
        BOOST_TEST(iv.bound[i].lower <= iv.jacobian[i].upper);
        BOOST_TEST(m.bound[i].mid() > 0);
      }
    }
  }
}

// A two-position scalar model (d = 1, L = 1, RMSNorm with gains, one head
// with w_o w_v < 0, a one-unit GELU MLP), everything computed here in double
// from the definitions: ‖J_i‖ (frozen), the bound with the global Lipschitz
// constant |w_down| max|gelu'| |w_up|, and the paper's forms.
BOOST_AUTO_TEST_CASE(scalar_two_position_model_by_hand) {
  gm::ModelSource s;
  gm::ModelConfig& c = s.config;
  c.d_model = 1;
  c.n_layers = 1;
  c.d_head = 1;
  c.d_mlp = 1;
  c.norm = gm::NormKind::rmsnorm;
  c.norm_eps = 0.5;
  c.activation = gm::Activation::gelu;
  c.has_unembedding = false;
  const double g1 = 1.4, g2 = 0.8, g3 = 1.1, wq = 0.9, wk = -1.3, wv = 0.7, wo = -1.2, wu = 1.5, wd = -0.6;
  gm::LayerWeights<double> W;
  W.norm1_gain = {g1};
  W.norm2_gain = {g2};
  W.w_q = gm::Matrix<double>(1, 1, wq);
  W.w_k = gm::Matrix<double>(1, 1, wk);
  W.w_v = gm::Matrix<double>(1, 1, wv);
  W.w_o = gm::Matrix<double>(1, 1, wo);
  W.w_up = gm::Matrix<double>(1, 1, wu);
  W.w_down = gm::Matrix<double>(1, 1, wd);
  s.weights.layers.push_back(W);
  s.weights.final_gain = {g3};
  const double x0 = 0.8, x1 = -0.3;
  gm::InputSequence in;
  in.rows = gm::Matrix<double>(2, 1, 0.0);
  in.rows(0, 0) = x0;
  in.rows(1, 0) = x1;

  const auto sc = [](double x) { return 1 / std::sqrt(x * x + 0.5); };
  const auto gelu = [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); };
  const auto gelu_slope = [](double x) {
    return 0.5 * (1 + std::erf(x / std::sqrt(2.0))) + x * std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi);
  };
  const double N1_0 = g1 * sc(x0), N1_1 = g1 * sc(x1), u0 = x0 * N1_0, u1 = x1 * N1_1;
  const double e0 = std::exp(wq * u1 * wk * u0), e1 = std::exp(wq * u1 * wk * u1);
  const double a10 = e0 / (e0 + e1), a11 = e1 / (e0 + e1);
  const double z0 = x0 + wo * wv * u0, z1 = x1 + wo * wv * (a10 * u0 + a11 * u1);
  const double N2_0 = g2 * sc(z0), N2_1 = g2 * sc(z1);
  const double h1 = wu * z1 * N2_1, v1 = z1 + wd * gelu(h1), N3 = g3 * sc(v1);
  const double Jpsi = wd * gelu_slope(h1) * wu;
  const double J0 = N3 * (1 + Jpsi * N2_1) * wo * wv * a10 * N1_0;
  const double J1 = N3 * (1 + Jpsi * N2_1) * (wo * wv * a11 * N1_1 + 1);
  const double slope = 0.5 * (1 + std::erf(1.0)) + std::exp(-1.0) / std::sqrt(std::numbers::pi);
  const double lip = std::fabs(wd) * slope * std::fabs(wu), wov = std::fabs(wo * wv);
  const double B0 = N3 * (1 + lip * N2_1) * a10 * wov * N1_0;
  const double B1 = N3 * (1 + lip * N2_1) * (a11 * wov * N1_1 + 1);
  const double inv_b1 = std::max(N1_0, N1_1), inv_b2 = std::max(N2_0, N2_1);
  const double C = N3 * (lip * inv_b2 + 1);
  const double P0 = C * (a10 * wov * inv_b1), P1 = C * (a11 * wov * inv_b1 + 1);
  const double S0 = N3 * lip * 2 * (a10 * wov * inv_b1), S1 = N3 * lip * 1 * (a11 * wov * inv_b1 + 1);

  const ob5::Profile p = ob5::profile(s, in, gm::JacobianKind::frozen, ob5::Carrier::fp64);
  const auto close = [](double got, double want) { return std::fabs(got - want) <= 1e-13 * std::fabs(want); };
  BOOST_TEST(p.lipschitz == "global");
  BOOST_TEST(close(p.jacobian[0].mid(), std::fabs(J0)), p.jacobian[0].mid() << " vs " << std::fabs(J0));
  BOOST_TEST(close(p.jacobian[1].mid(), std::fabs(J1)), p.jacobian[1].mid() << " vs " << std::fabs(J1));
  BOOST_TEST(close(p.bound[0].mid(), B0), p.bound[0].mid() << " vs " << B0);
  BOOST_TEST(close(p.bound[1].mid(), B1), p.bound[1].mid() << " vs " << B1);
  BOOST_TEST(close(p.proof_form[0].mid(), P0));
  BOOST_TEST(close(p.proof_form[1].mid(), P1));
  BOOST_TEST(close(p.printed_sum[0].mid(), 2 * P0));
  BOOST_TEST(close(p.printed_sum[1].mid(), P1));
  BOOST_TEST(close(p.printed_statement[0].mid(), S0));
  BOOST_TEST(close(p.printed_statement[1].mid(), S1));
  // w_o w_v < 0 makes the residual path and the attention path cancel in J_1:
  // the bound (with |w_o w_v|) is strictly above it.
  BOOST_TEST(std::fabs(J1) < B1 * 0.99);
  // The same numbers certified: the interval enclosures contain them.
  const ob5::Profile iv = ob5::profile(s, in, gm::JacobianKind::frozen, ob5::Carrier::interval, 128);
  for (std::size_t i = 0; i < 2; ++i) {
    const double j = i == 0 ? std::fabs(J0) : std::fabs(J1), b = i == 0 ? B0 : B1;
    BOOST_TEST(iv.jacobian[i].lower <= j * (1 + 1e-13));
    BOOST_TEST(iv.jacobian[i].upper >= j * (1 - 1e-13));
    BOOST_TEST(iv.bound[i].lower <= b * (1 + 1e-13));
    BOOST_TEST(iv.bound[i].upper >= b * (1 - 1e-13));
    BOOST_TEST((gp::decide(iv.jacobian[i], gp::Relation::less_equal, iv.bound[i]) == gp::Verdict::proven));
  }
}

// A bound with a term removed is wrong, and the check says so with a
// certificate: without the Lipschitz factor or without the residual δ term
// the oracle's Jacobian exceeds it (verdict refuted).
BOOST_AUTO_TEST_CASE(broken_bounds_are_refuted) {
  const gm::ModelSource s = ob5::oracle_model(2, 2.0, 11);
  const gm::InputSequence in = ob5::oracle_input(4, 5);
  for (int broken = 0; broken < 2; ++broken) {
    ob5::BoundOptions o;
    (broken == 0 ? o.drop_lipschitz : o.drop_residual) = true;
    const ob5::Profile p = ob5::profile(s, in, gm::JacobianKind::frozen, ob5::Carrier::interval, 128, o);
    int refuted = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      refuted += gp::decide(p.jacobian[i], gp::Relation::less_equal, p.bound[i]) == gp::Verdict::refuted;
    }
    BOOST_TEST(refuted > 0, (broken == 0 ? "Lip(psi) factor removed" : "delta term removed"));
  }
  // The same removals on a random-weight preset are also caught somewhere
  // (paper-literal: ReLU MLP, W_V = W_O = I).
  const gm::ModelSource pl = gm::make_preset("paper-literal");
  gm::InputSequence tokens;
  tokens.tokens = {3, 1, 4, 1, 5};
  ob5::BoundOptions o;
  o.drop_residual = true;
  const ob5::Profile p = ob5::profile(pl, tokens, gm::JacobianKind::frozen, ob5::Carrier::interval, 128, o);
  int refuted = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    refuted += gp::decide(p.jacobian[i], gp::Relation::less_equal, p.bound[i]) == gp::Verdict::refuted;
  }
  BOOST_TEST(refuted > 0);
}

// max|act'|: GELU's closed form against the branch and bound, and both
// activations against a dense grid evaluated in double.
BOOST_AUTO_TEST_CASE(activation_slope_enclosures) {
  const gp::Bounds gelu = ob5::max_activation_slope(gm::Activation::gelu);
  // Φ(√2) + √2 φ(√2) = 1.12890414518515...
  BOOST_TEST(gelu.lower <= 1.12890414518516);
  BOOST_TEST(gelu.upper >= 1.12890414518515);
  BOOST_TEST(gelu.upper - gelu.lower < 1e-15);
  const gp::Bounds searched = ob5::max_activation_slope_search(gm::Activation::gelu, 1.0 / (1 << 16));
  BOOST_TEST(searched.lower <= gelu.upper);
  BOOST_TEST(searched.upper >= gelu.lower);
  BOOST_TEST(searched.upper - searched.lower < 1e-3);
  const gp::Bounds tanh_form = ob5::max_activation_slope(gm::Activation::gelu_tanh);
  double grid_gelu = 0, grid_tanh = 0;
  const double k = std::sqrt(2 / std::numbers::pi);
  for (int m = -200000; m <= 200000; ++m) {
    const double x = m * 1e-4;
    grid_gelu = std::max(grid_gelu, std::fabs(0.5 * (1 + std::erf(x / std::sqrt(2.0))) +
                                              x * std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi)));
    const double t = std::tanh(k * (x + 0.044715 * x * x * x));
    grid_tanh = std::max(grid_tanh, std::fabs(0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)));
  }
  BOOST_TEST(grid_gelu <= gelu.upper + 1e-12);
  BOOST_TEST(grid_gelu >= gelu.lower - 1e-8);
  BOOST_TEST(grid_tanh <= tanh_form.upper + 1e-12);
  BOOST_TEST(grid_tanh >= tanh_form.lower - 1e-8);
  BOOST_TEST(tanh_form.upper - tanh_form.lower < 1e-4);
  BOOST_TEST(std::isnan(ob5::max_activation_slope(gm::Activation::swiglu).upper));
}

// The paper's constant-β form is never below the generalised bound (its
// constants are maxima of the per-position factors), and the printed
// summation is never below the proof's.
BOOST_AUTO_TEST_CASE(paper_forms_are_ordered) {
  for (const char* spec : {"paper-literal", "default:layers=2"}) {
    const gm::ModelSource s = gm::make_preset(spec);
    gm::InputSequence in;
    in.tokens = {3, 1, 4, 1, 5, 9};
    const ob5::Profile p = ob5::profile(s, in, gm::JacobianKind::frozen, ob5::Carrier::fp64);
    for (std::size_t i = 0; i < 6; ++i) {
      BOOST_TEST(p.proof_form[i].mid() >= p.bound[i].mid() * (1 - 1e-12), spec << " i = " << i);
      BOOST_TEST(p.printed_sum[i].mid() >= p.proof_form[i].mid() * (1 - 1e-12), spec << " i = " << i);
      BOOST_TEST(p.bound[i].mid() >= p.jacobian[i].mid(), spec << " i = " << i);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---- B.5-spectral ------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(b5_spectral)

// σ_max in closed form: the enclosure contains the correctly rounded double
// of the exact value and is at most two doubles wide.
BOOST_AUTO_TEST_CASE(spectral_norm_hand_worked) {
  const auto matrix = [](std::size_t r, std::size_t c, std::vector<double> v) {
    gm::Matrix<double> m(r, c, 0.0);
    m.data = std::move(v);
    return m;
  };
  struct Known {
    const char* what;
    gm::Matrix<double> a;
    double sigma;
  };
  const std::vector<Known> known{
      // AᵀA = [[25, 20], [20, 25]]: eigenvalues 45 and 5.
      {"[[3, 0], [4, 5]]", matrix(2, 2, {3, 0, 4, 5}), std::sqrt(45.0)},
      // the golden ratio: AᵀA = [[1, 1], [1, 2]], λ = (3 ± √5)/2 = φ², φ^-2.
      {"[[1, 1], [0, 1]]", matrix(2, 2, {1, 1, 0, 1}), std::numbers::phi},
      {"diag(-7, 2, 0.5)", matrix(3, 3, {-7, 0, 0, 0, 2, 0, 0, 0, 0.5}), 7.0},
      // AᵀA = [[2, 1], [1, 2]]: eigenvalues 3 and 1 (and the transpose).
      {"[[1, 0], [0, 1], [1, 1]]", matrix(3, 2, {1, 0, 0, 1, 1, 1}), std::sqrt(3.0)},
      {"[[1, 0, 1], [0, 1, 1]]", matrix(2, 3, {1, 0, 1, 0, 1, 1}), std::sqrt(3.0)},
      // rank one u vᵀ: σ = |u| |v| = 5 · 13.
      {"(3, 4)ᵀ (5, 12)", matrix(2, 2, {15, 36, 20, 48}), 65.0},
      {"zero", matrix(2, 2, {0, 0, 0, 0}), 0.0},
  };
  for (const Known& k : known) {
    const gp::Bounds b = ob5::spectral_norm(k.a, 128);
    BOOST_TEST(b.lower <= k.sigma, k.what);
    BOOST_TEST(k.sigma <= b.upper, k.what);
    BOOST_TEST(b.upper <= std::nextafter(std::nextafter(b.lower, 1e300), 1e300), k.what);
  }
  // The spectral norm is below the infinity norm here ([[3, 0], [4, 5]]: 9).
  BOOST_TEST(ob5::spectral_norm(matrix(2, 2, {3, 0, 4, 5})).upper < 9.0);
  BOOST_CHECK_THROW(ob5::spectral_norm(gm::Matrix<double>{}), glasses::InputError);
}

// Deliberately broken inputs are refuted with a certificate: the bound
// without its residual δ term (spectral norm) on the oracle and on
// paper-literal; and the spectral norm is asked of a non-interval carrier.
BOOST_AUTO_TEST_CASE(broken_spectral_bounds_are_refuted) {
  ob5::BoundOptions o;
  o.norm = ob5::Norm::spectral;
  o.drop_residual = true;
  const gm::ModelSource s = ob5::oracle_model(2, 2.0, 11);
  const ob5::Profile p = ob5::profile(s, ob5::oracle_input(4, 5), gm::JacobianKind::frozen, ob5::Carrier::interval, 128, o);
  const gm::ModelSource pl = gm::make_preset("paper-literal");
  gm::InputSequence tokens;
  tokens.tokens = {3, 1, 4, 1, 5};
  const ob5::Profile q = ob5::profile(pl, tokens, gm::JacobianKind::frozen, ob5::Carrier::interval, 128, o);
  for (const ob5::Profile* x : {&p, &q}) {
    int refuted = 0;
    for (std::size_t i = 0; i < x->jacobian.size(); ++i) {
      refuted += gp::decide(x->jacobian[i], gp::Relation::less_equal, x->bound[i]) == gp::Verdict::refuted;
    }
    BOOST_TEST(refuted > 0);
  }
  BOOST_CHECK_THROW(ob5::profile(pl, tokens, gm::JacobianKind::frozen, ob5::Carrier::fp64, 128, o), glasses::InputError);
}

// The tightness oracle (d = 1: every norm is |·|): the spectral bound equals
// the infinity-norm one and ‖J_i‖.
BOOST_AUTO_TEST_CASE(oracle_spectral_equals_infinity) {
  ob5::BoundOptions o;
  o.norm = ob5::Norm::spectral;
  const gm::ModelSource s = ob5::oracle_model(2, 0.5, 3);
  const gm::InputSequence in = ob5::oracle_input(4, 4);
  const ob5::Profile two = ob5::profile(s, in, gm::JacobianKind::frozen, ob5::Carrier::interval, 256, o);
  const ob5::Profile inf = ob5::profile(s, in, gm::JacobianKind::frozen, ob5::Carrier::interval, 256);
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(two.bound[i].mid() == inf.bound[i].mid(), boost::test_tools::tolerance(1e-14));
    BOOST_TEST(two.jacobian[i].mid() == inf.jacobian[i].mid(), boost::test_tools::tolerance(1e-14));
    BOOST_TEST(two.equality_gap[i] < 1e-60);
  }
}

// The quick check: certified everywhere, never refuted, and the spectral
// bound is tighter than the infinity-norm one on the median instance.
BOOST_AUTO_TEST_CASE(quick_check_holds) {
  const auto t0 = std::chrono::steady_clock::now();
  const gp::CheckResult r = gp::run_check(gp::find_check("B.5-spectral"), {true, 0});
  BOOST_TEST_MESSAGE("B.5-spectral quick: " << r.instances.size() << " instances in " << seconds_since(t0) << " s");
  const auto counts = r.verdict_counts();
  BOOST_TEST(r.id == "B.5-spectral");
  BOOST_TEST(!r.failed());
  BOOST_TEST(counts[static_cast<std::size_t>(gp::Verdict::refuted)] == 0);
  BOOST_TEST(counts[static_cast<std::size_t>(gp::Verdict::inconclusive)] == 0);
  BOOST_TEST(counts[static_cast<std::size_t>(gp::Verdict::proven)] > 30);
  BOOST_TEST_REQUIRE(r.data.size() == 1u);
  std::vector<double> gain;
  for (const std::vector<double>& row : r.data.front().rows) {
    if (row[3] > 0) gain.push_back(row[4] / row[3]);  // ratio_spectral / ratio_infinity
  }
  BOOST_TEST_REQUIRE(!gain.empty());
  std::sort(gain.begin(), gain.end());
  BOOST_TEST(gain[gain.size() / 2] > 1.0);
  for (const std::string& note : r.notes) BOOST_TEST_MESSAGE(note);
}

BOOST_AUTO_TEST_SUITE_END()
