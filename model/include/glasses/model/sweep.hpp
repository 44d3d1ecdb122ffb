// Precision comparison runs (THEORY §2): for a model and a pair family, at
// which n each number format makes the two inputs indistinguishable, which
// rounding site causes it, and whether the exact model still tells them
// apart (certified with intervals).
//
// How a sweep runs
// ----------------
// Each format (or policy) is a *track*: two KV-cached decoders, one for the
// s sequences and one for the s* sequences. Going from n to the next n, a
// decoder keeps the longest common prefix of the old and new sequence and
// pushes only the rest, so a sweep over n = 1..N costs O(N²·d·L), not
// O(N³). Every position's computation depends only on its own prefix (the
// stochastic-rounding stream is reseeded per position from the prefix), so
// a point gives the same bits whether it is computed in a sweep, from
// scratch, or after a resume. Models without a causal mask are recomputed
// from scratch at every n (O(N³)).
//
// Quantities per n and track (THEORY §2):
//   D1, D2, Dinf         ‖y(s) − y(s*)‖ in the 1-, 2- and ∞-norms, from the
//                        exact values of the run (differences in MPFR)
//   bitwise_equal        y(s) == y(s*) componentwise, bit for bit (signs of zeros included)
//   identical_fraction   the fraction of bit-identical components
//   ulp_distance         Dinf / ulp_F(‖y(s)‖∞), F the format y is stored in
//   error_inf            ‖y_F(s) − y_ref(s)‖∞ against the reference track
//   argmax_a, argmax_b   next-token decisions (when the model has logits)
//   decision_collapse    argmax_a == argmax_b while the reference's differ
//   D_layer_l            ‖v^(l)(s)_last − v^(l)(s*)_last‖₁, l = 0..L
//   head_inf_mean/min/max  per-head ‖o^h(s) − o^h(s*)‖∞ at the last layer
// Per track: the first and the permanent collapse onsets, where the two
// inputs merge at the first onset (merge.hpp), the onsets
// predicted from the reference track by each predictor of predict.hpp (the
// chosen one is onset_predicted), and at each observed onset the interval
// enclosure of the exact Dinf: a positive lower bound certifies that the
// collapse is caused by rounding.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "glasses/model/merge.hpp"
#include "glasses/model/predict.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/model/run.hpp"
#include "glasses/model/tasks.hpp"
#include "glasses/numerics/mpfr.hpp"
#include "glasses/numerics/parallel.hpp"

namespace glasses::model {

// What one track measured at one n.
struct PointMetrics {
  std::size_t n = 0;
  double d1 = 0, d2 = 0, dinf = 0;
  bool bitwise_equal = false;
  double identical_fraction = 0;
  double y_norm_inf = 0;
  double ulp_distance = 0;
  int argmax_a = -1, argmax_b = -1;  // -1 without logits
  std::vector<double> layer_d1;      // l = 0..L
  double head_inf_mean = 0, head_inf_min = 0, head_inf_max = 0;
  bool nonfinite = false;
  std::string issue;                 // where the first non-finite value appeared
  // The n strictly between the previous point and this one that the
  // KV-cache walk computed on the way (a thinned sweep: --geom or a step;
  // count-ones computes every n): all of [walked_from, n) when walked_from
  // > 0, and among them those where the pair was bitwise collapsed. Onsets
  // are found at every walked n, not only at the points written out.
  std::size_t walked_from = 0;
  std::vector<std::size_t> walked_collapsed;
  // Filled after all tracks ran (cross-track quantities).
  double error_inf = std::numeric_limits<double>::quiet_NaN();
  bool decision_collapse = false;
  // The exact values y(s), kept for the errors against the reference.
  std::vector<numerics::MpfrReal> y_a;
};

// The certified exact distance at one n.
struct Certification {
  std::size_t n = 0;
  bool certified = false;          // lower bound of the exact Dinf > 0
  double exact_distance_lower = 0; // lower bound of the exact Dinf
  double exact_distance_upper = 0;
  int bits = 0;                    // interval precision used
  std::string note;                // e.g. "precision limit reached", "n above the certification limit"
};

// Where a predictor expects a collapse, defined as the observed onsets
// are: `first`, the first point of the sweep it predicts a collapse at;
// `n`, the first point from which it predicts one at every later point
// (the one compared with onset_permanent).
struct PredictedOnset {
  Predictor predictor = Predictor::distance;
  std::optional<std::size_t> n, first;
};

struct TrackSummary {
  std::string label;                     // the format or policy string as given (or the ablated site)
  std::optional<std::size_t> onset_first, onset_permanent;
  // onset_permanent lies at or before the second-to-last point: the
  // collapse holds over the whole last interval of the grid. Otherwise it
  // was seen only on the n walked to the range's end, which cannot tell a
  // permanent collapse from one that comes more and more often.
  bool onset_confirmed = false;
  std::optional<std::size_t> onset_predicted;  // by kChosenPredictor (its permanent onset)
  std::vector<PredictedOnset> predictions;     // every predictor, in kPredictors order
  std::optional<Certification> certification;  // at onset_first
  std::optional<Certification> certification_permanent;
  std::optional<MergePoint> merge;  // at onset_first: where s and s* merge (merge.hpp)
  bool nonfinite = false;
};

// The permanent onset `p` predicts for a track (none when it predicts none or was not run).
std::optional<std::size_t> predicted_onset(const TrackSummary& s, Predictor p);

// Mitigations a sweep can turn on (compared in reports through suite
// sweeps with "mitigates"): model options, applied to the model before it
// runs by with_mitigations().
struct Mitigations {
  std::optional<double> sink_logit;   // ModelConfig::sink_logit: an attention sink with this score
  bool adaptive_temperature = false;  // ModelConfig::adaptive_temperature
  bool any() const { return sink_logit.has_value() || adaptive_temperature; }
};

// `model` with `mitigations` turned on in its config (validated); its origin
// and description say so (origin "… +sink=0 +adaptive-temperature"), so a
// resumed or reported sweep names them. Unchanged without mitigations.
ModelSource with_mitigations(ModelSource model, const Mitigations& mitigations);

struct SweepSettings {
  std::vector<std::size_t> ns;           // increasing
  std::vector<std::string> formats;      // formats and policies, as given
  std::string reference = "mpfr:256";    // the reference track (added when not among formats)
  std::optional<std::string> ablate;     // low format whose rounding sites are ablated one at a time
  bool certify = true;
  std::size_t certify_max_n = 1024;      // interval forwards cost O(n²) MPFI operations
  int interval_bits = 128;               // first interval precision; doubled up to the limit
  int interval_bits_limit = 2048;
  std::uint64_t seed = 0;                // stochastic rounding
  SumOrder order{};                      // summation order of every site that names none (policy.hpp)
  int threads = 2;
  bool cross_check = false;              // also run cross_check_format(reference), group "cross-check"
  Mitigations mitigations;               // stated in the summary; the model must carry them (with_mitigations)
};

// A sweep as its clients (glasses sweep, suite sweeps, glasses.sweep in
// Python) state it: the same fields, the ablation and the summation order
// as text.
struct SweepOptions {
  std::vector<std::size_t> ns;
  std::vector<std::string> formats;  // formats, then policies
  std::string reference = "mpfr:256";
  std::string ablate;                // empty: no ablation
  bool certify = true;
  std::size_t certify_max_n = 1024;
  int interval_bits = 128, interval_bits_limit = 2048;
  std::uint64_t seed = 0;
  std::string order = "sequential";
  int threads = 2;
  bool cross_check = false;
  Mitigations mitigations;
};

// The settings of `options`, validated: at least one format or policy, n
// positive and increasing, threads in 1..64, a known summation order,
// formats and policies that parse (plan_tracks), a finite sink logit.
// Throws InputError naming the problem.
SweepSettings sweep_settings(const SweepOptions& options);

// The independent 256-bit reference that cross-checks `reference`: Boost's
// cpp_bin_float for an MPFR reference, MPFR for a cpp_bin_float one; an
// InputError for any other reference.
std::string cross_check_format(const std::string& reference);

// A track to run: label (key in the summary) and what to run.
struct TrackSpec {
  std::string label;
  std::string group;  // "formats", "reference", "ablation" or "cross-check"
  RunSpec run;
};

// All tracks of a sweep: the formats, the reference, and the ablation
// (one policy per site, plus the realistic mixed policy).
std::vector<TrackSpec> plan_tracks(const SweepSettings& settings);

// What a sweep would cost, estimated before anything is built from the
// number of points and the largest n (nominal speeds of this machine's
// order of magnitude; certification not included), so that a sweep out of
// reach is refused with the numbers instead of started.
struct SweepEstimate {
  double cpu_seconds = 0;  // all tracks
  double peak_bytes = 0;   // the master weights, the `threads` largest tracks (KV caches and prepared
                           // weights) at once, and every track's kept points
};
SweepEstimate estimate_sweep(const ModelSource& model, const PairFamily& family, const SweepSettings& settings,
                             std::size_t points, std::size_t largest_n);

struct SweepCallbacks {
  // A point was measured (called from worker threads, in increasing n per track).
  std::function<void(std::size_t track, const PointMetrics&)> on_point;
  // Progress: work units done / total (positions pushed), from worker threads.
  std::function<void(double done, double total)> on_progress;
  // Where tracks and certifications run (e.g. MPI ranks); this process's
  // `settings.threads` when null. Every process taking part gets the result.
  const numerics::Distributor* distributor = nullptr;
};

struct TrackResult {
  TrackSpec spec;
  std::vector<PointMetrics> points;
  TrackSummary summary;
};

// The largest ‖y_cross − y_ref‖∞ over a sweep with two references (the
// cross-check track's error_inf, measured against the reference), and
// relative to ‖y‖∞.
struct ReferenceDisagreement {
  std::string cross_check;  // the second reference's track label
  double max_error = 0, max_relative = 0;
  std::size_t n_at_max = 0;
};

struct SweepResult {
  std::vector<TrackResult> tracks;
  std::size_t reference_track = 0;
  std::optional<ReferenceDisagreement> cross_check;  // with SweepSettings::cross_check
};

// Runs every track (in parallel over `settings.threads`), then the
// cross-track quantities, onsets and certifications. `completed[t]` holds
// points of track t restored from an interrupted run: they are not
// recomputed and later points are bit-identical to an uninterrupted run.
SweepResult run_sweep(const ModelSource& model, const PairFamily& family, const SweepSettings& settings,
                      const SweepCallbacks& callbacks, std::vector<std::vector<PointMetrics>> completed = {});

// The interval enclosure of the exact Dinf between y(s) and y(s*) at n,
// raising the precision from `bits` (doubling) until the lower bound is
// positive and the enclosure narrower than the distance, or `bits_limit`.
// `group`: processes sharing each forward's rows (parallel.hpp).
Certification certify_distance(const ModelSource& model, const PairFamily& family, std::size_t n, int bits,
                               int bits_limit, const numerics::RowGroup* group = nullptr);

// Serialisation of a point (one JSON object per line) for resumable runs;
// exact values travel as MPFR hexadecimal strings.
std::string point_to_json(const PointMetrics& p);
PointMetrics point_from_json(const std::string& line);  // throws InputError on a damaged line

// The metrics written to the tidy CSV, in order: name and value of a point.
std::vector<std::pair<std::string, double>> metric_values(const PointMetrics& p);

namespace detail {
// Multiply-adds of pushing one position onto a prefix of `length` tokens
// (the projections and the MLP of every layer, attention over the prefix,
// the unembedding), and of pushing the positions that end the prefixes of
// first_length .. last_length tokens: the units of sweep progress and of
// estimate_sweep.
double position_work(const ModelConfig& c, double length);
double push_work(const ModelConfig& c, std::size_t first_length, std::size_t last_length);

// Distances between two vectors of exact values, differences taken 64 bits
// wider than the values (relative error below 2^-117).
struct Difference {
  double d1 = 0, d2 = 0, dinf = 0;
  std::size_t identical = 0;  // bit-identical components (signs of zeros included)
};
Difference difference(const std::vector<numerics::MpfrReal>& a, const std::vector<numerics::MpfrReal>& b);

// A certification as one line of JSON, exact (doubles in hexadecimal), and back.
std::string certification_to_json(const Certification& c);
Certification certification_from_json(std::string_view text);  // throws InputError on a damaged record

// One track, instantiated per scalar type (src/instantiate_scalar.cpp.in).
// With `on_probe` (the reference track), what the onset predictors read is
// taken from the track's own walk at every point (points before
// first_index are walked again, not reported).
template <class T>
std::vector<PointMetrics> run_track_as(const ModelSource& model, const PairFamily& family, const TrackSpec& track,
                                       const SweepSettings& settings, std::size_t first_index,
                                       const std::function<void(const PointMetrics&)>& on_point,
                                       const std::function<void(double)>& on_work, const numerics::RowGroup* group,
                                       const std::function<void(const ReferenceProbe&)>& on_probe = {});
}  // namespace detail

}  // namespace glasses::model
