# xgrad_add_exercise(DIR): the targets of one exercise folder DIR = .../NN-name, from its exercise.cmake:
#
#   set(EXERCISE_STUDENT_FILES step.cpp)  # the files the student writes; solutions/NN-name/ has the same
#   set(EXERCISE_LINKS xgrad::xgrad)      # what those files link (an xgrad target)
#   set(EXERCISE_USES 02 03)              # optional: earlier exercises whose code this one calls
#   set(EXERCISE_PROGRAM analysis.cpp)    # optional: a program run once every check passes
#
# (scripts/exercise.sh reads the first line too: keep each set() on one line.) Targets, for NN = 01:
#   exercise_01_code, exercise_01_solution_code   the student's files / the solution's, as a library
#   exercise_01, exercise_01_solution             test.cpp against each: the checks
#   exercise_01_program, exercise_01_solution_program   the program, when there is one
# The solution's checks are registered with ctest (as exercise01.Suite.Test); the student's are built
# but not registered: on the shipped skeletons they fail, which .ci/run verifies.

# A build of exercises against an installed xgrad (scripts/exercise.sh --exercises-dir, scripts/grade.sh):
# the language settings and build type xgrad's own build uses, and xgrad found.
macro(xgrad_standalone_defaults)
  set(CMAKE_CXX_STANDARD 17)
  set(CMAKE_CXX_STANDARD_REQUIRED ON)
  set(CMAKE_CXX_EXTENSIONS OFF)
  if(NOT CMAKE_BUILD_TYPE)
    set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
  endif()
  find_package(xgrad CONFIG REQUIRED)
endmacro()

# examples/support (the charts and the progress bar) is not installed with xgrad: in a build against
# an installed xgrad it is built from the repository's copy, which scripts/exercise.sh names
# (XGRAD_SOURCE_DIR), for the exercises that draw.
macro(xgrad_example_support_from_source)
  if(XGRAD_SOURCE_DIR AND NOT TARGET xgrad::example_support)
    set(support_dir ${XGRAD_SOURCE_DIR}/examples/support)
    add_library(xgrad_example_support STATIC ${support_dir}/plot.cpp ${support_dir}/progress.cpp)
    add_library(xgrad::example_support ALIAS xgrad_example_support)
    target_include_directories(xgrad_example_support PUBLIC ${XGRAD_SOURCE_DIR}/examples)
    target_link_libraries(xgrad_example_support PUBLIC xgrad::core)
  endif()
endmacro()

function(xgrad_exercise_flags target)
  if(COMMAND xgrad_set_warnings)
    xgrad_set_warnings(${target})
  endif()
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    # The stubs do not use their parameters yet. And the comparisons with xgrad's optimizers are bit for
    # bit, so the compiler may not fuse a * b + c where the code does not say std::fma (as in xgrad).
    target_compile_options(${target} PRIVATE -Wno-unused-parameter -ffp-contract=off)
  endif()
endfunction()

function(xgrad_add_exercise dir)
  get_filename_component(name ${dir} NAME)
  string(SUBSTRING ${name} 0 2 number)
  set(solution_dir ${CMAKE_CURRENT_SOURCE_DIR}/solutions/${name})
  set(EXERCISE_STUDENT_FILES)
  set(EXERCISE_LINKS)
  set(EXERCISE_USES)
  set(EXERCISE_PROGRAM)
  include(${dir}/exercise.cmake)
  if(NOT EXERCISE_STUDENT_FILES)
    message(FATAL_ERROR "${dir}/exercise.cmake: set(EXERCISE_STUDENT_FILES ...) names no file")
  endif()
  set(binary_dir ${CMAKE_CURRENT_BINARY_DIR}/${name})

  # The student's version from DIR, and the reference ("_solution" targets) from solutions/NN-name/ (a
  # copy handed out without solutions/ builds the student's version only).
  set(kinds student)
  if(IS_DIRECTORY ${solution_dir})
    list(APPEND kinds solution)
  endif()
  foreach(kind IN LISTS kinds)
    if(kind STREQUAL "student")
      set(variant "")
      set(source_dir ${dir})
    else()
      set(variant "_solution")
      set(source_dir ${solution_dir})
    endif()
    set(sources)
    foreach(file IN LISTS EXERCISE_STUDENT_FILES)
      if(NOT EXISTS ${source_dir}/${file})
        message(FATAL_ERROR "exercise ${name}: ${source_dir}/${file} is missing")
      endif()
      list(APPEND sources ${source_dir}/${file})
    endforeach()

    set(code exercise_${number}${variant}_code)
    add_library(${code} STATIC ${sources})
    # The variant's own folder first: a header the student writes is found in the right version; the
    # given headers are found in DIR.
    target_include_directories(${code} PUBLIC ${source_dir} ${dir})
    target_link_libraries(${code} PUBLIC ${EXERCISE_LINKS})
    foreach(used IN LISTS EXERCISE_USES)
      target_link_libraries(${code} PUBLIC exercise_${used}${variant}_code)
    endforeach()
    xgrad_exercise_flags(${code})

    set(checks exercise_${number}${variant})
    add_executable(${checks} ${dir}/test.cpp)
    target_link_libraries(${checks} PRIVATE ${code} GTest::gtest_main)
    # common/: helpers several exercises' checks share (course_check.hpp).
    target_include_directories(${checks} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/common)
    set_target_properties(${checks} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${binary_dir})
    xgrad_exercise_flags(${checks})

    if(EXERCISE_PROGRAM)
      set(program exercise_${number}${variant}_program)
      add_executable(${program} ${dir}/${EXERCISE_PROGRAM})
      target_link_libraries(${program} PRIVATE ${code})
      target_include_directories(${program} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/common)
      set_target_properties(${program} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${binary_dir})
      xgrad_exercise_flags(${program})
    endif()
  endforeach()

  if(NOT TARGET exercise_${number}_solution)
    return()
  endif()
  gtest_discover_tests(exercise_${number}_solution
    TEST_PREFIX "exercise${number}."
    PROPERTIES ENVIRONMENT "OPENBLAS_NUM_THREADS=1"
    DISCOVERY_TIMEOUT 60)
endfunction()
