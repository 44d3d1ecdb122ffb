# FindMPFI: the MPFI library (Debian: libmpfi-dev). Defines the imported target MPFI::MPFI.
find_path(MPFI_INCLUDE_DIR NAMES mpfi.h)
# The static archive first when GLASSES_STATIC_MULTIPRECISION is on (GlassesDependencies.cmake).
if(GLASSES_STATIC_MULTIPRECISION)
  find_library(MPFI_LIBRARY NAMES libmpfi.a mpfi)
else()
  find_library(MPFI_LIBRARY NAMES mpfi)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MPFI REQUIRED_VARS MPFI_LIBRARY MPFI_INCLUDE_DIR)
if(MPFI_FOUND AND NOT TARGET MPFI::MPFI)
  add_library(MPFI::MPFI UNKNOWN IMPORTED)
  set_target_properties(MPFI::MPFI PROPERTIES IMPORTED_LOCATION "${MPFI_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MPFI_INCLUDE_DIR}")
  if(TARGET MPFR::MPFR)  # a static archive needs its dependency after it
    set_target_properties(MPFI::MPFI PROPERTIES INTERFACE_LINK_LIBRARIES MPFR::MPFR)
  endif()
endif()
mark_as_advanced(MPFI_INCLUDE_DIR MPFI_LIBRARY)
