// B.10 — counting is impossible in finite precision.
// The rigorous version of the paper's argument: when the computed
// y_F of 1^n and 1^(n+1) are bit-identical, every readout gives both the
// same answer, so one of the two counts is wrong. Per format: the collapse
// onset n*_F on count-ones, the bit-identity at n*_F (exact: the computed
// values are exact doubles) and the certified exact distance there (> 0).
#pragma once

#include <string>
#include <vector>

#include "glasses/model/sweep.hpp"
#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs::detail {

// The two B.10 instances for a format at n: the computed outputs are
// bit-identical (Dinf_F ≤ 0, exact), and the exact model tells the inputs
// apart (0 < certified lower bound of the exact Dinf).
std::vector<Instance> b10_instances(const std::string& format, const model::PointMetrics& point,
                                    const model::Certification& certification);

}  // namespace glasses::proofs::detail
