// B.5 (over-squashing, Theorem 5.1; THEORY §3 B.5): the sensitivity of the
// last representation to each input row is bounded by a weighted path count
// through the causal graph.
//
// What is checked
// ---------------
// With ‖·‖ the ∞-norm (max row sum; the operator norm induced by the vector
// ∞-norm, used consistently for every matrix below):
//
//     ‖J_i‖ ≤ ‖N3_n‖ · ( B^(L-1) ⋯ B^(0) )_(n,i)                        (the bound)
//     B^(l)_(j,i) = (1 + Lip(ψ_l)·‖N2_j‖) · ( Σ_h α^h_(j,i) ‖W_O^h W_V^h‖ ‖N1_i‖ + δ_(j,i) )
//
// J_i = ∂y_n/∂v_i^(0); N1, N2, N3 the Jacobians of the layer's norms with
// frozen statistics at the actual positions (RMSNorm diag(g)·s, LayerNorm
// diag(g)(I − 11ᵀ/d)·s, so ‖N‖∞ = s·max|g| resp. s·max|g|·2(d−1)/d; no norm:
// 1); α^h of layer l (frozen, as computed by the forward); W_O^h the columns
// of W_O of head h and W_V^h the rows of W_V of head h's kv head.
// Lip(ψ_l) = ‖W_down‖∞ · max_x|act'(x)| · ‖W_up‖∞ (global: ReLU 1, GELU and
// GELU-tanh the certified maxima of max_activation_slope) or, for SwiGLU,
// which has no global Lipschitz constant, ‖∂ψ/∂u‖∞ at the point (local);
// 0 without an MLP. Why it holds (frozen α and statistics): the chain rule
// writes J_i as N3_n times the sum over paths i = k_0 → k_1 → ⋯ → k_L = n of
// Π_l (I + Jψ_l N2_(k_(l+1))) (Σ_h α^h W_O^h W_V^h N1_(k_l) + δ I); the
// triangle inequality and submultiplicativity bound each factor by B^(l).
//
//  * B.5 (expected: holds): the FROZEN Jacobian (the theorem's assumptions)
//    against the bound, certified with intervals per input position i, on the
//    presets and on random models of several architectures; the tightness
//    oracle (d = 1, ψ(x) = σx, norms exact scalings, frozen attention), where
//    the two sides are equal; the paper's constant-β forms reported beside.
//  * B.5-full (measurement): the FULL Jacobian against the same bound, the
//    worst ratio by random and adversarial search.
//
// The paper's forms, with per-layer constants 1/β₁ = max_i ‖N1_i‖,
// 1/β₂ = max_j ‖N2_j‖, σ_l = max_j Lip(ψ_l), 1/β₃ = ‖N3_n‖ and
// Λ^(l)_(j,i) = Σ_h α^h_(j,i) ‖W_O^h W_V^h‖ (= α for the paper-literal block):
//   proof form        (1/β₃) Π_l (σ_l/β₂ + 1) · [Λ̄^(L−1) ⋯ Λ̄^(0)]_(n,i),  Λ̄ = Λ/β₁ + I
//   printed sum       the proof's constant with the printed summation, whose
//                     extra index k_L ≥ k_(L−1) has no factor: each path counted
//                     n − k_(L−1) + 1 times (our reading; valid and looser)
//   printed statement (1/β₃) Π_l σ_l (σ_ψ^L, taking the statement's C as 1)
//                     with the printed summation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "glasses/model/jacobian.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::b5 {

// The scalar type of a computation.
enum class Carrier : std::uint8_t { fp64, mpfr, interval };

// The operator norm used for every matrix of the bound and for ‖J_i‖: the
// ∞-norm (max row sum, B.5) or the spectral norm ‖·‖₂ = σ_max (B.5-spectral,
// interval carrier only; see spectral_norm). The bound is sound for any
// consistent operator norm; for ‖·‖₂ the norms' Jacobians are ‖diag(g)·s‖₂ =
// s·max|g| and, for LayerNorm, s·max|g| (the centring I − 11ᵀ/d is an
// orthogonal projection, norm 1, where ‖·‖∞ gives 2(d−1)/d).
enum class Norm : std::uint8_t { infinity, spectral };

struct BoundOptions {
  bool drop_lipschitz = false;   // deliberately broken: (1 + Lip(ψ)‖N2_j‖) replaced by 1
  bool drop_residual = false;    // deliberately broken: the + δ_(j,i) term removed
  bool local_lipschitz = false;  // Lip(ψ_l) := ‖∂ψ/∂u‖ at the point for every activation
  Norm norm = Norm::infinity;
};

// Both sides for every input position i (enclosures for intervals, points
// otherwise), for the output position n (the last).
struct Profile {
  std::string carrier;     // "fp64", "mpfr:256", "interval:128"
  std::string lipschitz;   // "global", "local", "none (no MLP)"
  std::size_t output = 0;
  std::vector<Bounds> jacobian;           // [i] ‖J_i‖∞
  std::vector<Bounds> bound;              // [i] ‖N3_n‖ (B^(L-1) ⋯ B^(0))_(n,i)
  std::vector<Bounds> proof_form;         // [i] the paper's constant-β form as its proof derives it
  std::vector<Bounds> printed_sum;        // [i] with the printed extra summation index
  std::vector<Bounds> printed_statement;  // [i] σ_ψ^L in place of Π(σ/β₂ + 1), with the extra index
  // [i] how far ‖J_i‖ and the bound are from equal, computed in the carrier:
  // intervals: the relative width of the hull of the two enclosures when they
  // overlap (+inf when disjoint); points: |‖J_i‖ − bound| / bound.
  std::vector<double> equality_gap;
  model::NumericalIssue issue;
};

// Computes ‖J_i‖ (the frozen or the full Jacobian) and the bounds for
// `input`, in `carrier` (bits: the precision of MPFR and intervals).
Profile profile(const model::ModelSource& source, const model::InputSequence& input, model::JacobianKind kind,
                Carrier carrier, long bits = 128, const BoundOptions& options = {});

// A certified enclosure of ‖A‖₂ = σ_max(A) for a matrix of doubles (exact
// inputs), computed as the interval carrier computes it at `bits` (see
// spectral_norm in b5_bound.hpp): singular vectors at 256 bits give the estimate,
// interval arithmetic certifies it.
Bounds spectral_norm(const model::Matrix<double>& a, long bits = 128);

// A certified enclosure [lower, upper] of max_x |act'(x)|: ReLU [1, 1];
// GELU the closed form Φ(√2) + √2 φ(√2) = (1 + erf 1)/2 + e^(-1)/√π ≈ 1.12899;
// GELU-tanh by interval branch and bound on [−10, 10] (the tails stay below
// 1 + 1e-35); SwiGLU and none have none (NaN).
Bounds max_activation_slope(model::Activation a);

// The same quantity for GELU and GELU-tanh by branch and bound only (for
// cross-checking the closed form); `width` is the final box width.
Bounds max_activation_slope_search(model::Activation a, double width);

// The tightness oracle: d = 1, one head, W_Q, W_K drawn from `seed`,
// W_V = W_O = 1, RMSNorm (d = 1: with frozen statistics an exact scaling
// g·s) with positive gains, ψ(x) = σx realised by a one-unit ReLU MLP
// (W_up = 1, W_down = σ) whose pre-activations stay positive for positive
// inputs (oracle_input), L blocks.
model::ModelSource oracle_model(int layers, double sigma, std::uint64_t seed);
model::InputSequence oracle_input(std::size_t n, std::uint64_t seed);

}  // namespace glasses::proofs::b5
