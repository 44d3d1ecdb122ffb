// The model instantiated for glasses::numerics::MpfrReal (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep_impl.hpp"

GLASSES_INSTANTIATE_MODEL(glasses::numerics::MpfrReal)
GLASSES_INSTANTIATE_TRACK(glasses::numerics::MpfrReal)
