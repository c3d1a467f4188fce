#include <xgrad/nn/init.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>

namespace xg::nn::init {

double calculate_gain(Nonlinearity nonlinearity, double param) {
  switch (nonlinearity) {
    case Nonlinearity::Linear:
    case Nonlinearity::Sigmoid:
      return 1.0;
    case Nonlinearity::Tanh:
      return 5.0 / 3.0;
    case Nonlinearity::ReLU:
      return std::sqrt(2.0);
    case Nonlinearity::LeakyReLU: {
      const double slope = param < 0.0 ? 0.01 : param;
      return std::sqrt(2.0 / (1.0 + slope * slope));
    }
    case Nonlinearity::SELU:
      return 3.0 / 4.0;
  }
  throw Error("calculate_gain: unknown nonlinearity");
}

std::pair<std::size_t, std::size_t> calculate_fan_in_and_fan_out(const Tensor& tensor) {
  const Shape shape = tensor.shape();
  if (shape.size() < 2) {
    throw Error("init: fan in and fan out need a tensor with at least 2 dimensions, got shape " + to_string(shape));
  }
  const std::size_t receptive_field = numel_of(Shape(shape.begin() + 2, shape.end()));
  return {shape[1] * receptive_field, shape[0] * receptive_field};
}

Tensor uniform_(Tensor tensor, double a, double b, Generator& generator) {
  if (!(a <= b)) throw Error("uniform_: expected a <= b, got a = " + std::to_string(a) + ", b = " + std::to_string(b));
  for (float& v : tensor.data()) v = generator.uniform(static_cast<float>(a), static_cast<float>(b));
  return tensor;
}

Tensor normal_(Tensor tensor, double mean, double std, Generator& generator) {
  if (!(std >= 0.0)) throw Error("normal_: expected std >= 0, got " + std::to_string(std));
  for (float& v : tensor.data()) v = generator.normal(static_cast<float>(mean), static_cast<float>(std));
  return tensor;
}

Tensor constant_(Tensor tensor, double value) {
  tensor.data().fill(static_cast<float>(value));
  return tensor;
}

Tensor zeros_(Tensor tensor) { return constant_(std::move(tensor), 0.0); }
Tensor ones_(Tensor tensor) { return constant_(std::move(tensor), 1.0); }

Tensor xavier_uniform_(Tensor tensor, double gain, Generator& generator) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  const double bound = std::sqrt(3.0) * std;  // U(-a, a) has standard deviation a / sqrt(3)
  return uniform_(std::move(tensor), -bound, bound, generator);
}

Tensor xavier_normal_(Tensor tensor, double gain, Generator& generator) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return normal_(std::move(tensor), 0.0, std, generator);
}

namespace {

double kaiming_std(const Tensor& tensor, double a, FanMode mode, Nonlinearity nonlinearity) {
  const auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  const std::size_t fan = mode == FanMode::FanIn ? fan_in : fan_out;
  return calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
}

}  // namespace

// PyTorch leaves a tensor with no elements untouched (its fan may be 0).
Tensor kaiming_uniform_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity, Generator& generator) {
  if (tensor.numel() == 0) return tensor;
  const double bound = std::sqrt(3.0) * kaiming_std(tensor, a, mode, nonlinearity);
  return uniform_(std::move(tensor), -bound, bound, generator);
}

Tensor kaiming_normal_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity, Generator& generator) {
  if (tensor.numel() == 0) return tensor;
  const double std = kaiming_std(tensor, a, mode, nonlinearity);
  return normal_(std::move(tensor), 0.0, std, generator);
}

}  // namespace xg::nn::init
