# FindGMP: the GMP library (Debian: libgmp-dev). Defines the imported target GMP::GMP.
include(${CMAKE_CURRENT_LIST_DIR}/GlassesMultiprecisionLibrary.cmake)
glasses_multiprecision_library(gmp gmp.h "")
