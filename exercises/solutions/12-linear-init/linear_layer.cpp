// Exercise 12, the reference solution.
#include "linear_layer.hpp"

#include <xgrad/core/error.hpp>
#include <xgrad/core/factories.hpp>

#include <algorithm>
#include <cmath>

namespace course {

double leaky_relu_gain(double negative_slope) { return std::sqrt(2.0 / (1.0 + negative_slope * negative_slope)); }

// U(-b, b) has standard deviation b / sqrt(3): the bound that gives Kaiming's std = gain / sqrt(fan_in).
double kaiming_uniform_bound(std::size_t fan_in, double a) {
  const double std = leaky_relu_gain(a) / std::sqrt(static_cast<double>(fan_in));
  return std::sqrt(3.0) * std;
}

double xavier_uniform_bound(std::size_t fan_in, std::size_t fan_out, double gain) {
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return std::sqrt(3.0) * std;
}

void fill_uniform(xg::Array& values, double bound, xg::Generator& generator) {
  for (float& v : values) v = generator.uniform(static_cast<float>(-bound), static_cast<float>(bound));
}

LinearLayer::LinearLayer(std::size_t in_features, std::size_t out_features, xg::Generator& generator) {
  weight = xg::zeros({out_features, in_features}, /*requires_grad=*/true);
  bias = xg::zeros({out_features}, /*requires_grad=*/true);
  // a = sqrt(5) makes the bound sqrt(3) * sqrt(2 / 6) / sqrt(in) = 1 / sqrt(in): torch's default.
  fill_uniform(weight.data(), kaiming_uniform_bound(in_features, std::sqrt(5.0)), generator);
  fill_uniform(bias.data(), 1.0 / std::sqrt(static_cast<double>(in_features)), generator);
}

xg::Array linear_forward(const xg::Array& x, const xg::Array& weight, const xg::Array& bias) {
  const std::size_t rows = x.shape()[0], in = x.shape()[1], out = weight.shape()[0];
  xg::Array y = xg::Array::from_shape({rows, out});
  // Every row starts as the bias; gemm adds x W^T to it (beta = 1), W read transposed in place.
  for (std::size_t r = 0; r < rows; ++r) std::copy(bias.data(), bias.data() + out, y.data() + r * out);
  gemm(false, true, rows, out, in, x.data(), weight.data(), 1.0f, y.data());
  return y;
}

LinearGradients linear_backward(const xg::Array& grad, const xg::Array& x, const xg::Array& weight) {
  const std::size_t rows = x.shape()[0], in = x.shape()[1], out = weight.shape()[0];
  LinearGradients g{xg::Array::from_shape({rows, in}), xg::Array::from_shape({out, in}), xg::Array::from_shape({out})};
  gemm(false, false, rows, in, out, grad.data(), weight.data(), 0.0f, g.x.data());  // dx = G W
  gemm(true, false, out, in, rows, grad.data(), x.data(), 0.0f, g.weight.data());   // dW = G^T x
  g.bias.fill(0.0f);  // db = the column sums of G, row after row
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < out; ++j) g.bias(j) += grad(r, j);
  }
  return g;
}

}  // namespace course
