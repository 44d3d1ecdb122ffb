// The model instantiated for double (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep_impl.hpp"

GLASSES_INSTANTIATE_MODEL(double)
GLASSES_INSTANTIATE_TRACK(double)
