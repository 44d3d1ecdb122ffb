// The parts of the module, one file each.
#pragma once

#include <pybind11/pybind11.h>

namespace glasses::python {
void bind_rounding(pybind11::module_& m);  // rounding.cpp: round, to_bits, from_bits, formats
void bind_models(pybind11::module_& m);    // models.cpp: Model
void bind_runs(pybind11::module_& m);      // runs.cpp: sweep, check, report
}  // namespace glasses::python
