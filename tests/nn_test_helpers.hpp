#pragma once
// Helpers shared by the tests/test_nn_*.cpp suites: PyTorch golden values from reference/nn.json
// and elementwise comparison.

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace nn_test {

inline const nlohmann::json& reference() {
  static const nlohmann::json json = [] {
    std::ifstream file(std::string(XGRAD_REFERENCE_DIR) + "/nn.json");
    if (!file) throw std::runtime_error("cannot open reference/nn.json");
    return nlohmann::json::parse(file);
  }();
  return json;
}

// A nested JSON list of numbers as an array of the same shape (a bare number gives shape []).
inline xg::Array array_from_json(const nlohmann::json& value) {
  xg::Shape shape;
  for (const nlohmann::json* level = &value; level->is_array(); level = &(*level)[0]) {
    shape.push_back(level->size());
    if (level->empty()) break;
  }
  xg::Array out = xg::Array::from_shape(shape);
  std::size_t next = 0;
  auto fill = [&out, &next](const nlohmann::json& node, auto& self) -> void {
    if (node.is_array()) {
      for (const auto& child : node) self(child, self);
    } else {
      out.data()[next++] = node.get<float>();
    }
  };
  fill(value, fill);
  return out;
}

inline xg::nn::Labels labels_from_json(const nlohmann::json& value) { return value.get<xg::nn::Labels>(); }

// Every element within atol + rtol * |expected|, shapes equal.
inline ::testing::AssertionResult all_close(const xg::Array& actual, const xg::Array& expected, double rtol = 1e-5,
                                            double atol = 1e-6) {
  if (xg::shape_of(actual) != xg::shape_of(expected)) {
    return ::testing::AssertionFailure() << "shape " << xg::to_string(xg::shape_of(actual)) << " vs expected "
                                         << xg::to_string(xg::shape_of(expected));
  }
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double a = actual.data()[i], e = expected.data()[i];
    if (!(std::abs(a - e) <= atol + rtol * std::abs(e))) {
      std::ostringstream message;
      message.precision(9);
      message << "element " << i << ": " << a << " vs expected " << e << " (difference " << std::abs(a - e) << ")";
      return ::testing::AssertionFailure() << message.str();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace nn_test
