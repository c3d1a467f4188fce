#pragma once
// Helpers shared by the tests/test_nn_*.cpp suites: PyTorch golden values from reference/nn.json
// and elementwise comparison.

#include "reference_json.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

namespace nn_test {

using xg_test::read_reference;

inline const nlohmann::json& reference() {
  static const nlohmann::json json = read_reference("nn.json");
  return json;
}

// reference/nn_losses.json (made by nn_losses.py): the newer losses and the activation layers.
inline const nlohmann::json& losses_reference() {
  static const nlohmann::json json = read_reference("nn_losses.json");
  return json;
}

// A reduction by the name PyTorch gives it ("mean", "sum", "none").
inline xg::nn::Reduction reduction_from(const std::string& name) {
  if (name == "mean") return xg::nn::Reduction::Mean;
  if (name == "sum") return xg::nn::Reduction::Sum;
  return xg::nn::Reduction::None;
}

// gradcheck with its defaults, reporting the worst element on failure.
inline void expect_gradcheck(const xg::GradcheckFunction& f, const std::vector<xg::Tensor>& inputs) {
  const xg::GradcheckReport report = xg::gradcheck(f, inputs);
  EXPECT_TRUE(report) << report.message;
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
