#pragma once
// xg::nn::init: fill a tensor's values in place, as torch.nn.init does (same formulas, same defaults).
// Each function writes the values without recording anything in the graph, draws from `generator`
// (the default one unless given) and returns the tensor.
//
// For a weight [out, in, ...] the fans are fan_in = in * r and fan_out = out * r, where r is the
// product of the remaining dimensions; they need at least 2 dimensions.

#include <xgrad/core/generator.hpp>
#include <xgrad/core/tensor.hpp>

#include <utility>

namespace xg::nn::init {

enum class Nonlinearity { Linear, Sigmoid, Tanh, ReLU, LeakyReLU, SELU };
enum class FanMode { FanIn, FanOut };

// The recommended gain for a nonlinearity (PyTorch's calculate_gain): 1 for Linear and Sigmoid,
// 5/3 for Tanh, sqrt(2) for ReLU, sqrt(2 / (1 + slope^2)) for LeakyReLU (param = negative slope,
// 0.01 when param < 0), 3/4 for SELU.
double calculate_gain(Nonlinearity nonlinearity, double param = -1.0);

// {fan_in, fan_out} of a tensor with at least 2 dimensions.
std::pair<std::size_t, std::size_t> calculate_fan_in_and_fan_out(const Tensor& tensor);

Tensor uniform_(Tensor tensor, double a = 0.0, double b = 1.0, Generator& generator = default_generator());
Tensor normal_(Tensor tensor, double mean = 0.0, double std = 1.0, Generator& generator = default_generator());
Tensor constant_(Tensor tensor, double value);
Tensor zeros_(Tensor tensor);
Tensor ones_(Tensor tensor);

// U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)); N(0, std) with std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor xavier_uniform_(Tensor tensor, double gain = 1.0, Generator& generator = default_generator());
Tensor xavier_normal_(Tensor tensor, double gain = 1.0, Generator& generator = default_generator());

// std = calculate_gain(nonlinearity, a) / sqrt(fan), fan chosen by mode; uniform draws from
// U(-sqrt(3) std, sqrt(3) std). `a` is the negative slope of the leaky ReLU that follows.
Tensor kaiming_uniform_(Tensor tensor, double a = 0.0, FanMode mode = FanMode::FanIn,
                        Nonlinearity nonlinearity = Nonlinearity::LeakyReLU,
                        Generator& generator = default_generator());
Tensor kaiming_normal_(Tensor tensor, double a = 0.0, FanMode mode = FanMode::FanIn,
                       Nonlinearity nonlinearity = Nonlinearity::LeakyReLU, Generator& generator = default_generator());

}  // namespace xg::nn::init
