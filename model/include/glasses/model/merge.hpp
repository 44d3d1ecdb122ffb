// Where two inputs merge: for a collapse (y(s) and y(s*) bit-identical in
// a format), the step of the forward pass at which the states of the two
// sequences' last positions become bit-identical for good, and the first
// rounding that absorbed a difference.
//
// The chain of states of the last position t, in the order computed:
//
//   input                v^(0)_t
//   per layer l:
//     q                  the queries of t (all heads, after RoPE)
//     scores   (head h)  s_j = q^h·k_j^h · scale (+ caps, ALiBi), j ∈ N(t)
//     softmax denominator (head h)  Z^h = Σ_j exp(s_j − c)
//     softmax  (head h)  α_j = e_j / Z^h
//     attention output (head h)     o^h = Σ_j α_j v_j^h
//     residual           z = v + W_O concat_h o^h (+ b_O)
//     mlp                v' = z + ψ(z)
//   output               y = norm(v^(L))
//
// Two states are identical when their vectors have the same length and
// every component the same value and sign (a score vector over keys N(t)
// of another length differs). Differences re-enter after a merge (layer
// l+1 reads keys of other positions, which still differ), so:
//   merge            the step after the last state that differs: from there
//                    on every state is identical (y included);
//   first rounding   the first step, in the order above and head by head,
//                    whose input state differs and whose own state agrees:
//                    the first rounding that swallowed a difference (a
//                    softmax denominator that stagnated, Σαv that lost the
//                    extra term, a residual add that ignored the attention).
// For head steps, `head` is the first head whose state merges there
// (previous state differs, this one agrees); -1 for the other steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "glasses/model/forward.hpp"
#include "glasses/model/run.hpp"
#include "glasses/model/tasks.hpp"

namespace glasses::model {

// ForwardStep (forward.hpp) names the states of the chain.
std::string_view to_string(ForwardStep step);  // "input", "q", "scores", "softmax denominator", ...
bool per_head(ForwardStep step);               // scores … attention output

struct MergeLocation {
  int layer = -1;  // -1 for input and output
  ForwardStep step = ForwardStep::input;
  int head = -1;   // head steps: the first head merging here
};

// One state of the chain: which parts (one per head for head steps, else
// one) differ between the two sequences.
struct ChainState {
  int layer = -1;
  ForwardStep step = ForwardStep::input;
  std::vector<bool> differs;
};

struct MergePoint {
  std::size_t n = 0;
  bool collapsed = false;  // y identical (else there is no merge)
  MergeLocation merge;
  std::optional<MergeLocation> first_rounding;  // none when no state differs
  std::vector<ChainState> chain;                 // the whole chain, for reports
};

// The merge and the first rounding of a chain (as above); `chain` ends with
// the output.
MergePoint locate_merge(std::vector<ChainState> chain);

// Runs s(n) and s*(n) of `family` in the track's arithmetic from scratch
// (the same bits as the sweep: every position depends only on its prefix)
// and locates their merge.
MergePoint merge_point(const ModelSource& model, const PairFamily& family, const RunSpec& run, std::size_t n);

namespace detail {
// One instantiation per type of numerics::Scalars (src/instantiate_scalar.cpp.in).
template <class T>
std::vector<ChainState> merge_chain_as(const ModelSource& model, const RunSpec& run, const std::vector<int>& a,
                                       const std::vector<int>& b);
}  // namespace detail

}  // namespace glasses::model
