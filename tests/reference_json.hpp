#pragma once
// The PyTorch golden values of tests/reference/ (each JSON file made by the script of its name).

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

namespace xg_test {

// A JSON file of tests/reference/, parsed; a missing file is an error naming it.
inline nlohmann::json read_reference(const std::string& name) {
  std::ifstream file(std::string(XGRAD_REFERENCE_DIR) + "/" + name);
  if (!file) throw std::runtime_error("cannot open reference/" + name);
  return nlohmann::json::parse(file);
}

}  // namespace xg_test
