# `cmake --install` (component "development"; the tools are component "tools") puts the headers, the static library (with the llhttp objects it needs) and
# an exported package config with a version file under the prefix; tests/install checks it with
# a consumer project that calls find_package(corofetch).
include(CMakePackageConfigHelpers)

# llhttp is compiled from Debian's sources into our own static target: install it beside
# corofetch so the exported static library links.
install(TARGETS corofetch cf_asio cf_llhttp
        EXPORT corofetchTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/corofetch DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)
install(FILES ${PROJECT_BINARY_DIR}/include/corofetch/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/corofetch COMPONENT development)

set(cf_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/corofetch)
install(EXPORT corofetchTargets NAMESPACE corofetch:: DESTINATION ${cf_cmake_dir}
        COMPONENT development)
configure_package_config_file(cmake/corofetchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/corofetchConfig.cmake INSTALL_DESTINATION ${cf_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/corofetchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/corofetchConfig.cmake
              ${PROJECT_BINARY_DIR}/corofetchConfigVersion.cmake
        DESTINATION ${cf_cmake_dir} COMPONENT development)
