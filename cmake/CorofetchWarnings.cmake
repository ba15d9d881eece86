# Strict warnings for our own targets only (never for the C sources of llhttp).
function(cf_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wdouble-promotion -Wimplicit-fallthrough)
  if(CF_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
