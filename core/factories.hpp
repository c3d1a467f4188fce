#pragma once
// Ways to make a leaf tensor. Random ones draw from an xg::Generator (the default one unless given),
// so every run with the same seed makes the same numbers.

#include <xgrad/core/generator.hpp>
#include <xgrad/core/tensor.hpp>

namespace xg {

Tensor tensor(Array values, bool requires_grad = false);
Tensor zeros(const Shape& shape, bool requires_grad = false);
Tensor ones(const Shape& shape, bool requires_grad = false);
Tensor full(const Shape& shape, float value, bool requires_grad = false);
Tensor zeros_like(const Tensor& like, bool requires_grad = false);
Tensor ones_like(const Tensor& like, bool requires_grad = false);
// Uniform on [0, 1).
Tensor rand(const Shape& shape, Generator& generator = default_generator(), bool requires_grad = false);
// Standard normal.
Tensor randn(const Shape& shape, Generator& generator = default_generator(), bool requires_grad = false);
// Uniform on [low, high).
Tensor uniform(const Shape& shape, float low, float high, Generator& generator = default_generator(),
               bool requires_grad = false);
// 0, 1, ..., n-1 as floats (handy for tests and plots).
Tensor arange(std::size_t n, bool requires_grad = false);

}  // namespace xg
