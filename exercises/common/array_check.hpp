#pragma once
// What the checks use to compare arrays (given code, not part of any task), on xgrad's core alone so
// that the exercises below the optimizers (07, 08) can use it too: a float printed with every digit,
// a shape as text, and the first element where two arrays differ, bit for bit.

#include <xgrad/core/shape.hpp>
#include <xgrad/core/tensor.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace array_check {

// A number with every digit a float has (9 significant), so two floats that differ print differently.
inline std::string exact(float v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", static_cast<double>(v));
  return text;
}

inline std::string shape_text(const xg::Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// "" when `actual` equals `expected` bit for bit (NaN equal to NaN); else where and how they differ.
// `expected` is what the check computed with xgrad, or numbers written by hand: the message says
// "expected", not whose.
inline std::string first_difference(const xg::Array& actual, const xg::Array& expected) {
  const xg::Shape actual_shape(actual.shape().begin(), actual.shape().end());
  const xg::Shape expected_shape(expected.shape().begin(), expected.shape().end());
  if (actual_shape != expected_shape) {
    return "shape " + shape_text(actual_shape) + " where expected is " + shape_text(expected_shape);
  }
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const float a = actual.data()[i];
    const float e = expected.data()[i];
    if (std::isnan(a) && std::isnan(e)) continue;
    std::uint32_t a_bits = 0;
    std::uint32_t e_bits = 0;
    std::memcpy(&a_bits, &a, sizeof(a));
    std::memcpy(&e_bits, &e, sizeof(e));
    if (a_bits == e_bits) continue;
    const double ulps = std::fabs(static_cast<double>(a) - e) / std::fabs(std::nextafter(e, INFINITY) - e);
    return "element " + std::to_string(i) + " of " + std::to_string(actual.size()) + " is " + exact(a) +
           " where expected is " + exact(e) + " (" + exact(static_cast<float>(ulps)) + " ulp apart)";
  }
  return "";
}

}  // namespace array_check
