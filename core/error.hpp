#pragma once
// xg::Error: the one exception type xgrad throws for bad input. Its message names the operation,
// what it expected and what it was given, e.g.
//   matmul: cannot multiply [32, 784] by [256, 10]: inner dimensions 784 and 256 differ

#include <charconv>
#include <stdexcept>
#include <string>

namespace xg {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A number as error messages show it: the shortest text that reads back as the same double, as
// Python's repr (0.001, 1e-08, 1.5), rather than std::to_string's fixed 0.001000.
inline std::string format_number(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

}  // namespace xg
