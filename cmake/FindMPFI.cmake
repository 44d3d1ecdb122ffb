# FindMPFI: the MPFI library (Debian: libmpfi-dev). Defines the imported target MPFI::MPFI.
include(${CMAKE_CURRENT_LIST_DIR}/GlassesMultiprecisionLibrary.cmake)
glasses_multiprecision_library(mpfi mpfi.h "$<TARGET_NAME_IF_EXISTS:MPFR::MPFR>")
