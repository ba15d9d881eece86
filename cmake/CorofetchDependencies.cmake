# Every dependency is a Debian 12 package (see README "Set-up"); scripts/setup.sh installs them.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(LLHTTP 8 REQUIRED)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares>=1.18)
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)
pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)
# Sitemaps (XML, streamed) and crawl scope by registrable domain (the public suffix list).
pkg_check_modules(EXPAT REQUIRED IMPORTED_TARGET expat)
pkg_check_modules(PSL REQUIRED IMPORTED_TARGET libpsl)
# The shared crawl frontier (lib/redis): hiredis' async context, driven by Asio.
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# HTTP/2 framing, HPACK and flow control (lib/http2).
pkg_check_modules(NGHTTP2 REQUIRED IMPORTED_TARGET libnghttp2>=1.52)

# Standalone Asio is header-only (libasio-dev): an interface target so every user gets the same
# definitions.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(cf_asio INTERFACE)
target_include_directories(cf_asio SYSTEM INTERFACE $<BUILD_INTERFACE:${ASIO_INCLUDE_DIR}>)
target_compile_definitions(cf_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED
  # Asio decides this per translation unit, from whether a libstdc++ header came before its own
  # config: units that disagree free aligned_alloc frames with operator delete (an ODR
  # violation -O2 inlining exposes, issue 16). One answer for the library and every consumer.
  ASIO_HAS_STD_ALIGNED_ALLOC=1
  # Asio 1.22 detects C++20 coroutines under clang only through the old coroutines-TS macro.
  $<$<CXX_COMPILER_ID:Clang>:ASIO_HAS_CO_AWAIT=1 ASIO_HAS_STD_COROUTINE=1>)
target_link_libraries(cf_asio INTERFACE Threads::Threads)

if(CF_BUILD_EXAMPLES OR CF_BUILD_TESTS OR CF_BUILD_BENCH)
  find_package(CLI11 2 REQUIRED)
  find_package(nlohmann_json 3.11 REQUIRED)
endif()
if(CF_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
endif()
