// The model instantiated for glasses::numerics::Bf16 (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep_impl.hpp"

GLASSES_INSTANTIATE_MODEL(glasses::numerics::Bf16)
GLASSES_INSTANTIATE_TRACK(glasses::numerics::Bf16)
