// The model instantiated for glasses::numerics::Tf32 (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep_impl.hpp"

GLASSES_INSTANTIATE_MODEL(glasses::numerics::Tf32)
GLASSES_INSTANTIATE_TRACK(glasses::numerics::Tf32)
