# Compiler flags shared by the library, its tests, examples and benchmarks.

# -O3 and -fno-math-errno let GCC vectorize plain loops and inline std::sqrt (at -O2 a fused Adam loop
# stayed scalar and ran 7x slower). Not -ffast-math: results must match PyTorch to float precision.
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  string(APPEND CMAKE_CXX_FLAGS_RELEASE " -fno-math-errno")
  string(REPLACE "-O2" "-O3" CMAKE_CXX_FLAGS_RELEASE "${CMAKE_CXX_FLAGS_RELEASE}")
  string(REPLACE "-O2" "-O3" CMAKE_CXX_FLAGS_RELWITHDEBINFO "${CMAKE_CXX_FLAGS_RELWITHDEBINFO}")
  # PyTorch rounds after every tensor op except where its kernels fuse on purpose (add with alpha,
  # addcmul: see optim/functional.hpp, which writes those std::fma). GCC's C++ default would fuse any
  # a * b + c into one FMA whenever FMA instructions are on (-march=native, the optimizers' FMA clones),
  # silently changing the numbers.
  add_compile_options(-ffp-contract=off)
endif()

if(XGRAD_FUZZ)
  # libFuzzer is clang's: GCC has no -fsanitize=fuzzer. The whole library is instrumented, so the
  # fuzzers see coverage inside every reader; only the harnesses (tests/fuzz) link libFuzzer's main().
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "XGRAD_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # -O1 with line tables whatever the build type (it comes after the type's flags): the usual fuzzing
  # build, quick to compile, with readable stack traces.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined -O1 -gline-tables-only)
  add_link_options(-fsanitize=address,undefined)
elseif(XGRAD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(xgrad_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      # A loss module's forward(input, target) hides Module::forward(input) on purpose, as libtorch's
      # losses do; clang's -Wall warns about that, GCC's does not.
      target_compile_options(${target} PRIVATE -Wno-overloaded-virtual)
    endif()
    if(XGRAD_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

# ccache, where it is installed: a rebuild of unchanged sources (a new clone, a second build folder, a
# branch switched back, CI with its cache kept) takes seconds. A launcher given on the command line wins;
# -DXGRAD_CCACHE=OFF or CCACHE_DISABLE=1 turns it off.
option(XGRAD_CCACHE "Compile through ccache when it is installed" ON)
if(XGRAD_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(XGRAD_CCACHE_PROGRAM ccache)
  if(XGRAD_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${XGRAD_CCACHE_PROGRAM})
  endif()
endif()

# The libraries are unity builds: each compiles its sources 8 at a time, as one file, so that xtensor's
# headers are parsed and its templates instantiated and optimised once per batch rather than once per
# source. That took 37% off the CPU time of building them (measured in README.md, "First run"); an
# edit recompiles its batch, a few seconds. -DXGRAD_UNITY_BUILD=OFF compiles source by source.
# These sources define a name that a neighbour in a batch also defines, or one that hides another
# (a kFormat, nn::to_string(Reduction)), or (engine.cpp) a class whose member has a type of the
# anonymous namespace, which GCC warns about (-Wsubobject-linkage) outside a main file: they are
# compiled on their own.
option(XGRAD_UNITY_BUILD "Compile each library's sources in batches (a unity build)" ON)
function(xgrad_unity_exceptions sources)
  foreach(source IN LISTS sources)
    get_filename_component(name ${source} NAME)
    if(name MATCHES "^(loss|state_dict|engine)\\.cpp$")
      set_source_files_properties(${source} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
    endif()
  endforeach()
endfunction()

# A precompiled header (GCC): <xgrad/core/tensor.hpp>, and with it xtensor's <xtensor/xarray.hpp>, which
# every source includes and which takes about a second to parse, is parsed once, by the xgrad_pch target,
# and every library and program loads it (REUSE_FROM: one header built, not one per target). It is
# PRIVATE to each target: what a program that uses xgrad sees, and what gets installed, are unchanged.
# GCC only: it accepts a header built at another -O level (clang's build, the fuzzers, parses as
# before). GCC refuses the header (and -Winvalid-pch, which CMake adds, says so) when a macro it was
# built with is missing (hence a target of its own, without xgrad_core's private definitions, and with
# the warnings of every target: -Wpedantic undefines one of GCC's own macros), or when
# -fPIC differs: the libraries' setting, so a program that reuses it compiles with -fPIC too (instead of
# -fpie, GCC's default for a program: nothing a program would notice). A source compiled at -O0 must
# skip it (SKIP_PRECOMPILE_HEADERS: the header was built with __OPTIMIZE__ defined).
# -DXGRAD_PRECOMPILED_HEADERS=OFF turns it off (README.md, "First run", measures it).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  option(XGRAD_PRECOMPILED_HEADERS "Precompile <xgrad/core/tensor.hpp> once and reuse it in every target" ON)
else()
  set(XGRAD_PRECOMPILED_HEADERS OFF)
endif()
# ccache caches a source that loads a precompiled header only with sloppiness pch_defines,time_macros
# (its manual, "Precompiled headers"; without it, each such source compiles again every time). When
# ccache is the launcher (found above or given with -DCMAKE_CXX_COMPILER_LAUNCHER=ccache), it gets that
# through its environment. (This source uses no __DATE__ or __TIME__, which time_macros would let a
# cached object keep.)
if(XGRAD_PRECOMPILED_HEADERS AND CMAKE_CXX_COMPILER_LAUNCHER)
  list(GET CMAKE_CXX_COMPILER_LAUNCHER 0 launcher)
  get_filename_component(launcher ${launcher} NAME)
  if(launcher STREQUAL "ccache")
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros
      ${CMAKE_CXX_COMPILER_LAUNCHER})
  endif()
endif()
# xgrad_add_precompiled_header(CORE_TREE): the xgrad_pch target, which builds the header (CORE_TREE is
# the folder that holds xgrad/core/).
function(xgrad_add_precompiled_header core_tree)
  if(NOT XGRAD_PRECOMPILED_HEADERS)
    return()
  endif()
  set(source ${PROJECT_BINARY_DIR}/xgrad_pch.cpp)
  file(CONFIGURE OUTPUT ${source} CONTENT "// Compiled only to build the precompiled header (cmake/XgradOptions.cmake).\n")
  add_library(xgrad_pch OBJECT ${source})
  set_target_properties(xgrad_pch PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_include_directories(xgrad_pch PRIVATE ${core_tree})
  target_link_libraries(xgrad_pch PRIVATE xtensor xtensor-blas)
  target_precompile_headers(xgrad_pch PRIVATE <xgrad/core/tensor.hpp>)
  xgrad_set_warnings(xgrad_pch)  # as every target: -Wpedantic changes a predefined macro
endfunction()
# xgrad_precompiled_header(TARGET): TARGET's sources load the header.
function(xgrad_precompiled_header target)
  if(NOT XGRAD_PRECOMPILED_HEADERS)
    return()
  endif()
  target_precompile_headers(${target} REUSE_FROM xgrad_pch)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_compile_options(${target} PRIVATE -fPIC)
  else()
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  endif()
endfunction()
