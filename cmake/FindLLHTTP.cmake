# Finds llhttp as Debian's node-llhttp ships it: a header in /usr/share/include/llhttp and the
# generated C sources in /usr/share/llhttp. They are compiled here into an object library, so no
# copy of llhttp ever lives in this repository.
#
# Provides: LLHTTP_FOUND, LLHTTP_VERSION, LLHTTP_INCLUDE_DIR, and llhttp::llhttp, an object
# library (position independent): lib/ puts its objects inside libcorofetch.a, so users of the
# installed static library need no llhttp of their own (Debian ships no libllhttp to link).

find_path(LLHTTP_INCLUDE_DIR llhttp.h
  PATHS /usr/share/include/llhttp /usr/include/llhttp /usr/local/include
  NO_DEFAULT_PATH)
find_path(LLHTTP_SOURCE_DIR llhttp.c
  PATHS /usr/share/llhttp /usr/local/share/llhttp
  NO_DEFAULT_PATH)

if(LLHTTP_INCLUDE_DIR AND EXISTS "${LLHTTP_INCLUDE_DIR}/llhttp.h")
  file(STRINGS "${LLHTTP_INCLUDE_DIR}/llhttp.h" _llhttp_ver REGEX "#define LLHTTP_VERSION_(MAJOR|MINOR|PATCH) ")
  string(REGEX MATCH "LLHTTP_VERSION_MAJOR ([0-9]+)" _m "${_llhttp_ver}")
  set(LLHTTP_VERSION_MAJOR ${CMAKE_MATCH_1})
  string(REGEX MATCH "LLHTTP_VERSION_MINOR ([0-9]+)" _m "${_llhttp_ver}")
  set(LLHTTP_VERSION_MINOR ${CMAKE_MATCH_1})
  string(REGEX MATCH "LLHTTP_VERSION_PATCH ([0-9]+)" _m "${_llhttp_ver}")
  set(LLHTTP_VERSION_PATCH ${CMAKE_MATCH_1})
  set(LLHTTP_VERSION "${LLHTTP_VERSION_MAJOR}.${LLHTTP_VERSION_MINOR}.${LLHTTP_VERSION_PATCH}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LLHTTP
  REQUIRED_VARS LLHTTP_INCLUDE_DIR LLHTTP_SOURCE_DIR
  VERSION_VAR LLHTTP_VERSION)

if(LLHTTP_FOUND AND NOT TARGET llhttp::llhttp)
  add_library(cf_llhttp OBJECT
    ${LLHTTP_SOURCE_DIR}/api.c
    ${LLHTTP_SOURCE_DIR}/http.c
    ${LLHTTP_SOURCE_DIR}/llhttp.c)
  target_include_directories(cf_llhttp PUBLIC $<BUILD_INTERFACE:${LLHTTP_INCLUDE_DIR}>)
  set_target_properties(cf_llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 99)
  add_library(llhttp::llhttp ALIAS cf_llhttp)
endif()
mark_as_advanced(LLHTTP_INCLUDE_DIR LLHTTP_SOURCE_DIR)
