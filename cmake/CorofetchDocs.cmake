# The "docs" test: the API reference (scripts/docs.sh, doxygen over the public headers) builds
# without a single warning. A few seconds; registered only where doxygen is installed
# (scripts/setup.sh installs it).
find_program(CF_DOXYGEN doxygen)
mark_as_advanced(CF_DOXYGEN)
if(CF_DOXYGEN)
  add_test(NAME "docs: doxygen reference without warnings"
           COMMAND ${CMAKE_COMMAND} -E env DOCS_DIR=${PROJECT_BINARY_DIR}/docs
                   ${PROJECT_SOURCE_DIR}/scripts/docs.sh WARN_AS_ERROR=FAIL_ON_WARNINGS)
  set_tests_properties("docs: doxygen reference without warnings" PROPERTIES
                       LABELS docs TIMEOUT 120)
endif()
