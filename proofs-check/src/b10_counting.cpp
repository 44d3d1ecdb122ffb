#include "glasses/proofs/b10_counting.hpp"

#include <cmath>
#include <optional>
#include <string>

#include "check_support.hpp"
#include "glasses/model/tasks.hpp"
#include "glasses/numerics/fit.hpp"
#include "glasses/proofs/checks.hpp"

namespace glasses::proofs {
namespace detail {

std::vector<Instance> b10_instances(const std::string& format, const model::PointMetrics& point,
                                    const model::Certification& certification) {
  const long precision = 128;
  const numerics::Interval zero = numerics::Interval::from_ratio(0, 1, precision);
  std::vector<Instance> out;
  // The computed values are exact doubles: Dinf_F is known exactly.
  out.push_back(certified_instance(
      format + ", n = " + std::to_string(point.n) + ": the computed y of 1^n and 1^(n+1) are bit-identical",
      "Dinf_F(n)", numerics::Interval(point.dinf, precision), Relation::less_equal, "0", zero,
      "{\"format\":" + json_string(format) + ",\"n\":" + std::to_string(point.n) + "}"));
  if (!point.bitwise_equal && point.dinf == 0) out.back().verdict = Verdict::refuted;  // equal values, different zeros
  const numerics::Interval exact(certification.exact_distance_lower, certification.exact_distance_upper, precision);
  out.push_back(certified_instance(
      format + ", n = " + std::to_string(point.n) + ": the exact model tells 1^n and 1^(n+1) apart (MPFI, " +
          std::to_string(certification.bits) + " bits)",
      "0", zero, Relation::less, "Dinf_exact(n)", exact,
      "{\"format\":" + json_string(format) + ",\"n\":" + std::to_string(point.n) + "}"));
  return out;
}

}  // namespace detail

CheckResult check_b10_counting(const CheckOptions& o) {
  CheckResult r;
  r.statement = "When y_F of 1^n and 1^(n+1) are bit-identical in a format F, every readout answers both the same, "
                "so counting is impossible in F from n*_F on";
  const std::size_t top = o.quick ? 1024 : 8192;
  const std::string preset = "paper-literal";
  r.hypotheses = "count-ones with the counting prompt on the " + preset +
                 " preset, n log-spaced up to " + std::to_string(top) +
                 ", formats bf16, fp16, fp32, reference MPFR-256; onsets certified with MPFI.";
  const model::ModelSource m = model::make_preset(preset);
  model::FamilyOptions fo;
  fo.name = "count-ones";
  const model::PairFamily family(m, fo);
  model::SweepSettings settings;
  for (double x = 1; x <= static_cast<double>(top); x *= 1.18) {
    const auto v = static_cast<std::size_t>(std::llround(x));
    if (settings.ns.empty() || v > settings.ns.back()) settings.ns.push_back(v);
  }
  if (settings.ns.back() != top) settings.ns.push_back(top);
  settings.formats = {"bf16", "fp16", "fp32"};
  settings.reference = "mpfr:256";
  settings.certify = true;
  settings.certify_max_n = top;
  settings.threads = 2;
  const model::SweepResult sweep = model::run_sweep(m, family, settings, {});
  Series fractions;
  fractions.name = "b10_identical_fraction";
  fractions.columns = {"n", "bf16", "fp16", "fp32", "Dinf_reference"};
  for (std::size_t i = 0; i < settings.ns.size(); ++i) {
    fractions.rows.push_back({static_cast<double>(settings.ns[i]), sweep.tracks[0].points[i].identical_fraction,
                              sweep.tracks[1].points[i].identical_fraction, sweep.tracks[2].points[i].identical_fraction,
                              sweep.tracks[sweep.reference_track].points[i].dinf});
  }
  r.data.push_back(fractions);
  {
    FigureData figure = figure_for("b10-fractions");
    std::size_t colour = 0;
    for (const char* column : {"bf16", "fp16", "fp32"}) {
      figure.curves.push_back({fractions.name, "n", column, column, colour++, false, std::nullopt});
    }
    r.figures.push_back(std::move(figure));
  }
  // Fitted decay rate γ of the reference distance, and the onsets it predicts.
  std::vector<double> x, y;
  for (const model::PointMetrics& p : sweep.tracks[sweep.reference_track].points) {
    x.push_back(static_cast<double>(p.n));
    y.push_back(p.dinf);
  }
  const double gamma = -numerics::loglog_slope(x, y, 16).value_or(std::nan(""));
  r.notes.push_back("Reference distance Dinf(n) ~ c n^-gamma with fitted gamma = " + detail::short_fmt(gamma) +
                    ": collapse lengths then scale like u_F^(-1/gamma), predicted bf16 : fp16 : fp32 = 1 : " +
                    detail::short_fmt(std::pow(8.0, 1 / gamma)) + " : " + detail::short_fmt(std::pow(65536.0, 1 / gamma)) +
                    " (THEORY B.10: 1 : 8 : 65536 for gamma = 1).");
  std::optional<std::size_t> bf16_onset;
  for (std::size_t f = 0; f < settings.formats.size(); ++f) {
    const model::TrackResult& t = sweep.tracks[f];
    const model::TrackSummary& s = t.summary;
    if (!s.onset_permanent) {
      r.notes.push_back(settings.formats[f] + ": no permanent collapse up to n = " + std::to_string(top) +
                        (s.onset_predicted ? " (predicted from the reference track: n = " + std::to_string(*s.onset_predicted) + ")"
                                           : ""));
      continue;
    }
    const std::size_t n = *s.onset_permanent;
    if (f == 0) bf16_onset = n;
    // The onset is a point of the sweep, or an n the KV-cache walk tested
    // between two points: bit-identical there, so Dinf_F = 0.
    model::PointMetrics onset;
    onset.n = n;
    onset.bitwise_equal = true;
    for (const model::PointMetrics& p : t.points) {
      if (p.n == n) onset = p;
    }
    const model::Certification c = s.certification_permanent ? *s.certification_permanent : *s.certification;
    for (Instance& i : detail::b10_instances(settings.formats[f], onset, c)) r.instances.push_back(std::move(i));
    r.notes.push_back(settings.formats[f] + ": permanent collapse from n*_F = " + std::to_string(n) +
                      ", certified exact distance there in [" + detail::short_fmt(c.exact_distance_lower) + ", " +
                      detail::short_fmt(c.exact_distance_upper) + "]" +
                      (s.onset_predicted ? ", predicted n = " + std::to_string(*s.onset_predicted) : "") +
                      (bf16_onset && f > 0 ? ", ratio to bf16 " + detail::short_fmt(static_cast<double>(n) / static_cast<double>(*bf16_onset)) : ""));
  }
  return r;
}

}  // namespace glasses::proofs
