// The model instantiated for glasses::numerics::Interval (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep_impl.hpp"

GLASSES_INSTANTIATE_MODEL(glasses::numerics::Interval)
GLASSES_INSTANTIATE_TRACK(glasses::numerics::Interval)
