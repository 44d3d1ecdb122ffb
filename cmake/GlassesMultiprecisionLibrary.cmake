# glasses_multiprecision_library(<name> <header> [<dependency target>]):
# finds lib<name> (GMP, MPFR, MPFI) and defines the imported target
# <NAME>::<NAME>. With GLASSES_STATIC_MULTIPRECISION (GlassesDependencies.cmake)
# it links the static archive, except into targets whose property
# GLASSES_SHARED_MULTIPRECISION is set: the archives are not position
# independent, so a shared object (the Python module) takes the shared
# library instead.
function(glasses_multiprecision_library name header dependency)
  string(TOUPPER ${name} upper)
  find_path(${upper}_INCLUDE_DIR NAMES ${header})
  find_library(${upper}_SHARED_LIBRARY NAMES lib${name}.so ${name})
  if(GLASSES_STATIC_MULTIPRECISION)
    find_library(${upper}_STATIC_LIBRARY NAMES lib${name}.a)
  endif()
  include(FindPackageHandleStandardArgs)
  find_package_handle_standard_args(${upper} REQUIRED_VARS ${upper}_SHARED_LIBRARY ${upper}_INCLUDE_DIR)
  set(${upper}_FOUND ${${upper}_FOUND} PARENT_SCOPE)
  if(${upper}_FOUND AND NOT TARGET ${upper}::${upper})
    set(library "${${upper}_SHARED_LIBRARY}")
    if(${upper}_STATIC_LIBRARY)
      set(library "$<IF:$<BOOL:$<TARGET_PROPERTY:GLASSES_SHARED_MULTIPRECISION>>,${library},${${upper}_STATIC_LIBRARY}>")
    endif()
    add_library(${upper}::${upper} INTERFACE IMPORTED)
    # A static archive needs its dependency after it.
    set_target_properties(${upper}::${upper} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${${upper}_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${library};${dependency}")
  endif()
  mark_as_advanced(${upper}_INCLUDE_DIR ${upper}_SHARED_LIBRARY ${upper}_STATIC_LIBRARY)
endfunction()
