# glasses_project_target(<target>): warnings (as errors with GLASSES_WERROR)
# for code of this project; third-party headers come in as SYSTEM includes.
function(glasses_project_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  # GCC 12 at -O3 (a plain CMAKE_BUILD_TYPE=Release) warns inside libstdc++'s
  # inlined std::string and std::fill code that is correct: -Wrestrict on
  # string concatenation (GCC PR 105329) and -Wstringop-overflow on filling
  # a std::array of small structs. Fixed in later releases.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-stringop-overflow)
  endif()
  if(GLASSES_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
