// R.1, RoPE's relative-position property (docs/statements_r1_s1.md; Su et
// al., RoFormer; arXiv 2411.13476 for what bf16 does to it): the pieces of
// the checker that judge one instance, exposed so that tests can feed them
// inputs, including a deliberately broken rotation.
//
// Statement. With R_t the RoPE rotation of position t (angles t·ω_j,
// ω_j = θ^(−2j/d), channel j paired with j + d/2, rotate_half),
//     ⟨R_m q, R_n k⟩ = Σ_j (q_a k_a + q_b k_b) cos((n−m)ω_j) + (q_b k_a − q_a k_b) sin((n−m)ω_j)
// (a = j, b = j + d/2), a function of m − n only.
//
// What is guaranteed. Scores are MPFI enclosures computed by the model's
// own RoPE code (positional.hpp: inverse_frequencies, rotation_row,
// apply_rope) and `dot` over intervals, so the check certifies the code's
// exact-arithmetic meaning, not a second implementation. Per format, the
// same code runs in Emulated<F> (every operation rounded into F, the
// position t itself included), as a uniform-F forward does.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

// The rotation of position t: cos and sin of its d/2 angles, as enclosures.
using R1Rotation = std::function<void(long t, std::vector<numerics::Interval>& cos_row,
                                      std::vector<numerics::Interval>& sin_row)>;

// The model's rotation (inverse_frequencies(θ, d) and rotation_row) over
// intervals at `precision` bits.
R1Rotation r1_model_rotation(int d, double theta, long precision);

// The model's ω_j = θ^(−2j/d), j < d/2, as enclosures.
std::vector<numerics::Interval> r1_frequencies(int d, double theta, long precision);

// ⟨R_m q, R_n k⟩ enclosed: q and k rotated by apply_rope with `rotation`'s
// rows, then `dot` (the forward's score before its 1/√d scale).
numerics::Interval r1_score(const std::vector<double>& q, const std::vector<double>& k, long m, long n,
                            const R1Rotation& rotation, long precision);

// The closed form above for the offset m − n, from enclosures of ω_j.
numerics::Interval r1_closed_form(const std::vector<double>& q, const std::vector<double>& k, long offset,
                                  const std::vector<numerics::Interval>& omega);

// Identity tolerance: scores of |.| ≤ ‖q‖‖k‖ agree to 2^-kR1ToleranceBits.
inline constexpr long kR1ToleranceBits = 160;

// Two instances for the query at m and the key at n = m − offset:
//   [0] |s(m, n) − s(offset, 0)| ≤ 2^-160     (the score at a small absolute position)
//   [1] |s(m, n) − closed_form(offset)| ≤ 2^-160
std::vector<Instance> r1_instances(const std::vector<double>& q, const std::vector<double>& k, long m, long offset,
                                   const R1Rotation& rotation, const std::vector<numerics::Interval>& omega,
                                   long precision, const std::string& description);

// The formats whose drift is measured.
inline constexpr std::array kR1Formats{numerics::formats::fp32, numerics::formats::bf16, numerics::formats::fp16};

// ⟨R_m q, R_n k⟩ computed entirely in `format` (one of kR1Formats) by the
// model's RoPE path and `dot`: q, k, θ and the positions rounded into the
// format, ω, angles, cos, sin, rotations and the dot product in it. NaN
// when the format cannot hold the position (fp16 above 65504: +inf).
double r1_score_in(const numerics::Format& format, const std::vector<double>& q, const std::vector<double>& k,
                   long m, long n, int d, double theta);

}  // namespace glasses::proofs::detail
