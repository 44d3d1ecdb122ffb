// B.5-full (over-squashing without its assumptions): THEORY §3 B.5, paper
// Appendix B.5; the bound is described in b5_oversquashing.hpp.
//
// Hypotheses as instantiated: the full Jacobian (attention weights and norm
// statistics differentiated) against the bound of B.5 built from the same
// α and statistics; random inputs (Gaussian rows, log-uniform scale) and a
// (1+1) evolution strategy on the input rows maximising max_i ‖J_i‖/bound_i,
// searched in fp64, the worst point re-evaluated with intervals. A
// measurement: nothing here can fail the run.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "b5_bound.hpp"
#include "b5_cases.hpp"
#include "glasses/numerics/random.hpp"
#include "glasses/proofs/b5_oversquashing.hpp"
#include "glasses/proofs/checks.hpp"

namespace glasses::proofs {

namespace b5::detail {
namespace {

// max_i ‖J_i‖/bound_i for the full Jacobian (positions with bound 0 skipped).
struct Worst {
  double ratio = 0;
  std::size_t i = 0;
};

Worst worst_ratio(Evaluator<double>& e, const model::InputSequence& in) {
  const Values<double> v = e.run(in, JacobianKind::full);
  Worst w;
  if (v.issue.found) return w;
  for (std::size_t i = 0; i < v.jacobian.size(); ++i) {
    if (!(v.bound[i] > 0)) continue;
    const double r = v.jacobian[i] / v.bound[i];
    if (r > w.ratio) w = {r, i};
  }
  return w;
}

}  // namespace
}  // namespace b5::detail

CheckResult check_b5_full(const CheckOptions& options) {
  using b5::Carrier;
  CheckResult result;
  result.statement =
      "Without its assumptions (full Jacobian: attention weights, norm statistics differentiated), how far "
      "||dy_n/dv_i^(0)|| exceeds the same bound";
  const bool quick = options.quick;
  const int samples = quick ? 24 : 200, steps = quick ? 48 : 400;
  result.hypotheses = "Full Jacobian by reverse mode, the bound of B.5 (frozen alpha and statistics at the same "
                      "point); random search over " + std::to_string(samples) +
                      " Gaussian inputs (row scale log-uniform in [0.2, 5] times the case's own rows), then a (1+1) "
                      "evolution strategy on the input rows (" + std::to_string(steps) +
                      " steps, step x1.5 on success, x0.9 otherwise; every row's RMS capped at 5 times), both in "
                      "fp64; the worst point of each re-evaluated with MPFI at 128 bits; seed " +
                      std::to_string(options.seed);
  std::vector<b5::detail::Case> cases;
  const std::vector<b5::detail::Arch> archs = b5::detail::architectures();
  for (std::size_t a = 0; a < archs.size(); ++a) {
    if (quick && a % 2 == 1) continue;
    cases.push_back(b5::detail::random_case(archs[a], options.seed * 1000 + 500 + a, quick ? 4 : 6));
  }
  cases.push_back(b5::detail::preset_case("paper-literal", quick ? 4 : 8));
  if (!quick) cases.push_back(b5::detail::preset_case("default:layers=2", 6));
  Series trace{"b5_full_search", {"case", "phase", "evaluation", "ratio", "best"}, {}};
  double overall = 0;
  std::string overall_where;
  numerics::PortableRandom rng(options.seed + 77);
  for (std::size_t ci = 0; ci < cases.size(); ++ci) {
    const b5::detail::Case& c = cases[ci];
    b5::detail::Evaluator<double> e(c.source, {}, {});
    const model::InputSequence base = b5::detail::as_rows(c.source, c.input);
    const std::size_t n = base.rows.rows, d = base.rows.cols;
    double base_sigma = 0;
    for (double x : base.rows.data) base_sigma += x * x;
    base_sigma = std::sqrt(base_sigma / static_cast<double>(base.rows.data.size()));
    // Every row's RMS is kept at most 5 times the case's own (the search box).
    const double cap = 5 * base_sigma;
    const auto cap_rows = [&](model::InputSequence& in) {
      for (std::size_t t = 0; t < n; ++t) {
        double* row = in.rows.row(t);
        double sq = 0;
        for (std::size_t k = 0; k < d; ++k) sq += row[k] * row[k];
        const double row_rms = std::sqrt(sq / static_cast<double>(d));
        if (row_rms > cap) {
          for (std::size_t k = 0; k < d; ++k) row[k] *= cap / row_rms;
        }
      }
    };
    // Random search.
    model::InputSequence best = base;
    b5::detail::Worst best_w = b5::detail::worst_ratio(e, base);
    int evaluation = 0;
    for (int s = 0; s < samples; ++s) {
      const double scale = base_sigma * std::exp(std::log(0.2) + rng.uniform() * std::log(25.0));
      model::InputSequence in;
      in.rows = model::Matrix<double>(n, d, 0.0);
      for (double& x : in.rows.data) x = scale * rng.normal();
      cap_rows(in);
      const b5::detail::Worst w = b5::detail::worst_ratio(e, in);
      if (w.ratio > best_w.ratio) {
        best_w = w;
        best = in;
      }
      trace.rows.push_back({static_cast<double>(ci), 0, static_cast<double>(evaluation++), w.ratio, best_w.ratio});
    }
    const model::InputSequence random_best = best;
    const b5::detail::Worst random_w = best_w;
    // (1+1)-ES on the rows: a Gaussian step on every row; accepted if the
    // worst ratio grows; step ×1.5 on success, ×0.9 otherwise.
    double rms = 0;
    for (double x : best.rows.data) rms += x * x;
    double step = 0.3 * std::sqrt(rms / static_cast<double>(best.rows.data.size()));
    for (int s = 0; s < steps; ++s) {
      model::InputSequence in = best;
      for (double& x : in.rows.data) x += step * rng.normal();
      cap_rows(in);
      const b5::detail::Worst w = b5::detail::worst_ratio(e, in);
      if (w.ratio > best_w.ratio) {
        best_w = w;
        best = in;
        step *= 1.5;
      } else {
        step *= 0.9;
      }
      trace.rows.push_back({static_cast<double>(ci), 1, static_cast<double>(evaluation++), w.ratio, best_w.ratio});
    }
    // Re-evaluate both worst points with intervals.
    const auto certify = [&](const model::InputSequence& in, const b5::detail::Worst& w, const char* phase) {
      const b5::Profile p = b5::profile(c.source, in, model::JacobianKind::full, Carrier::interval, 128);
      Instance inst = b5::detail::inequality(c.name + ", " + phase + ", i = " + std::to_string(w.i) + " (fp64 ratio " +
                                         b5::detail::fmt(w.ratio, 4) + ")",
                                     "||J_i|| (full)", "||N3|| (B...B)_(n,i)", p.jacobian[w.i], p.bound[w.i]);
      if (inst.verdict != Verdict::proven) {
        std::string rows;
        for (std::size_t k = 0; k < in.rows.data.size(); ++k) {
          char b[40];
          std::snprintf(b, sizeof b, "%s%.17g", k == 0 ? "" : ", ", in.rows.data[k]);
          rows += b;
        }
        inst.witness = "{\"case\": " + c.replay + ", \"phase\": \"" + phase + "\", \"i\": " + std::to_string(w.i) +
                       ", \"rows\": [" + rows + "]}";
      }
      result.instances.push_back(inst);
      const double r = b5::detail::ratio(p.jacobian[w.i], p.bound[w.i]);
      if (r > overall) {
        overall = r;
        overall_where = c.name + ", " + phase + ", i = " + std::to_string(w.i) + ": ||J_i|| = " +
                        b5::detail::fmt(p.jacobian[w.i].mid(), 4) + ", bound " + b5::detail::fmt(p.bound[w.i].mid(), 4) + ", " +
                        std::string(to_string(inst.verdict));
      }
    };
    certify(random_best, random_w, "random search");
    certify(best, best_w, "adversarial search");
    result.notes.push_back(c.name + ": worst ratio random " + b5::detail::fmt(random_w.ratio, 4) + ", adversarial " +
                           b5::detail::fmt(best_w.ratio, 4));
  }
  result.data.push_back(trace);
  // One curve per case: the best ratio so far along its search (rows of the trace with that case index).
  FigureData search_figure = figure_for("b5-full");
  for (std::size_t ci = 0; ci < cases.size(); ++ci) {
    search_figure.curves.push_back({trace.name, "evaluation", "best", cases[ci].name, ci, false,
                                    RowFilter{"case", static_cast<double>(ci)}});
  }
  result.figures.push_back(std::move(search_figure));
  result.notes.insert(result.notes.begin(), "worst ||J_i|| / bound for the full Jacobian: " + b5::detail::fmt(overall, 5) +
                                                " (" + overall_where + ")" +
                                                (overall > 1 ? "; above 1: what the frozen-alpha and frozen-statistics "
                                                               "assumptions hide"
                                                             : ""));
  return result;
}

}  // namespace glasses::proofs
