// A check's result in the JSON schema of `glasses check --json`, built once
// here for every client (the command line, the Python package):
//   {"id", "statement", "expected", "hypotheses", "instances", "verdicts": {...},
//    "worst_margin", "notes", "failed", "witnesses": [...]}
// (the first 20 refuted or inconclusive instances as witnesses).
#pragma once

#include <string>

#include "glasses/proofs/verdict.hpp"

namespace glasses::proofs {

// The object as compact JSON text.
std::string check_json(const CheckResult& result);

}  // namespace glasses::proofs
