// The checker of each statement of THEORY §3 (one translation unit each).
// A checker leaves its result's `id` and `expected` unset: those are facts
// of the registry. Run a check with run_check(find_check(id), options)
// (check.hpp), which fills both from the registry entry.
#pragma once

#include "glasses/proofs/check.hpp"

namespace glasses::proofs {

CheckResult check_b1_softmax_dilution(const CheckOptions& options);
CheckResult check_b2_total_variation(const CheckOptions& options);
CheckResult check_b2_literal(const CheckOptions& options);
CheckResult check_b3_representational_collapse(const CheckOptions& options);
CheckResult check_b4_alternating(const CheckOptions& options);
CheckResult check_b5_oversquashing(const CheckOptions& options);
CheckResult check_b5_full(const CheckOptions& options);
CheckResult check_b5_spectral(const CheckOptions& options);
CheckResult check_b6_spectra(const CheckOptions& options);
CheckResult check_b6_counterexample(const CheckOptions& options);
CheckResult check_b6_bidirectional(const CheckOptions& options);
CheckResult check_b7_products(const CheckOptions& options);
CheckResult check_b8_depth_limit(const CheckOptions& options);
CheckResult check_b9_no_position_counting(const CheckOptions& options);
CheckResult check_b10_counting(const CheckOptions& options);
CheckResult check_r1_rope_relative(const CheckOptions& options);
CheckResult check_s1_softmax_dispersion(const CheckOptions& options);

}  // namespace glasses::proofs
