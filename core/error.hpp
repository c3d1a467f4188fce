#pragma once
// xg::Error: the one exception type xgrad throws for bad input. Its message names the operation,
// what it expected and what it was given, e.g.
//   matmul: cannot multiply [32, 784] by [256, 10]: inner dimensions 784 and 256 differ

#include <stdexcept>
#include <string>
#include <vector>

namespace xg {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A number as error messages show it, laid out as Python's repr: the shortest digits that read back
// as the same double, in fixed notation unless the decimal exponent is below -4 or at least 16
// ("0.1", "-0.0001", "1e-05", "1e+16"; but "3", not "3.0"). std::to_string would give 0.100000.
std::string format_number(double value);

// A list as messages show it: join({"a", "b"}) is "a, b".
std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");
// The same for items of any kind, each made text by `to_text`:
//   join_with(shape, [](std::size_t size) { return std::to_string(size); })  ->  "32, 784"
template <class Items, class ToText>
std::string join_with(const Items& items, ToText to_text, const std::string& separator = ", ") {
  std::string text;
  bool first = true;
  for (const auto& item : items) {
    if (!first) text += separator;
    text += to_text(item);
    first = false;
  }
  return text;
}

}  // namespace xg
