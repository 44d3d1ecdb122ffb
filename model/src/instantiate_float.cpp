// The model instantiated for float (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep_impl.hpp"

GLASSES_INSTANTIATE_MODEL(float)
GLASSES_INSTANTIATE_TRACK(float)
