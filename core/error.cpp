#include <xgrad/core/error.hpp>

#include <charconv>

namespace xg {

std::string format_number(double value) {
  char text[64];
  std::to_chars_result result = std::to_chars(text, text + sizeof(text), value, std::chars_format::scientific);
  const std::string scientific(text, result.ptr);
  const std::size_t e = scientific.find('e');
  if (e == std::string::npos) return scientific;  // inf, nan
  const int exponent = std::stoi(scientific.substr(e + 1));
  if (exponent < -4 || exponent >= 16) return scientific;
  result = std::to_chars(text, text + sizeof(text), value, std::chars_format::fixed);
  return std::string(text, result.ptr);
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  return join_with(
      items, [](const std::string& item) { return item; }, separator);
}

}  // namespace xg
