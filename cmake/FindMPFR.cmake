# FindMPFR: the MPFR library (Debian: libmpfr-dev). Defines the imported target MPFR::MPFR.
find_path(MPFR_INCLUDE_DIR NAMES mpfr.h)
# The static archive first when GLASSES_STATIC_MULTIPRECISION is on (GlassesDependencies.cmake).
if(GLASSES_STATIC_MULTIPRECISION)
  find_library(MPFR_LIBRARY NAMES libmpfr.a mpfr)
else()
  find_library(MPFR_LIBRARY NAMES mpfr)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MPFR REQUIRED_VARS MPFR_LIBRARY MPFR_INCLUDE_DIR)
if(MPFR_FOUND AND NOT TARGET MPFR::MPFR)
  add_library(MPFR::MPFR UNKNOWN IMPORTED)
  set_target_properties(MPFR::MPFR PROPERTIES IMPORTED_LOCATION "${MPFR_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MPFR_INCLUDE_DIR}")
  if(TARGET GMP::GMP)  # a static archive needs its dependency after it
    set_target_properties(MPFR::MPFR PROPERTIES INTERFACE_LINK_LIBRARIES GMP::GMP)
  endif()
endif()
mark_as_advanced(MPFR_INCLUDE_DIR MPFR_LIBRARY)
