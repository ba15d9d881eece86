# `cmake --install` (component "development"; the tools are component "tools") puts under the
# prefix the headers, the static library (llhttp's objects inside), an exported CMake package
# with a version file, and a pkg-config file. The build tree exports the same package, so
# find_package(corofetch) also works with corofetch_DIR set to a build directory.
# tests/install checks both, add_subdirectory and pkg-config too, with a consumer project.
include(CMakePackageConfigHelpers)

install(TARGETS corofetch cf_asio
        EXPORT corofetchTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/corofetch DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)
install(FILES ${PROJECT_BINARY_DIR}/include/corofetch/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/corofetch COMPONENT development)

set(cf_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/corofetch)
install(EXPORT corofetchTargets NAMESPACE corofetch:: DESTINATION ${cf_cmake_dir}
        COMPONENT development)
export(EXPORT corofetchTargets NAMESPACE corofetch::
       FILE ${PROJECT_BINARY_DIR}/corofetchTargets.cmake)
# One config file serves both: it finds the dependencies, then includes the targets file beside
# it (the installed one, or the build tree's export).
configure_package_config_file(cmake/corofetchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/corofetchConfig.cmake INSTALL_DESTINATION ${cf_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/corofetchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/corofetchConfig.cmake
              ${PROJECT_BINARY_DIR}/corofetchConfigVersion.cmake
        DESTINATION ${cf_cmake_dir} COMPONENT development)

# corofetch.pc names the prefix given to `cmake --install --prefix`, known only at install time:
# the first pass fills in everything else and leaves @CMAKE_INSTALL_PREFIX@ for the install
# script's own configure_file. (A prefix relative to ${pcfiledir} would turn a system-wide
# install's -I/usr/include into -I/usr/lib/x86_64-linux-gnu/pkgconfig/../../../include, which
# pkg-config no longer drops and which breaks libstdc++'s #include_next.)
foreach(dir IN ITEMS INCLUDEDIR LIBDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(cf_pc_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(cf_pc_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
set(cf_pc_prefix "@CMAKE_INSTALL_PREFIX@")
configure_file(cmake/corofetch.pc.in ${PROJECT_BINARY_DIR}/corofetch.pc.in @ONLY)
install(CODE "configure_file([[${PROJECT_BINARY_DIR}/corofetch.pc.in]]
                             [[${PROJECT_BINARY_DIR}/corofetch.pc]] @ONLY)"
        COMPONENT development)
install(FILES ${PROJECT_BINARY_DIR}/corofetch.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT development)
