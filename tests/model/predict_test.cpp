// Onset predictors (predict.hpp) on constructed cases whose onset is known
// in closed form or from an independent simulation (MPFR at the format's
// precision), and their fields in summary.json.
#include "glasses/model/predict.hpp"

#include <mpfr.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "glasses/model/presets.hpp"
#include "glasses/model/sweep.hpp"
#include "glasses/model/sweep_output.hpp"
#include "glasses/numerics/format.hpp"
#include "support/sanitized.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

namespace {

gm::RunSpec track(const std::string& format) { return gm::parse_run_spec(format, gn::formats::fp64); }

// One head over a first key of value 0 and `ones` keys of value 1, every
// score 0 (a NoPE count-ones head whose query sees identical keys): exp(0) = 1,
// so Z = 1 + ones and o = ones / (1 + ones) exactly.
gm::ReferenceHead count_ones_head(std::size_t ones) {
  gm::ReferenceHead h;
  h.scores.assign(ones + 1, 0.0);
  h.values.assign(ones + 1, 1.0);
  h.values[0] = 0.0;
  h.denominator = static_cast<double>(ones + 1);
  return h;
}

gm::ReferenceProbe count_ones_probe(std::size_t n) {
  gm::ReferenceProbe p;
  p.n = n;
  p.heads_a = {count_ones_head(n)};
  p.heads_b = {count_ones_head(n + 1)};
  return p;
}

// The first n in [1, limit] at which `p` predicts a collapse of the count-ones head.
std::optional<std::size_t> first_predicted(gm::Predictor p, const std::string& format, std::size_t limit) {
  const gm::RunSpec t = track(format);
  for (std::size_t n = 1; n <= limit; ++n) {
    if (gm::predicts_collapse(p, count_ones_probe(n), t)) return n;
  }
  return std::nullopt;
}

// The same head computed by MPFR at `bits` of precision, round to nearest
// (each operation rounded once, sequential sums): Z = 1 + 1 + …, α = 1/Z,
// o = 0·α + α·1 + … ; the output for `ones` keys of value 1.
double mpfr_head(std::size_t ones, mpfr_prec_t bits) {
  mpfr_t z, alpha, o, term;
  mpfr_inits2(bits, z, alpha, o, term, static_cast<mpfr_ptr>(nullptr));
  mpfr_set_ui(z, 1, MPFR_RNDN);
  for (std::size_t j = 0; j < ones; ++j) mpfr_add_ui(z, z, 1, MPFR_RNDN);
  mpfr_ui_div(alpha, 1, z, MPFR_RNDN);
  mpfr_set_ui(o, 0, MPFR_RNDN);
  for (std::size_t j = 0; j < ones; ++j) mpfr_add(o, o, alpha, MPFR_RNDN);
  const double out = mpfr_get_d(o, MPFR_RNDN);
  mpfr_clears(z, alpha, o, term, static_cast<mpfr_ptr>(nullptr));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(predict)

// A sum of equal terms 1 stagnates in a p-bit format once it reaches 2^p
// (2^p + 1 is a tie, rounded to the even 2^p). Z(s) = 1 + n, Z(s*) = 2 + n
// differ by 1 ≤ ulp_F(Z(s*))/2 exactly when Z(s*) ≥ 2^p: n = 2^p − 2.
BOOST_AUTO_TEST_CASE(stagnation_of_a_sum_of_equal_terms_at_two_to_the_p) {
  BOOST_TEST(first_predicted(gm::Predictor::stagnation, "bf16", 5000).value_or(0) == 254u);   // p = 8
  BOOST_TEST(first_predicted(gm::Predictor::stagnation, "fp16", 5000).value_or(0) == 2046u);  // p = 11
  BOOST_TEST(first_predicted(gm::Predictor::stagnation, "custom:p=5,emax=15", 5000).value_or(0) == 30u);
}

// Replayed in bf16 the count-ones head is bit for bit MPFR at 8 bits, and
// the replay predicts a collapse exactly where the MPFR simulation's
// outputs for n and n + 1 ones agree (early coincidences included: the
// exact outputs n/(n+1) differ by 1/((n+1)(n+2)), below an ulp of 1 from
// n ≈ 2^(p/2)). Closed form from the stagnation corollary: from n = 2^p − 1
// both Z stop at 2^p, α = 2^-p, and o = min(n, 2^p)·2^-p, so s and s*
// differ at n = 2^p − 1 and agree at every n ≥ 2^p (bf16: 255 / 256; fp16:
// 2047 / 2048).
BOOST_AUTO_TEST_CASE(replay_of_the_count_ones_head_matches_mpfr_at_the_formats_precision) {
  const gm::RunSpec bf16 = track("bf16");
  for (std::size_t n = 1; n <= 600; ++n) {
    const std::vector<double> oa = gm::replay_head(count_ones_head(n), bf16);
    BOOST_TEST_REQUIRE(oa.size() == 1u);
    BOOST_TEST(oa[0] == mpfr_head(n, 8), "n = " << n);
    const bool merged = mpfr_head(n, 8) == mpfr_head(n + 1, 8);
    BOOST_TEST(gm::predicts_collapse(gm::Predictor::replay, count_ones_probe(n), bf16) == merged, "n = " << n);
  }
  BOOST_TEST(mpfr_head(255, 8) == 255.0 / 256.0);
  BOOST_TEST(!gm::predicts_collapse(gm::Predictor::replay, count_ones_probe(255), bf16));
  for (std::size_t n = 256; n <= 600; ++n) BOOST_TEST(gm::predicts_collapse(gm::Predictor::replay, count_ones_probe(n), bf16));
  const gm::RunSpec fp16 = track("fp16");
  BOOST_TEST(!gm::predicts_collapse(gm::Predictor::replay, count_ones_probe(2047), fp16));
  for (std::size_t n = 2048; n <= 2060; ++n) BOOST_TEST(gm::predicts_collapse(gm::Predictor::replay, count_ones_probe(n), fp16));
  BOOST_TEST(gm::replay_head(count_ones_head(2047), fp16)[0] == 2047.0 / 2048.0);
}

// The count-ones head carried through a one-row output projection and the
// residual add, z = fl(x + fl(fl(w·o) + b)) with x = 8, w = 3, b = 1/4 (all
// exact in bf16): the independent MPFR simulation at 8 bits rounds each
// operation once. z merges wherever that simulation's z(n) and z(n + 1)
// agree, and that is earlier than o merges (from n = 256): at z ≈ 11.25 an
// ulp is 2^-4, so differences 3·Δo ≈ 3/n² are lost long before o stops.
BOOST_AUTO_TEST_CASE(residual_replay_matches_mpfr_and_merges_before_the_attention_output) {
  const gm::RunSpec bf16 = track("bf16");
  const auto projection = std::make_shared<gm::OutputProjection>();
  projection->rows = 1;
  projection->cols = 1;
  projection->w = {3.0};
  projection->b = {0.25};
  const auto mpfr_z = [](std::size_t ones) {
    mpfr_t o, a;
    mpfr_inits2(8, o, a, static_cast<mpfr_ptr>(nullptr));
    mpfr_set_d(o, mpfr_head(ones, 8), MPFR_RNDN);  // exact: an 8-bit value
    mpfr_mul_ui(a, o, 3, MPFR_RNDN);
    mpfr_add_d(a, a, 0.25, MPFR_RNDN);
    mpfr_add_ui(a, a, 8, MPFR_RNDN);
    const double z = mpfr_get_d(a, MPFR_RNDN);
    mpfr_clears(o, a, static_cast<mpfr_ptr>(nullptr));
    return z;
  };
  std::optional<std::size_t> first;
  for (std::size_t n = 1; n <= 600; ++n) {
    gm::ReferenceProbe p = count_ones_probe(n);
    p.input_a = {8.0};
    p.input_b = {8.0};
    p.projection = projection;
    const std::vector<double> z = gm::replay_residual(p.heads_a, p.input_a, *projection, bf16);
    BOOST_TEST_REQUIRE(z.size() == 1u);
    BOOST_TEST(z[0] == mpfr_z(n), "n = " << n);
    const bool merged = mpfr_z(n) == mpfr_z(n + 1);
    BOOST_TEST(gm::predicts_collapse(gm::Predictor::residual, p, bf16) == merged, "n = " << n);
    if (merged && !first) first = n;
  }
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(*first < 255u);
  // Without a projection (post-norm models, or none recorded) it is the replay.
  for (std::size_t n : {100u, 255u, 256u}) {
    BOOST_TEST(gm::predicts_collapse(gm::Predictor::residual, count_ones_probe(n), bf16) ==
               gm::predicts_collapse(gm::Predictor::replay, count_ones_probe(n), bf16));
  }
}

// absorption: the replay when s* only adds keys (the count-ones head),
// ulp-count when the last position's scores differ.
BOOST_AUTO_TEST_CASE(absorption_chooses_by_the_premise) {
  const gm::RunSpec bf16 = track("bf16");
  gm::ReferenceProbe p = count_ones_probe(300);
  p.y_a = {1.0};
  p.delta = {0x1p-6};  // E = 2^-6 / 2^-7 = 2: ulp-count predicts no collapse
  BOOST_TEST(!gm::predicts_collapse(gm::Predictor::ulp_count, p, bf16));
  BOOST_TEST(gm::only_adds_keys(p));
  BOOST_TEST(gm::predicts_collapse(gm::Predictor::absorption, p, bf16));  // the replay: merged from 256 on
  for (double& x : p.heads_b[0].scores) x -= 0.75;  // ALiBi: every old key moved by one slope
  BOOST_TEST(gm::only_adds_keys(p));
  p.heads_b[0].scores[0] = -1.0;  // another query: the premise fails
  BOOST_TEST(!gm::only_adds_keys(p));
  p.heads_b[0].scores[0] = -0.75 + 0x1p-30;  // a shift that differs beyond the reference's rounding
  BOOST_TEST(!gm::only_adds_keys(p));
  BOOST_TEST(!gm::predicts_collapse(gm::Predictor::absorption, p, bf16));
  p.delta = {0x1p-10};  // E = 1/8
  BOOST_TEST(gm::predicts_collapse(gm::Predictor::absorption, p, bf16));
}

// E = Σ_i |δ_i| / ulp_F(y_i) against ln 2, and the distance rule
// D∞ < u_F ‖y‖∞, on hand-computed vectors: y_i = 1 (bf16 ulp 2^-7).
BOOST_AUTO_TEST_CASE(ulp_count_and_distance_by_hand) {
  gm::ReferenceProbe p;
  p.y_a = {1.0, 1.0, 1.0, 1.0};
  p.y_norm_inf = 1.0;
  p.delta = {0x1p-10, 0x1p-10, 0x1p-10, 0x1p-10};  // E = 4 · 2^-3 = 0.5 < ln 2
  p.dinf = 0x1p-10;                                   // < u = 2^-8
  const gm::RunSpec bf16 = track("bf16");
  BOOST_TEST(gm::predicts_collapse(gm::Predictor::ulp_count, p, bf16));
  BOOST_TEST(gm::predicts_collapse(gm::Predictor::distance, p, bf16));
  p.delta = {0x1p-9, 0x1p-9, 0x1p-9, 0x1p-9};  // E = 1 > ln 2
  BOOST_TEST(!gm::predicts_collapse(gm::Predictor::ulp_count, p, bf16));
  p.dinf = 0x1p-8;  // not below u ‖y‖∞
  BOOST_TEST(!gm::predicts_collapse(gm::Predictor::distance, p, bf16));
  p.delta = {0x1p-20, 0x1p-20, 0x1p-20, 0x1p-20};  // fp32: ulp 2^-23, E = 32
  BOOST_TEST(gm::predicts_collapse(gm::Predictor::ulp_count, p, bf16));
  BOOST_TEST(!gm::predicts_collapse(gm::Predictor::ulp_count, p, track("fp32")));
}

// The probe of the paper-literal NoPE model: its layer-0 head sees the
// prompt and n identical ones, so Z(s*) − Z(s) is one term e^(s_1 − c),
// the same at every n; and δ is the difference of two independent
// forwards (recomputed here from scratch in fp64).
BOOST_AUTO_TEST_CASE(probe_of_the_paper_literal_model) {
  const gm::ModelSource m = gm::make_preset("paper-literal");
  gm::FamilyOptions o;
  o.name = "count-ones";
  const gm::PairFamily family(m, o);
  const gm::RunSpec fp64 = track("fp64");
  const gm::ReferenceProbe p10 = gm::probe_reference(m, family, fp64, 10);
  const gm::ReferenceProbe p20 = gm::probe_reference(m, family, fp64, 20);
  BOOST_TEST_REQUIRE(p10.heads_a.size() == 1u);
  const gm::SequencePair pair = family.at(10);
  BOOST_TEST(p10.heads_a[0].scores.size() == pair.a.size());
  BOOST_TEST(p10.heads_b[0].scores.size() == pair.b.size());
  BOOST_TEST(p10.heads_a[0].values.size() == pair.a.size() * static_cast<std::size_t>(m.config.d_head));
  const double term10 = p10.heads_b[0].denominator - p10.heads_a[0].denominator;
  const double term20 = p20.heads_b[0].denominator - p20.heads_a[0].denominator;
  BOOST_TEST(term10 > 0);
  BOOST_TEST(std::fabs(term10 - term20) <= 1e-12 * term10);
  // The extra term is exp(s_last − c), c the largest score (the shift).
  const std::vector<double>& sb = p10.heads_b[0].scores;
  const double c = *std::max_element(sb.begin(), sb.end());
  BOOST_TEST(std::fabs(term10 - std::exp(sb.back() - c)) <= 1e-12 * term10);
  const gm::ForwardResult ya = gm::run_forward(m, fp64, gm::make_input(m, pair.a), false, false);
  const gm::ForwardResult yb = gm::run_forward(m, fp64, gm::make_input(m, pair.b), false, false);
  for (std::size_t i = 0; i < p10.delta.size(); ++i) {
    BOOST_TEST(p10.y_a[i] == ya.y.back().nearest[i]);
    BOOST_TEST(p10.delta[i] == yb.y.back().nearest[i] - ya.y.back().nearest[i]);
  }
}

// summary.json: every predictor per track (permanent and first onsets), the
// chosen one's permanent onset as onset_predicted, the original (its first
// point) as onset_predicted_distance, recomputed here from the reference
// points.
BOOST_AUTO_TEST_CASE(summary_json_fields) {
  const gm::ModelSource m = gm::make_preset("paper-literal");
  gm::FamilyOptions o;
  o.name = "count-ones";
  const gm::PairFamily family(m, o);
  gm::SweepSettings s;
  for (std::size_t n = 16; n <= 1024; n *= 2) s.ns.push_back(n);
  s.formats = {"bf16"};
  s.reference = "fp64";
  s.certify = false;
  const gm::SweepResult r = gm::run_sweep(m, family, s, {});
  gm::SweepDescription d;
  d.model = &m;
  d.family = &family;
  d.family_name = "count-ones";
  const nlohmann::json j = nlohmann::json::parse(gm::summary_json(d, s, r));
  const nlohmann::json& bf16 = j.at("formats").at("bf16");
  for (const gm::NamedPredictor& p : gm::kPredictors) BOOST_TEST(bf16.at("onset_predictors").contains(std::string(p.name)));
  BOOST_TEST(bf16.at("onset_predictor") == "absorption");
  BOOST_TEST(bf16.at("onset_predicted") == bf16.at("onset_predictors").at("absorption"));
  // count-ones with NoPE only adds a key: absorption is the replay.
  BOOST_TEST(bf16.at("onset_predictors").at("absorption") == bf16.at("onset_predictors").at("replay"));
  std::optional<std::size_t> distance;
  for (const gm::PointMetrics& p : r.tracks[r.reference_track].points) {
    if (!distance && p.dinf < 0x1p-8 * p.y_norm_inf) distance = p.n;
  }
  BOOST_TEST_REQUIRE(distance.has_value());
  BOOST_TEST(bf16.at("onset_predicted_distance").get<std::size_t>() == *distance);
  BOOST_TEST(bf16.at("onset_predictors_first").at("distance") == bf16.at("onset_predicted_distance"));
}

// The sweep takes the probes from its reference track's own KV-cache walk
// (one push per n for count-ones, two decoders for copy-first, a full
// forward per n without a causal mask); every predictor's onset for every
// track must equal the one found by probing each point from scratch
// (probe_reference, two independent forwards per n), also when the sweep
// resumes with the first points done.
BOOST_AUTO_TEST_CASE(walked_probes_equal_probes_from_scratch) {
  struct Case {
    std::string preset, family, reference;
  };
  std::size_t onsets_found = 0, late = 0;
  for (const Case& c : {Case{"default", "count-ones", "mpfr:96"}, Case{"default:positional=rope", "copy-first", "fp64"},
                        Case{"default:causal=0", "count-ones", "fp64"}, Case{"paper-literal", "count-ones", "fp64"}}) {
    BOOST_TEST_CONTEXT(c.preset << ", " << c.family << ", reference " << c.reference) {
      const gm::ModelSource m = gm::make_preset(c.preset);
      gm::FamilyOptions o;
      o.name = c.family;
      const gm::PairFamily family(m, o);
      gm::SweepSettings s;
      s.ns = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64};
      if (glasses::test::kSanitized) s.ns.resize(13);  // up to 32: the probes from scratch cost O(n²) each
      s.formats = {"e4m3", "e5m2", "fp16", "bf16"};
      s.reference = c.reference;
      s.certify = false;
      const gm::SweepResult r = gm::run_sweep(m, family, s, {});
      const gm::RunSpec reference = r.tracks[r.reference_track].spec.run;
      std::vector<gm::ReferenceProbe> probes;
      for (const std::size_t n : s.ns) probes.push_back(gm::probe_reference(m, family, reference, n));
      // The sweep resumed with the first five points of every track done.
      std::vector<std::vector<gm::PointMetrics>> done;
      for (const gm::TrackResult& t : r.tracks) done.emplace_back(t.points.begin(), t.points.begin() + 5);
      const gm::SweepResult resumed = gm::run_sweep(m, family, s, {}, done);
      for (std::size_t t = 0; t < r.tracks.size(); ++t) {
        for (const gm::NamedPredictor& p : gm::kPredictors) {
          // first: the first point predicted; permanent: the first of the last
          // run of predicted points (0: none; every n is >= 1).
          std::size_t first = 0, permanent = 0;
          for (const gm::ReferenceProbe& probe : probes) {
            if (gm::predicts_collapse(p.predictor, probe, r.tracks[t].spec.run)) {
              if (first == 0) first = probe.n;
              if (permanent == 0) permanent = probe.n;
            } else {
              permanent = 0;
            }
          }
          BOOST_TEST_CONTEXT(r.tracks[t].spec.label << ", " << p.name) {
            for (const gm::SweepResult* run : {&r, &resumed}) {
              const auto& predictions = run->tracks[t].summary.predictions;
              const auto it = std::find_if(predictions.begin(), predictions.end(),
                                           [&](const gm::PredictedOnset& x) { return x.predictor == p.predictor; });
              BOOST_TEST_REQUIRE((it != predictions.end()));
              BOOST_TEST(it->first.value_or(0) == first);
              BOOST_TEST(it->n.value_or(0) == permanent);
              BOOST_TEST(gm::predicted_onset(run->tracks[t].summary, p.predictor).value_or(0) == permanent);
            }
          }
          if (first != 0) ++onsets_found;
          if (first != permanent) ++late;
        }
      }
    }
  }
  BOOST_TEST(onsets_found >= 12u);  // the comparison is not only between empty onsets (16 of 80)
  BOOST_TEST_MESSAGE(late << " predicted onsets become permanent after their first point");
}

BOOST_AUTO_TEST_SUITE_END()
