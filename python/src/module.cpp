// glasses._glasses: the C++ libraries for Python (the package `glasses`
// wraps it; see python/glasses/__init__.py). Errors: InputError becomes
// ValueError with the same message the command line prints.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "glasses/numerics/error.hpp"

PYBIND11_MODULE(_glasses, m) {
  m.doc() = "glasses: the C++ core of the Python package (use `import glasses`)";
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const glasses::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
  glasses::python::bind_rounding(m);
  glasses::python::bind_models(m);
  glasses::python::bind_runs(m);
}
