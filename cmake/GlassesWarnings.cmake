# glasses_project_target(<target>): warnings (as errors with GLASSES_WERROR)
# for code of this project; third-party headers come in as SYSTEM includes.
function(glasses_project_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  if(GLASSES_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
