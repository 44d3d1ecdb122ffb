# FindMPFR: the MPFR library (Debian: libmpfr-dev). Defines the imported target MPFR::MPFR.
include(${CMAKE_CURRENT_LIST_DIR}/GlassesMultiprecisionLibrary.cmake)
glasses_multiprecision_library(mpfr mpfr.h "$<TARGET_NAME_IF_EXISTS:GMP::GMP>")
