# djflow_set_warnings(target): the project's warning set, applied per target (no global flags).
function(djflow_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>
                                           -Wnon-virtual-dtor)
  if(DJFLOW_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(DJFLOW_SANITIZE)
    # UB aborts (non-zero exit) instead of printing and going on, so a test cannot pass over it.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=undefined
                                             -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(DJFLOW_SANITIZE_THREAD)
    # A data race is reported and fails the test (TSAN_OPTIONS halt_on_error=1 in docs/testing.md).
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
endfunction()
