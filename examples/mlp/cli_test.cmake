# One command-line test of the mlp program: runs it once and checks its exit code, its output and the
# files it wrote. examples/mlp/CMakeLists.txt registers one ctest test per use:
#
#   cmake -DEXPECT_EXIT=2 -DEXPECT_OUTPUT="regex;regex" [options] -P cli_test.cmake -- PROGRAM ARG...
#
#   EXPECT_EXIT              the exit code the program must return (required)
#   EXPECT_OUTPUT            regular expressions that must all match stdout + stderr
#   EXPECT_FILES             files that must exist afterwards
#   CLEAN_DIR                a folder emptied before the run (so EXPECT_FILES sees only fresh files)
#   LOG                      where to keep the program's output (for SAME_FINAL_ACCURACY_AS)
#   SAME_FINAL_ACCURACY_AS   a LOG of an earlier run: "final test accuracy" must be the same
#   REQUIRE_PATH             skip the test (print SKIPPED:) when this path does not exist
#   WRITE_CORRUPT_IDX        a folder to fill with the four MNIST file names holding text, not IDX data
#   WRITE_DISC_CSV           a CSV file to write: points of a grid, label 1 inside a disc, 0 outside
#   WRITE_PLANE_CSV          a CSV file to write: columns a, b, y with y = 3a - 2b + small noise
#   CORRUPT_COPY, TO, AT_OFFSET  before the run, copy file CORRUPT_COPY to TO with the byte AT_OFFSET set to 0xFF
#   SAME_BYTES, AS           afterwards, files SAME_BYTES and AS must hold the same bytes

cmake_minimum_required(VERSION 3.18)

# The program and its arguments: everything after "--".
set(command)
set(after_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()
if(NOT command OR NOT DEFINED EXPECT_EXIT)
  message(FATAL_ERROR "usage: cmake -DEXPECT_EXIT=N [options] -P cli_test.cmake -- PROGRAM ARG...")
endif()

if(DEFINED REQUIRE_PATH AND NOT EXISTS "${REQUIRE_PATH}")
  message("SKIPPED: ${REQUIRE_PATH} does not exist (Debian package dataset-fashion-mnist installs it)")
  return()
endif()

if(DEFINED CLEAN_DIR)
  file(REMOVE_RECURSE "${CLEAN_DIR}")
  file(MAKE_DIRECTORY "${CLEAN_DIR}")
endif()

if(DEFINED WRITE_CORRUPT_IDX)
  file(MAKE_DIRECTORY "${WRITE_CORRUPT_IDX}")
  foreach(name train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
    file(WRITE "${WRITE_CORRUPT_IDX}/${name}" "this is not an IDX file\n")
  endforeach()
endif()

# `value` in units of 10^-digits as a decimal number: 1 digit, -15 -> "-1.5"; 2 digits, 7 -> "0.07".
# (CMake has integer arithmetic only.)
function(format_fixed out value digits)
  set(sign "")
  set(magnitude ${value})
  if(value LESS 0)
    set(sign "-")
    math(EXPR magnitude "0 - ${value}")
  endif()
  set(scale 1)
  foreach(i RANGE 1 ${digits})
    math(EXPR scale "${scale} * 10")
  endforeach()
  math(EXPR whole "${magnitude} / ${scale}")
  math(EXPR fraction "${magnitude} % ${scale} + ${scale}")  # a leading 1 keeps the zeros: 107 -> "07"
  string(SUBSTRING "${fraction}" 1 -1 fraction)
  set(${out} "${sign}${whole}.${fraction}" PARENT_SCOPE)
endfunction()

if(DEFINED WRITE_DISC_CSV)
  # 21 x 21 points on [-1, 1]^2 in steps of 0.1; label 1 where x^2 + y^2 < 0.4. Not linearly separable,
  # so the hidden layers have something to do. Written in tenths.
  set(rows "x,y,label\n")
  foreach(row_index RANGE 20)
    foreach(column_index RANGE 20)
      math(EXPR x "${column_index} - 10")
      math(EXPR y "${row_index} - 10")
      math(EXPR radius_squared "${x} * ${x} + ${y} * ${y}")
      set(label 0)
      if(radius_squared LESS 40)
        set(label 1)
      endif()
      format_fixed(x_text ${x} 1)
      format_fixed(y_text ${y} 1)
      string(APPEND rows "${x_text},${y_text},${label}\n")
    endforeach()
  endforeach()
  get_filename_component(csv_dir "${WRITE_DISC_CSV}" DIRECTORY)
  file(MAKE_DIRECTORY "${csv_dir}")
  file(WRITE "${WRITE_DISC_CSV}" "${rows}")
endif()

if(DEFINED WRITE_PLANE_CSV)
  # The same 21 x 21 grid of (a, b) on [-1, 1]^2, and y = 3a - 2b + e with e a fixed scramble of the
  # hundredths -0.10..0.10 (standard deviation 0.061 against y's 2.18). A perfect model of 3a - 2b has
  # R^2 1 - 0.061^2 / 2.18^2 = 0.9992. Written in hundredths.
  set(rows "a,b,y\n")
  foreach(i RANGE 20)
    foreach(j RANGE 20)
      math(EXPR a "(${i} - 10) * 10")
      math(EXPR b "(${j} - 10) * 10")
      math(EXPR noise "(${i} * 37 + ${j} * 91) % 21 - 10")
      math(EXPR y "3 * ${a} - 2 * ${b} + ${noise}")
      format_fixed(a_text ${a} 2)
      format_fixed(b_text ${b} 2)
      format_fixed(y_text ${y} 2)
      string(APPEND rows "${a_text},${b_text},${y_text}\n")
    endforeach()
  endforeach()
  get_filename_component(csv_dir "${WRITE_PLANE_CSV}" DIRECTORY)
  file(MAKE_DIRECTORY "${csv_dir}")
  file(WRITE "${WRITE_PLANE_CSV}" "${rows}")
endif()

if(DEFINED CORRUPT_COPY)
  file(COPY_FILE "${CORRUPT_COPY}" "${TO}")
  # CMake strings cannot hold every byte: dd (coreutils) writes one in place.
  execute_process(COMMAND sh -c "printf '\\377' | dd of='${TO}' bs=1 seek=${AT_OFFSET} conv=notrunc 2>/dev/null"
                  RESULT_VARIABLE dd_status)
  if(NOT dd_status EQUAL 0)
    message(FATAL_ERROR "CORRUPT_COPY: dd could not write ${TO}")
  endif()
endif()

execute_process(COMMAND ${command} RESULT_VARIABLE exit_code OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
if(DEFINED LOG)
  file(WRITE "${LOG}" "${output}")
endif()
string(REPLACE ";" " " command_line "${command}")

set(failures "")
if(NOT "${exit_code}" STREQUAL "${EXPECT_EXIT}")
  string(APPEND failures "  exit code ${exit_code}, expected ${EXPECT_EXIT}\n")
endif()
foreach(pattern IN LISTS EXPECT_OUTPUT)
  if(NOT output MATCHES "${pattern}")
    string(APPEND failures "  the output does not match: ${pattern}\n")
  endif()
endforeach()
foreach(path IN LISTS EXPECT_FILES)
  if(NOT EXISTS "${path}")
    string(APPEND failures "  no file ${path}\n")
  endif()
endforeach()
if(DEFINED SAME_FINAL_ACCURACY_AS)
  file(READ "${SAME_FINAL_ACCURACY_AS}" earlier)
  string(REGEX MATCH "final test accuracy: [0-9.]+" then "${earlier}")
  string(REGEX MATCH "final test accuracy: [0-9.]+" now "${output}")
  if(NOT then OR NOT now STREQUAL then)
    string(APPEND failures "  '${now}' here, but '${then}' in ${SAME_FINAL_ACCURACY_AS}\n")
  endif()
endif()

if(DEFINED SAME_BYTES)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${SAME_BYTES}" "${AS}" RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    string(APPEND failures "  ${SAME_BYTES} and ${AS} differ\n")
  endif()
endif()

if(failures)
  message(FATAL_ERROR "${command_line}\n${failures}--- output ---\n${output}")
endif()
message("${command_line}: as expected")
