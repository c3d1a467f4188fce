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

}  // namespace xg
