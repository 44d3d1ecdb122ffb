// B.6 / B.7 spectra: the checkers' quick configurations (the models' own
// attention matrices), hand-built matrices with known spectra, and
// non-stochastic or one-hot matrices that must be refuted.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>

#include "glasses/numerics/mpfr.hpp"
#include "glasses/proofs/b6_spectra.hpp"
#include "glasses/proofs/check.hpp"

namespace gp = glasses::proofs;
namespace gn = glasses::numerics;
using gn::Interval;
using gp::detail::IntervalMatrix;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

gn::MpfrReal ratio(long a, long b) { return gn::MpfrReal::from_ratio(a, b, 256); }

// Uniform causal attention of size n from logits (0 on and below the diagonal).
IntervalMatrix uniform(std::size_t n, long prec) {
  glasses::model::Matrix<double> logits(n, n, -kInf);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j <= i; ++j) logits(i, j) = 0;
  }
  return gp::detail::b6_softmax_rows(logits, prec);
}

IntervalMatrix from_doubles(const std::vector<std::vector<double>>& rows, long prec) {
  IntervalMatrix m(rows.size(), rows.size(), Interval(0.0, prec));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows.size(); ++j) m(i, j) = Interval(rows[i][j], prec);
  }
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(b6)

BOOST_AUTO_TEST_CASE(quick_configurations) {
  gp::CheckOptions o;
  o.quick = true;
  const gp::CheckResult spectra = gp::run_check(gp::find_check("B.6"), o);
  BOOST_TEST(spectra.id == "B.6");
  BOOST_TEST(spectra.verdict_counts()[0] == static_cast<int>(spectra.instances.size()));
  BOOST_TEST(spectra.instances.size() >= 100u);
  const gp::CheckResult counter = gp::run_check(gp::find_check("B.6-counterexample"), o);
  BOOST_TEST(counter.id == "B.6-counterexample");
  BOOST_TEST((counter.expected == gp::Expectation::refuted));
  BOOST_TEST(counter.verdict_counts()[1] == static_cast<int>(counter.instances.size()));
  // A window of 1 on n = 6 tokens: the multiplicity is 6 in every matrix of the models.
  for (const gp::Series& s : counter.data) {
    for (const std::vector<double>& row : s.rows) BOOST_TEST(row[1] == row[0]);
  }
  const gp::CheckResult products = gp::run_check(gp::find_check("B.7"), o);
  BOOST_TEST(products.id == "B.7");
  BOOST_TEST(products.verdict_counts()[0] == static_cast<int>(products.instances.size()));
  BOOST_TEST(!spectra.failed());
  BOOST_TEST(!products.failed());
}

BOOST_AUTO_TEST_CASE(uniform_attention_has_diagonal_one_over_i) {
  const IntervalMatrix a = uniform(5, 128);
  const gp::detail::B6Facts f = gp::detail::b6_facts(a);
  for (long i = 0; i < 5; ++i) BOOST_TEST(contains(f.diagonal[static_cast<std::size_t>(i)], ratio(1, i + 1)));
  BOOST_TEST(contains(f.spectral_radius, ratio(1, 1)));
  BOOST_TEST(contains(f.max_later_diagonal, ratio(1, 2)));
  BOOST_TEST(f.unit_certain == 1u);  // row 1 only
  BOOST_TEST(f.hypothesis_certain);
  for (const gp::Instance& i : gp::detail::b6_instances(a, "uniform", "{}"))
    BOOST_TEST((i.verdict == gp::Verdict::proven));
}

BOOST_AUTO_TEST_CASE(nearly_one_hot_rows_are_certified_simple) {
  // α_ii = 1/(1 + (i−1) e^-300): needs more than 433 bits; 640 given.
  glasses::model::Matrix<double> logits(6, 6, -kInf);
  for (std::size_t i = 0; i < 6; ++i) {
    for (std::size_t j = 0; j <= i; ++j) logits(i, j) = i == j ? 300.0 : 0.0;
  }
  const auto inst = gp::detail::b6_instances(gp::detail::b6_softmax_rows(logits, 640), "nearly one-hot", "{}");
  BOOST_TEST((inst[2].verdict == gp::Verdict::proven));
}

BOOST_AUTO_TEST_CASE(non_stochastic_and_non_triangular_matrices_are_refuted) {
  // Row 2 sums to 1.1.
  const IntervalMatrix heavy = from_doubles({{1, 0, 0}, {0.6, 0.5, 0}, {0.2, 0.3, 0.5}}, 128);
  const auto a = gp::detail::b6_instances(heavy, "row sum 1.1", "{\"matrix\":\"heavy\"}");
  BOOST_TEST((a[0].verdict == gp::Verdict::refuted));
  BOOST_TEST(!a[0].witness.empty());
  // An entry above the diagonal (rows still sum to 1).
  const IntervalMatrix upper = from_doubles({{0.75, 0.25, 0}, {0.5, 0.5, 0}, {0.2, 0.3, 0.5}}, 128);
  BOOST_TEST((gp::detail::b6_instances(upper, "upper entry", "{}")[0].verdict == gp::Verdict::refuted));
  // A negative entry.
  const IntervalMatrix negative = from_doubles({{1, 0, 0}, {-0.5, 1.5, 0}, {0.2, 0.3, 0.5}}, 128);
  BOOST_TEST((gp::detail::b6_instances(negative, "negative entry", "{}")[0].verdict == gp::Verdict::refuted));
}

BOOST_AUTO_TEST_CASE(one_hot_rows_give_a_multiple_eigenvalue) {
  // Rows 1 and 3 one-hot on the diagonal, row 2 on token 1: multiplicity 2.
  glasses::model::Matrix<double> logits(3, 3, -kInf);
  logits(0, 0) = 0;
  logits(1, 0) = 0;
  logits(2, 2) = 0;
  const IntervalMatrix a = gp::detail::b6_softmax_rows(logits, 128);
  const gp::detail::B6Facts f = gp::detail::b6_facts(a);
  BOOST_TEST(f.unit_certain == 2u);
  BOOST_TEST(f.hypothesis_fails);
  BOOST_TEST((gp::detail::b6_multiplicity_instance(a, "one-hot", "{}").verdict == gp::Verdict::refuted));
  // The conditional statement is not decided without its hypothesis.
  BOOST_TEST((gp::detail::b6_instances(a, "one-hot", "{}")[2].verdict == gp::Verdict::inconclusive));
  // The uniform matrix has multiplicity 1.
  BOOST_TEST((gp::detail::b6_multiplicity_instance(uniform(4, 128), "uniform", "{}").verdict == gp::Verdict::proven));
}

BOOST_AUTO_TEST_CASE(products_of_hand_built_matrices) {
  // A = [[1,0],[1/2,1/2]], B = [[1,0],[1/4,3/4]]: AB = [[1,0],[5/8,3/8]].
  const IntervalMatrix a = from_doubles({{1, 0}, {0.5, 0.5}}, 128);
  const IntervalMatrix b = from_doubles({{1, 0}, {0.25, 0.75}}, 128);
  const IntervalMatrix p = gp::detail::b6_product(a, b);
  BOOST_TEST(contains(p(1, 0), ratio(5, 8)));
  BOOST_TEST(contains(p(1, 1), ratio(3, 8)));
  BOOST_TEST(contains(p(0, 1), ratio(0, 1)));
  BOOST_TEST((gp::detail::b7_diagonal_instance(p, {b, a}, "AB", "{}").verdict == gp::Verdict::proven));
  for (const gp::Instance& i : gp::detail::b6_instances(p, "AB", "{}")) BOOST_TEST((i.verdict == gp::Verdict::proven));
  // A wrong factor list: the diagonal of AB is not diag(A)².
  BOOST_TEST((gp::detail::b7_diagonal_instance(p, {a, a}, "AA", "{}").verdict == gp::Verdict::refuted));
}

BOOST_AUTO_TEST_SUITE_END()

// B.6-bidirectional: attention without the causal mask.
BOOST_AUTO_TEST_SUITE(b6_bidirectional)

BOOST_AUTO_TEST_CASE(quick_configuration_holds) {
  gp::CheckOptions o;
  o.quick = true;
  const gp::CheckResult r = gp::run_check(gp::find_check("B.6-bidirectional"), o);
  BOOST_TEST(r.id == "B.6-bidirectional");
  BOOST_TEST(!r.failed());
  const auto counts = r.verdict_counts();
  BOOST_TEST(counts[1] == 0);
  // Per matrix: three certified instances and two numerical ones; every
  // softmax matrix without a mask has positive entries, so all are decided.
  BOOST_TEST(counts[0] * 2 == counts[2] * 3);
  BOOST_TEST(counts[0] + counts[2] == static_cast<int>(r.instances.size()));
  BOOST_TEST(r.instances.size() >= 100u);
}

// [[3/4, 1/4], [1/2, 1/2]]: eigenvalues 1 and 1/4 (trace 5/4, det 1/4);
// Dobrushin τ = 1 − (min(3/4, 1/2) + min(1/4, 1/2)) = 1/4, tight for 2×2.
BOOST_AUTO_TEST_CASE(two_by_two_by_hand) {
  const IntervalMatrix a = from_doubles({{0.75, 0.25}, {0.5, 0.5}}, 128);
  const gp::detail::B6BidirectionalFacts f = gp::detail::b6_bidirectional_facts(a);
  BOOST_TEST_REQUIRE(f.moduli.size() == 2u);
  BOOST_TEST(std::fabs(f.moduli[0] - 1) < 1e-60);
  BOOST_TEST(std::fabs(f.moduli[1] - 0.25) < 1e-60);
  BOOST_TEST(contains(f.dobrushin, ratio(1, 4)));
  BOOST_TEST(contains(f.gershgorin, ratio(1, 1)));
  for (const gp::Instance& i : gp::detail::b6_bidirectional_instances(a, "2x2", "{}")) {
    BOOST_TEST((i.verdict == gp::Verdict::proven || i.verdict == gp::Verdict::holds_numerically), i.description);
  }
}

// Deliberately broken inputs: rows that do not sum to 1 must be refuted;
// a reducible matrix (two blocks, eigenvalue 1 twice) has no certified gap.
BOOST_AUTO_TEST_CASE(broken_inputs_are_refuted) {
  const IntervalMatrix scaled = from_doubles({{0.5, 0.3, 0.3}, {0.2, 0.6, 0.3}, {0.4, 0.4, 0.3}}, 128);
  const std::vector<gp::Instance> s = gp::detail::b6_bidirectional_instances(scaled, "rows sum to 1.1", "{}");
  BOOST_TEST((s[0].verdict == gp::Verdict::refuted));  // row-stochastic
  BOOST_TEST((s[1].verdict == gp::Verdict::refuted));  // spectral radius 1.1 by Gershgorin (and in fact)
  const IntervalMatrix blocks = from_doubles({{0.5, 0.5, 0, 0}, {0.5, 0.5, 0, 0}, {0, 0, 0.25, 0.75}, {0, 0, 0.5, 0.5}}, 128);
  const std::vector<gp::Instance> b = gp::detail::b6_bidirectional_instances(blocks, "two blocks", "{}");
  BOOST_TEST((b[0].verdict == gp::Verdict::proven));
  BOOST_TEST((b[2].verdict == gp::Verdict::inconclusive));  // τ = 1: no gap
  BOOST_TEST(std::fabs(gp::detail::b6_bidirectional_facts(blocks).moduli[1] - 1) < 1e-60);
}

BOOST_AUTO_TEST_SUITE_END()
