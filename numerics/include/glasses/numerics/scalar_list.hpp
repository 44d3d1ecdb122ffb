// The scalar types glasses instantiates, listed once. Explicit
// instantiation (one translation unit per type), templated tests and the
// command line's dispatch all iterate this list.
#pragma once

#include <tuple>

#include "glasses/numerics/emulated.hpp"

namespace glasses::numerics {

// Types of fixed format, run without site rounding.
using FixedScalars = std::tuple<float, double, Fp16, Bf16, Tf32, E4m3, E5m2, Fp32Emulated>;

}  // namespace glasses::numerics
