#include "glasses/proofs/b9_no_position_counting.hpp"

#include <cmath>
#include <string>

#include "check_support.hpp"
#include "glasses/model/forward.hpp"
#include "glasses/model/run.hpp"
#include "glasses/model/sweep.hpp"
#include "glasses/model/tasks.hpp"
#include "glasses/proofs/checks.hpp"

namespace glasses::proofs {
namespace detail {

numerics::Interval b9_largest_difference(const model::ModelSource& model, const std::vector<int>& a,
                                         const std::vector<int>& b, long precision) {
  using numerics::Interval;
  model::NoSiteRounding none;
  model::Env<Interval, model::NoSiteRounding> env{numerics::PrecisionContext(precision), none};
  const model::PreparedModel<Interval> m = model::prepare(model, env);
  model::ForwardOptions o;
  o.keep_residual = true;
  o.all_positions = false;
  o.logits = false;
  const model::Trace<Interval> ta = model::forward(m, env, model::make_input(model, a), o);
  const model::Trace<Interval> tb = model::forward(m, env, model::make_input(model, b), o);
  Interval worst = m.zero;
  for (std::size_t l = 0; l < ta.residual.size(); ++l) {
    const Interval* ra = ta.residual[l].row(a.size() - 1);
    const Interval* rb = tb.residual[l].row(b.size() - 1);
    for (std::size_t i = 0; i < ta.residual[l].cols; ++i) worst = max(worst, abs(ra[i] - rb[i]));
  }
  for (std::size_t i = 0; i < ta.y.cols; ++i) worst = max(worst, abs(ta.y(0, i) - tb.y(0, i)));
  return worst;
}

}  // namespace detail

namespace {

using numerics::Interval;

std::vector<int> ones_zeros(std::size_t ones, std::size_t zeros, int one, int zero) {
  std::vector<int> s(ones, one);
  s.insert(s.end(), zeros, zero);
  return s;
}

}  // namespace

CheckResult check_b9_no_position_counting(const CheckOptions& o) {
  using detail::certified_instance;
  CheckResult r;
  r.statement = "Without positional information and without a causal mask, sequences with equal token ratios get "
                "identical representations at every layer; with a causal mask, 1^n is represented independently of n";
  // Interval enclosures of a four-layer model widen by about 2^60, so the
  // certified bound is 2^-(p/2): far below any difference a position or a
  // count would make, far above the enclosure widths.
  const long precision = 256;
  const Interval tolerance = detail::power_of_two(-(precision / 2), precision);
  const std::string tol_label = "2^-" + std::to_string(precision / 2);
  r.hypotheses = "MPFI at " + std::to_string(precision) + " bits, every layer and y of the last token; models: "
                 "default and paper-literal presets with positional=none (and causal=0 for the ratio statement).";
  const std::size_t max_k = o.quick ? 3 : 6;
  for (const char* spec : {"default:positional=none,causal=0", "paper-literal:causal=0"}) {
    const model::ModelSource m = model::make_preset(spec);
    const int one = 1, zero = 0;  // the vocabulary's digits "1" and "0" are ids 1 and 0
    const std::vector<int> base = ones_zeros(1, 1, one, zero);
    for (std::size_t k = 2; k <= max_k; ++k) {
      std::vector<std::vector<int>> others{ones_zeros(k, k, one, zero)};
      // A permutation ending in the same token (0): 0 1 0 1 ... 1 0.
      std::vector<int> perm;
      for (std::size_t i = 0; i < k; ++i) {
        perm.push_back(i % 2 == 0 ? zero : one);
        perm.push_back(i % 2 == 0 ? one : zero);
      }
      if (perm.back() != zero) std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
      others.push_back(perm);
      for (const std::vector<int>& s : others) {
        const Interval diff = detail::b9_largest_difference(m, base, s, precision);
        r.instances.push_back(certified_instance(
            std::string(spec) + ": 1 0 against a sequence of length " + std::to_string(s.size()) + " with ratio 1:1",
            "max_l ||v^(l)_last(s) - v^(l)_last(s')||_inf", diff, Relation::less_equal, tol_label, tolerance,
            "{\"model\":\"" + std::string(spec) + "\",\"b\":" + detail::json_array(std::vector<double>(s.begin(), s.end())) + "}"));
      }
    }
  }
  // Causal, no positions: 1^n for every n against 1^1.
  const std::vector<std::size_t> lengths = o.quick ? std::vector<std::size_t>{2, 8, 32}
                                                   : std::vector<std::size_t>{2, 8, 32, 128, 512};
  for (const char* spec : {"default:positional=none", "paper-literal"}) {
    const model::ModelSource m = model::make_preset(spec);
    for (std::size_t n : lengths) {
      const Interval diff = detail::b9_largest_difference(m, {1}, std::vector<int>(n, 1), precision);
      r.instances.push_back(certified_instance(std::string(spec) + ", causal: 1 against 1^" + std::to_string(n),
                                               "max_l ||v^(l)_last(1) - v^(l)_last(1^n)||_inf", diff,
                                               Relation::less_equal, tol_label, tolerance, "{}"));
    }
  }
  // Does rounding break the invariances? The ratio family (no mask) and
  // 1^n (causal) in each format: bitwise equality of y with the first n.
  Series series;
  series.name = "b9_low_precision";
  series.columns = {"format_index", "n", "identical_fraction", "Dinf"};
  const std::vector<std::string> formats{"fp32", "fp16", "bf16"};
  for (const bool causal : {false, true}) {
    const model::ModelSource m = model::make_preset(causal ? "default:positional=none" : "default:positional=none,causal=0");
    model::FamilyOptions fo;
    fo.name = causal ? "count-ones" : "ratio";
    fo.prompt_given = true;  // no prompt: the invariance is about the sequences alone
    const model::PairFamily family(m, fo);
    model::SweepSettings settings;
    for (std::size_t n = 1; n <= (o.quick ? 12u : 48u); ++n) settings.ns.push_back(n);
    settings.formats = formats;
    settings.reference = "fp64";
    settings.certify = false;
    settings.threads = 2;
    const model::SweepResult sweep = model::run_sweep(m, family, settings, {});
    for (std::size_t f = 0; f < formats.size(); ++f) {
      std::size_t broken = 0, first_broken = 0;
      for (const model::PointMetrics& p : sweep.tracks[f].points) {
        if (!causal) series.rows.push_back({static_cast<double>(f), static_cast<double>(p.n), p.identical_fraction, p.dinf});
        if (!p.bitwise_equal) {
          if (broken++ == 0) first_broken = p.n;
        }
      }
      r.notes.push_back(formats[f] + (causal ? ", causal 1^n vs 1^(n+1): " : ", no mask, ratio 1:1 pairs: ") +
                        (broken == 0 ? "the invariance survives rounding at every n tested"
                                     : "rounding breaks the invariance at " + std::to_string(broken) + " of " +
                                           std::to_string(settings.ns.size()) + " values of n, first at n = " +
                                           std::to_string(first_broken)));
    }
  }
  r.data.push_back(series);
  return r;
}

}  // namespace glasses::proofs
