# CF_SANITIZE=address,undefined applies to every target in the tree, dependencies we compile
# (llhttp) included, so that a report inside llhttp is seen too.
if(CF_SANITIZE)
  add_compile_options(-fsanitize=${CF_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${CF_SANITIZE})
endif()
# clang 14's -fsanitize=function cannot compile coroutines ("Cannot represent a difference
# across sections"); the rest of UBSan still applies.
if(CF_SANITIZE MATCHES "undefined" AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  add_compile_options(-fno-sanitize=function)
endif()
