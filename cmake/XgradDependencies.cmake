# Every dependency comes from a Debian package, found the CMake way; nothing is downloaded.
find_package(xtl REQUIRED)
find_package(xtensor REQUIRED)
find_package(xtensor-blas REQUIRED)
find_package(ZLIB REQUIRED)
# interop/: JSON for safetensors' header (simdjson reads it, nlohmann::json writes it), ONNX's own
# protobuf classes and checker for the export.
# ONNX's CMake config names protobuf::libprotobuf without finding it: Protobuf comes first.
find_package(nlohmann_json REQUIRED)
find_package(simdjson REQUIRED)
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)

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

# glibc's vector math library, libmvec (glibc >= 2.35 for tanh and erf): exp, log, tanh and erf 16 or 8
# floats at a time on x86-64 CPUs with AVX-512 or AVX2 (core/vector_math.cpp). Without it the scalar
# libm functions run, 10-50x slower.
if(NOT TARGET xgrad::mvec)
  add_library(xgrad::mvec INTERFACE IMPORTED)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    include(CheckLibraryExists)
    check_library_exists(mvec _ZGVdN8v_tanhf "" XGRAD_HAVE_LIBMVEC)
    if(XGRAD_HAVE_LIBMVEC)
      target_link_libraries(xgrad::mvec INTERFACE mvec)
      target_compile_definitions(xgrad::mvec INTERFACE XGRAD_HAVE_LIBMVEC=1)
    endif()
  endif()
endif()
