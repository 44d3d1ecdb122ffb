// The model instantiated for float (one translation unit per scalar type).
#include "glasses/model/run_impl.hpp"

GLASSES_INSTANTIATE_MODEL(float)
