// Exercise 12: write the seven bodies below (README.md has the tasks, the maths and hints), then run
//   ./scripts/exercise.sh 12
#include "linear_layer.hpp"

#include <xgrad/core/error.hpp>
#include <xgrad/core/factories.hpp>

#include <cmath>

namespace course {

double leaky_relu_gain(double negative_slope) { throw xg::NotImplemented("12-linear-init", "leaky_relu_gain()"); }

double kaiming_uniform_bound(std::size_t fan_in, double a) {
  throw xg::NotImplemented("12-linear-init", "kaiming_uniform_bound()");
}

double xavier_uniform_bound(std::size_t fan_in, std::size_t fan_out, double gain) {
  throw xg::NotImplemented("12-linear-init", "xavier_uniform_bound()");
}

void fill_uniform(xg::Array& values, double bound, xg::Generator& generator) {
  throw xg::NotImplemented("12-linear-init", "fill_uniform()");
}

LinearLayer::LinearLayer(std::size_t in_features, std::size_t out_features, xg::Generator& generator) {
  // Given: the two parameters, zeros of the right shapes that require grad. Fill their values.
  weight = xg::zeros({out_features, in_features}, /*requires_grad=*/true);
  bias = xg::zeros({out_features}, /*requires_grad=*/true);
  throw xg::NotImplemented("12-linear-init", "LinearLayer::LinearLayer()");
}

xg::Array linear_forward(const xg::Array& x, const xg::Array& weight, const xg::Array& bias) {
  throw xg::NotImplemented("12-linear-init", "linear_forward()");
}

LinearGradients linear_backward(const xg::Array& grad, const xg::Array& x, const xg::Array& weight) {
  throw xg::NotImplemented("12-linear-init", "linear_backward()");
}

}  // namespace course
