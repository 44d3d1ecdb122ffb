# FindGMP: the GMP library (Debian: libgmp-dev). Defines the imported target GMP::GMP.
find_path(GMP_INCLUDE_DIR NAMES gmp.h)
# The static archive first when GLASSES_STATIC_MULTIPRECISION is on (GlassesDependencies.cmake).
if(GLASSES_STATIC_MULTIPRECISION)
  find_library(GMP_LIBRARY NAMES libgmp.a gmp)
else()
  find_library(GMP_LIBRARY NAMES gmp)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(GMP REQUIRED_VARS GMP_LIBRARY GMP_INCLUDE_DIR)
if(GMP_FOUND AND NOT TARGET GMP::GMP)
  add_library(GMP::GMP UNKNOWN IMPORTED)
  set_target_properties(GMP::GMP PROPERTIES IMPORTED_LOCATION "${GMP_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${GMP_INCLUDE_DIR}")
endif()
mark_as_advanced(GMP_INCLUDE_DIR GMP_LIBRARY)
