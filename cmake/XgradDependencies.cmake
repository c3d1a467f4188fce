# Every dependency comes from a Debian package, found the CMake way; nothing is downloaded.
find_package(xtl REQUIRED)
find_package(xtensor REQUIRED)
find_package(xtensor-blas REQUIRED)
find_package(ZLIB REQUIRED)

# OpenBLAS: prefer its own CMake config (it names libopenblas itself, which also gives us
# openblas_set_num_threads); otherwise any CBLAS through FindBLAS.
if(NOT TARGET xgrad::openblas)
  find_package(OpenBLAS CONFIG QUIET)
  add_library(xgrad::openblas INTERFACE IMPORTED)
  if(OpenBLAS_FOUND)
    target_include_directories(xgrad::openblas INTERFACE ${OpenBLAS_INCLUDE_DIRS})
    target_link_libraries(xgrad::openblas INTERFACE ${OpenBLAS_LIBRARIES})
    target_compile_definitions(xgrad::openblas INTERFACE XGRAD_HAVE_OPENBLAS=1)
  else()
    set(BLA_VENDOR OpenBLAS)
    find_package(BLAS REQUIRED)
    target_link_libraries(xgrad::openblas INTERFACE BLAS::BLAS)
  endif()
endif()
