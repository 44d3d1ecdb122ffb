# The Python package (python/): a pybind11 module for Debian's own python3,
# the interpreter apt's numpy serves. Version managers' shims (pyenv) often
# come first on PATH and lack Debian's packages, so /usr/bin/python3 is
# chosen explicitly; pick another with -DPython3_EXECUTABLE=/path/to/python3
# (it needs numpy and, for the tests, pytest). Without pybind11 or numpy the
# build goes on without the package and says so.
option(GLASSES_PYTHON "Build the Python package (pybind11 + numpy)" ON)
if(GLASSES_PYTHON)
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "Interpreter the Python package is built for")
  endif()
  find_package(Python3 COMPONENTS Interpreter Development.Module QUIET)
  set(glasses_python_missing "")
  if(NOT Python3_FOUND)
    set(glasses_python_missing "Python 3 development files (python3-dev)")
  else()
    execute_process(COMMAND ${Python3_EXECUTABLE} -c "import numpy" RESULT_VARIABLE numpy_status OUTPUT_QUIET ERROR_QUIET)
    if(NOT numpy_status EQUAL 0)
      set(glasses_python_missing "numpy for ${Python3_EXECUTABLE} (python3-numpy)")
    else()
      find_package(pybind11 2.10 CONFIG QUIET)
      if(NOT pybind11_FOUND)
        set(glasses_python_missing "pybind11 (pybind11-dev)")
      endif()
    endif()
  endif()
  if(glasses_python_missing)
    message(STATUS "glasses: not building the Python package: ${glasses_python_missing} not found")
    set(GLASSES_PYTHON OFF)
  else()
    message(STATUS "glasses: Python package for ${Python3_EXECUTABLE} (${Python3_VERSION})")
  endif()
endif()
