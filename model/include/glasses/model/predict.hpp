// Onset predictors (docs/why_it_collapses.md): the n from which a format
// is expected to make s(n) and s*(n) indistinguishable, computed from the
// reference track and the format's parameters only, never from the
// low-precision run.
//
//   distance     D∞_ref(n) < u_F ‖y_ref(s)‖∞: the exact distance falls
//                below the unit roundoff of the output (the original predictor)
//   ulp-count    E(n) = Σ_i |δ_i| / ulp_F(y_i) < ln 2, δ = y_ref(s*) − y_ref(s):
//                the expected number of output components that still differ
//                when each rounds independently; below ln 2 all agree more
//                often than not (P ≈ e^−E)
//   stagnation   at layer 0, every head: |Z(s*) − Z(s)| ≤ ulp_F(Z(s*))/2, Z
//                the exact softmax denominators: the difference between the
//                two sums is less than half an ulp of the sum in F
//   replay       layer 0's attention (scores → softmax → Σ_j α_j v_j) of the
//                last position redone in the track's formats and summation
//                orders on the reference's scores and values: s and s*
//                give bit-identical attention outputs in every head. This
//                simulates the sums' stagnation (a running sum that
//                stopped growing in F absorbs the extra key) without running
//                the low-precision model.
//   residual     the replay carried on through layer 0's output projection
//                and residual add, z = fl(x + fl(W_O concat_h o^h + b_O)),
//                x the reference's residual input rounded into F: s and s*
//                give bit-identical z (a difference the attention output
//                still carries can be lost where it meets the residual)
//   absorption   where the replay's premise holds (s* only adds keys to
//                layer 0's attention of the last position: every head's
//                scores over the keys of s are those of s up to a common
//                shift, only_adds_keys()), the
//                residual replay; otherwise (the last position itself differs: a
//                different token, RoPE or ALiBi distances) no layer-0 sum can
//                absorb the difference, and the output's rounding decides:
//                ulp-count.
// A predictor's onsets are defined as the observed ones: its permanent
// onset (onset_predicted, compared with onset_permanent) is the first point
// from which it predicts a collapse at every later point of the sweep; its
// first onset the first point at which it predicts one.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "glasses/model/presets.hpp"
#include "glasses/model/run.hpp"
#include "glasses/model/tasks.hpp"

namespace glasses::model {

enum class Predictor { distance, ulp_count, stagnation, replay, residual, absorption };

struct NamedPredictor {
  std::string_view name;
  Predictor predictor;
};
inline constexpr std::array kPredictors{
    NamedPredictor{"distance", Predictor::distance},
    NamedPredictor{"ulp-count", Predictor::ulp_count},
    NamedPredictor{"stagnation", Predictor::stagnation},
    NamedPredictor{"replay", Predictor::replay},
    NamedPredictor{"residual", Predictor::residual},
    NamedPredictor{"absorption", Predictor::absorption},
};
// The predictor behind TrackSummary::onset_predicted (the calibration in
// docs/why_it_collapses.md).
inline constexpr Predictor kChosenPredictor = Predictor::absorption;

std::string_view to_string(Predictor p);

// One head of layer 0 at the last position, as the reference computed it.
struct ReferenceHead {
  std::vector<double> scores;  // s_j, j ∈ N(t)
  std::vector<double> values;  // v_j^h, j ∈ N(t): row j of d_h values
  double denominator = 0;      // Z = Σ_j exp(s_j − c)
};

// Layer 0 at the last position, as the reference computed it.
struct ReferenceLayer0 {
  std::vector<ReferenceHead> heads;
  std::vector<double> input;  // the residual stream before attention, v^(0)
};

// Layer 0's output projection a = W_O concat_h o^h + b_O from the master
// weights; empty (rows = 0) for models that normalise a before the
// residual add (post-norms), which the residual replay does not follow.
struct OutputProjection {
  std::size_t rows = 0, cols = 0;  // d × n_heads·d_h
  std::vector<double> w, b;        // row-major; b empty without a bias
};
std::shared_ptr<const OutputProjection> output_projection(const ModelSource& model);

// What the predictors read of the reference at one n.
struct ReferenceProbe {
  std::size_t n = 0;
  std::vector<double> y_a;                  // y(s) at the last position
  std::vector<double> delta;                // y(s*) − y(s), taken in the reference's precision
  double dinf = 0, y_norm_inf = 0;          // ‖δ‖∞, ‖y(s)‖∞
  std::vector<ReferenceHead> heads_a, heads_b;  // layer 0, s and s*
  std::vector<double> input_a, input_b;          // layer 0's residual input, s and s*
  std::shared_ptr<const OutputProjection> projection;  // null: no residual replay
};

// Runs s(n) and s*(n) from scratch in the reference's arithmetic and
// records what the predictors need. A sweep takes the same from its
// reference track's own KV-cache walk (run_track_as); this is the
// independent check of that walk, O(n²) per n.
ReferenceProbe probe_reference(const ModelSource& model, const PairFamily& family, const RunSpec& reference,
                               std::size_t n);

// Whether s* only adds keys at layer 0 of the last position (absorption's
// premise): in every head, the scores of s* over the keys of s are those
// of s up to one common shift, which softmax cannot see (ALiBi moves every
// old key by the same slope·1). "Equal" is to 2^-40 of the largest score:
// far finer than any emulated format (fp32: u = 2^-24), far coarser than
// the rounding of a 53-bit or wider reference.
bool only_adds_keys(const ReferenceProbe& probe);

// Whether predictor `p` expects `track` to collapse the pair at the probe's n.
bool predicts_collapse(Predictor p, const ReferenceProbe& probe, const RunSpec& track);

// The attention output o of one head replayed in the site formats and
// orders of `track` (SiteRounding on a double carrier): scores rounded at
// attention-scores, values at kv-cache, softmax (softmax site), then
// Σ_j α_j v_j (matmul-accumulate, stored at activations).
std::vector<double> replay_head(const ReferenceHead& head, const RunSpec& track);

// Layer 0's residual stream after attention, z = x + a, replayed in the
// formats of `track`: every head by replay_head, a = W_O concat_h o^h + b_O
// with W_O, b_O through the weights site and the product at
// matmul-accumulate (stored at activations), x rounded at activations, and
// the add stored at activations (the model's `add_into`).
std::vector<double> replay_residual(const std::vector<ReferenceHead>& heads, const std::vector<double>& input,
                                    const OutputProjection& projection, const RunSpec& track);

namespace detail {
// One instantiation per type of numerics::Scalars (src/instantiate_scalar.cpp.in).
template <class T>
ReferenceProbe probe_as(const ModelSource& model, const RunSpec& reference, std::size_t n, const std::vector<int>& a,
                        const std::vector<int>& b);
}  // namespace detail

}  // namespace glasses::model
