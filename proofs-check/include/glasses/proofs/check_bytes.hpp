// A check's result as exact bytes, for results that travel between the
// processes of one run (the MPI ranks of `glasses check` and `glasses
// report`): every field of CheckResult, doubles by their bits (NaN payloads,
// infinities and signed zeros included), so that the result restored is
// the result computed, and everything the report and `check --json` derive
// from it comes out the same. Both ends are the same build on the same kind
// of machine (byte order is not converted).
#pragma once

#include <string>
#include <string_view>

#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs {

std::string to_bytes(const CheckResult& result);

// The result of to_bytes(); throws Error on bytes cut short, trailing
// bytes or an enumerator out of range.
CheckResult check_result_from_bytes(std::string_view bytes);

}  // namespace glasses::proofs
