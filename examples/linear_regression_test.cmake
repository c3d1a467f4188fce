# Runs examples/linear_regression and holds its numbers to bounds worked out from the noise:
#   cmake -P linear_regression_test.cmake -- PROGRAM
#
# The data: x_i = 10 i / 49 for i = 0..49, y_i = 2 x_i + 1 + e_i with e_i normal of sd s = 0.5.
# Sxx = sum (x_i - mean x)^2 = 433.67, mean x = 5, n = 50.
# 1. Least squares against the truth. The fitted slope has sd s / sqrt(Sxx) = 0.0240 and the intercept
#    s sqrt(1/n + mean_x^2 / Sxx) = 0.1393; both must lie within 4 sd: 0.0961 and 0.5573.
# 2. SGD against least squares. The MSE's Hessian is 2 [[mean x^2, mean x], [mean x, 1]] =
#    2 [[33.673, 5], [5, 1]], eigenvalues 68.84 and 0.5041. Gradient descent with lr 0.01 shrinks the
#    distance to the optimum by at least max |1 - 0.01 lambda| = 0.99496 a step: 0.99496^1000 = 0.00643
#    after 1000 steps. The start (w, b in [-1, 1], PyTorch's Linear(1, 1) init) is at most
#    sqrt(3.1^2 + 2.6^2) = 4.05 from the optimum, so the end is within 4.05 * 0.00643 = 0.0260 of it.
# Numbers are compared in units of 1e-4 (CMake has integer arithmetic only).
cmake_minimum_required(VERSION 3.18)
math(EXPR last "${CMAKE_ARGC} - 1")
set(program "")
foreach(i RANGE ${last})
  if(found_separator)
    set(program "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(found_separator TRUE)
  endif()
endforeach()
execute_process(COMMAND ${program} RESULT_VARIABLE exit_code OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT exit_code EQUAL 0)
  message(FATAL_ERROR "${program} exited with ${exit_code}\n${output}${errors}")
endif()

# "-1.2345" -> -12345 (units of 1e-4).
function(to_units out text)
  string(REGEX MATCH "^(-?)([0-9]+)\\.([0-9][0-9][0-9][0-9])$" matched "${text}")
  set(sign "${CMAKE_MATCH_1}")
  set(whole "${CMAKE_MATCH_2}")
  # "1" in front and 10000 off again: "0505" would otherwise read as octal.
  math(EXPR value "${sign}(${whole} * 10000 + 1${CMAKE_MATCH_3} - 10000)")
  set(${out} ${value} PARENT_SCOPE)
endfunction()

# "label: y = 2.0123x - 0.9876" -> w and b in units of 1e-4.
function(read_line label w_var b_var)
  string(REGEX MATCH "${label}: +y = (-?[0-9]+\\.[0-9][0-9][0-9][0-9])x ([+-]) ([0-9]+\\.[0-9][0-9][0-9][0-9])"
         line "${output}")
  if(NOT line)
    message(FATAL_ERROR "no '${label}: y = ...x + ...' line in:\n${output}")
  endif()
  set(w_text "${CMAKE_MATCH_1}")
  set(b_text "${CMAKE_MATCH_3}")
  if(CMAKE_MATCH_2 STREQUAL "-")
    set(b_text "-${b_text}")
  endif()
  to_units(w_value "${w_text}")
  to_units(b_value "${b_text}")
  set(${w_var} ${w_value} PARENT_SCOPE)
  set(${b_var} ${b_value} PARENT_SCOPE)
endfunction()

read_line("learned" w b)
read_line("least squares" w_ls b_ls)
set(failures "")
function(check what value reference bound)
  math(EXPR difference "${value} - ${reference}")
  if(difference LESS 0)
    math(EXPR difference "0 - ${difference}")
  endif()
  if(difference GREATER bound)
    string(APPEND failures "  ${what}: |${value} - ${reference}| = ${difference} > ${bound} (units of 1e-4)\n")
    set(failures "${failures}" PARENT_SCOPE)
  endif()
endfunction()
check("least-squares slope vs 2" ${w_ls} 20000 961)
check("least-squares intercept vs 1" ${b_ls} 10000 5573)
check("learned slope vs least squares" ${w} ${w_ls} 260)
check("learned intercept vs least squares" ${b} ${b_ls} 260)
if(failures)
  message(FATAL_ERROR "${failures}--- output ---\n${output}")
endif()
message("${program}: w ${w} b ${b} (least squares ${w_ls} ${b_ls}, units of 1e-4): within the bounds")
