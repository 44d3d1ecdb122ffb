// B.3 — representational collapse (Theorem 4.2, Appendix B.3).
//
// Statement: for v^(0) = [x, v_a] and v*^(0) = [x, v_a, v_a] with bounded
// tokens and positional information decaying with distance,
// ‖v^(L)_n − v*^(L)_(n+1)‖₁ → 0.
//
// What is checked (THEORY §3 B.3):
//  1. The layer-0 inequality of the proof, certified with MPFI per instance:
//       ‖z_n − z*_(n+1)‖₁ ≤ Σ_h M_h ( Σ_(i<n) |α^h_(n,i) − α*^h_(n+1,i)|
//                                      + |α^h_(n,n) − α*^h_(n+1,n) − α*^h_(n+1,n+1)| )
//     with M_h = max_i ‖W_O^h W_V^h u_i‖₁ (‖u_i‖₁ in the paper-literal block).
//     It follows from z_n − z*_(n+1) = Σ_h Σ_i (α − α*)_i W_O^h W_V^h u_i,
//     which needs u*_(n+1) = u_n: no positions in the residual stream.
//  2. The one-layer NoPE identity of the paper-literal block:
//       z*_(n+1) − z_n = a (u_n − o_n),  a = e^(s_n) / (Z + e^(s_n)),
//     o_n = Σ_j α_(n,j) u_j the attention output (THEORY writes z_n; with
//     the residual stream z_n = v_n + o_n the identity holds for o_n), and
//     exactly 0 when every token is the same.
//  3. The decay itself, per layer: D_l(n) = ‖v^(l)_n − v*^(l)_(n+1)‖₁ for n
//     up to 10^4, the fitted slope of log D against log n for each
//     positional encoding, and a flag for encodings that do not decay.
#pragma once

#include <vector>

#include "glasses/model/presets.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

struct B3LayerZero {
  numerics::Interval lhs;  // ‖z_n − z*_(n+1)‖₁
  numerics::Interval rhs;  // the bound
};

// The two sides of the layer-0 inequality for s = tokens (s* = s ⊕ last
// token), in MPFI at `precision` bits. `omit_last_term` drops the term
// |α_(n,n) − α*_(n+1,n) − α*_(n+1,n+1)| (a deliberately broken bound).
// Throws InputError when the model adds positions to the residual stream.
B3LayerZero b3_layer_zero(const model::ModelSource& model, const std::vector<int>& tokens, long precision,
                          bool omit_last_term = false);

// ‖(z*_(n+1) − z_n) − a (u_n − o_n)‖∞ enclosed, for a one-layer view of
// the model (item 2); zero in exact arithmetic.
numerics::Interval b3_nope_identity_residual(const model::ModelSource& model, const std::vector<int>& tokens,
                                             long precision);

}  // namespace glasses::proofs::detail
