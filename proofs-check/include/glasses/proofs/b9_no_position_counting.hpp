// B.9 — no counting without positional information (Proposition 6.1).
//
// B.9: without positional information and without a causal mask,
// sequences with equal token ratios (10, 1100, 111000, and permutations
// ending in the same token) have identical representations at every layer;
// with a causal mask and no positions, the representation of 1^n does not
// depend on n. Checked with MPFI: the enclosure of the largest difference
// of the last token's rows, at every layer, is certified below 2^-(p-40)
// (an identity cannot be proven with non-point enclosures; the proven
// statement is that the exact difference is smaller than that). Then the
// low-precision formats show whether rounding breaks the invariance.

#pragma once

#include <vector>

#include "glasses/model/presets.hpp"
#include "glasses/numerics/interval.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

// max over layers l = 0..L and components of |v^(l)_last(a) − v^(l)_last(b)|
// in MPFI at `precision` bits (full forward: any mask).
numerics::Interval b9_largest_difference(const model::ModelSource& model, const std::vector<int>& a,
                                         const std::vector<int>& b, long precision);

}  // namespace glasses::proofs::detail
