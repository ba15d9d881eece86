# cmake -P script: builds the consumer project (consumer/) against corofetch one way, then runs
# it. Any failing step fails the test with that step's output.
#   MODE=install        install BUILD_DIR's "development" component into PREFIX
#   MODE=prefix         find_package() from PREFIX (after MODE=install)
#   MODE=pkg-config     g++ with `pkg-config --cflags --libs --static corofetch` from PREFIX
#   MODE=build-tree     find_package() with corofetch_DIR=BUILD_DIR
#   MODE=subdirectory   add_subdirectory(SOURCE_DIR)
# Other variables: WORK_DIR (scratch, emptied first), CONSUMER_DIR, LIBDIR (the install's
# lib dir, relative), GENERATOR, CXX_COMPILER, CXX_FLAGS (the sanitizer flags of the build).
function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "install")
  file(REMOVE_RECURSE ${PREFIX})
  run_step("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
           --component development)
  return()
endif()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS}")
set(sources ${CONSUMER_DIR}/main.cpp ${CONSUMER_DIR}/network.cpp ${CONSUMER_DIR}/protocols.cpp
            ${CONSUMER_DIR}/site_server.cpp)

if(MODE STREQUAL "pkg-config")
  set(ENV{PKG_CONFIG_PATH} ${PREFIX}/${LIBDIR}/pkgconfig)
  run_step("pkg-config" pkg-config --cflags --libs --static corofetch)
  separate_arguments(pc_flags UNIX_COMMAND "${step_output}")
  run_step("compile with pkg-config's flags" ${CXX_COMPILER} -std=c++20 ${cxx_flags} ${sources}
           -o ${WORK_DIR}/consumer ${pc_flags})
  run_step("pkg-config --libs --static" pkg-config --libs --static corofetch)
  separate_arguments(pc_libs UNIX_COMMAND "${step_output}")
  run_step("link the whole archive with pkg-config's libraries" ${CXX_COMPILER} ${cxx_flags}
           ${CONSUMER_DIR}/whole_archive.cpp -o ${WORK_DIR}/whole_archive
           -Wl,--whole-archive ${PREFIX}/${LIBDIR}/libcorofetch.a -Wl,--no-whole-archive ${pc_libs})
  set(bin_dir ${WORK_DIR})
else()
  if(MODE STREQUAL "prefix")
    set(how -DCMAKE_PREFIX_PATH=${PREFIX})
  elseif(MODE STREQUAL "build-tree")
    set(how -Dcorofetch_DIR=${BUILD_DIR})
  elseif(MODE STREQUAL "subdirectory")
    set(how -DCOROFETCH_SOURCE_DIR=${SOURCE_DIR})
  else()
    message(FATAL_ERROR "unknown MODE '${MODE}'")
  endif()
  # No build type: no optimisation, no debug information, the quickest compile.
  run_step("configure consumer" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build
           -G ${GENERATOR} ${how} -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
           "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CXX_FLAGS}")
  run_step("build consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build
           --target consumer whole_archive)
  set(bin_dir ${WORK_DIR}/build)
endif()

run_step("run whole_archive" ${bin_dir}/whole_archive)
run_step("run consumer" ${bin_dir}/consumer ${WORK_DIR})
set(modules "url net http html crawl dns client page load css file ftp smtp redis nntp")
if(NOT step_output MATCHES "^corofetch [0-9.]+: ${modules} ok\n$")
  message(FATAL_ERROR "consumer printed an unexpected line: '${step_output}'")
endif()
