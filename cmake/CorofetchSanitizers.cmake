# CF_SANITIZE=address,undefined applies to every target in the tree, dependencies we compile
# (llhttp) included, so that a report inside llhttp is seen too.
if(CF_SANITIZE)
  add_compile_options(-fsanitize=${CF_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${CF_SANITIZE})
endif()
