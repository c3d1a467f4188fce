# cmake --install puts headers under include/xgrad/<package>/ and exports xgrad::xgrad for
# find_package(xgrad CONFIG REQUIRED).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

foreach(package IN LISTS XGRAD_PACKAGES)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${package}/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/xgrad/${package}
          FILES_MATCHING PATTERN "*.hpp"
          PATTERN detail EXCLUDE)
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/xgrad.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/xgrad)

set(xgrad_installed_targets xgrad)
foreach(package IN LISTS XGRAD_PACKAGES)
  list(APPEND xgrad_installed_targets xgrad_${package})
endforeach()
install(TARGETS ${xgrad_installed_targets} EXPORT xgradTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT xgradTargets NAMESPACE xgrad:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xgrad)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/xgradConfig.cmake.in
  ${PROJECT_BINARY_DIR}/xgradConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xgrad)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/xgradConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/xgradConfig.cmake ${PROJECT_BINARY_DIR}/xgradConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/XgradDependencies.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/xgrad)
