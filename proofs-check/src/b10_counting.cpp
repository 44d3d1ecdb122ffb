// Placeholder until this checker is written: reports that nothing was checked.
#include "glasses/proofs/checks.hpp"

namespace glasses::proofs {
CheckResult check_b10_counting(const CheckOptions&) { return CheckResult{}; }
}  // namespace glasses::proofs
