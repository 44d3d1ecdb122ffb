// The model instantiated for glasses::numerics::E5m2 (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep_impl.hpp"

GLASSES_INSTANTIATE_MODEL(glasses::numerics::E5m2)
GLASSES_INSTANTIATE_TRACK(glasses::numerics::E5m2)
