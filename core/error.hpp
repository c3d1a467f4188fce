#pragma once
// xg::Error: the one exception type xgrad throws for bad input. Its message names the operation,
// what it expected and what it was given, e.g.
//   matmul: cannot multiply [32, 784] by [256, 10]: inner dimensions 784 and 256 differ

#include <stdexcept>
#include <string>

namespace xg {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// What an exercise's unwritten function throws (exercises/): it names the exercise and the function and
// says where the task is described, e.g.
//   exercise 01-optimizer-step: step() is not written yet (see exercises/01-optimizer-step/README.md)
// An xg::Error, so a program that catches xgrad's errors also reports this one.
class NotImplemented : public Error {
 public:
  NotImplemented(const std::string& exercise, const std::string& function);
};

// A number as error messages show it, laid out as Python's repr: the shortest digits that read back
// as the same double, in fixed notation unless the decimal exponent is below -4 or at least 16
// ("0.1", "-0.0001", "1e-05", "1e+16"; but "3", not "3.0"). std::to_string would give 0.100000.
std::string format_number(double value);

}  // namespace xg
