#include <xgrad/core/factories.hpp>

#include <xgrad/core/error.hpp>

#include <xtensor/xbuilder.hpp>

namespace xg {

Tensor tensor(Array values, bool requires_grad) { return Tensor(std::move(values), requires_grad); }

Tensor full(const Shape& shape, float value, bool requires_grad) {
  Array values = Array::from_shape(shape);
  values.fill(value);
  return Tensor(std::move(values), requires_grad);
}

Tensor zeros(const Shape& shape, bool requires_grad) { return full(shape, 0.0f, requires_grad); }
Tensor ones(const Shape& shape, bool requires_grad) { return full(shape, 1.0f, requires_grad); }
Tensor zeros_like(const Tensor& like, bool requires_grad) { return zeros(like.shape(), requires_grad); }
Tensor ones_like(const Tensor& like, bool requires_grad) { return ones(like.shape(), requires_grad); }

Tensor uniform(const Shape& shape, float low, float high, Generator& generator, bool requires_grad) {
  if (!(low <= high)) {
    throw Error("uniform: expected low <= high, got low=" + std::to_string(low) + " high=" + std::to_string(high));
  }
  Array values = Array::from_shape(shape);
  for (float& v : values) v = generator.uniform(low, high);
  return Tensor(std::move(values), requires_grad);
}

Tensor rand(const Shape& shape, Generator& generator, bool requires_grad) {
  return uniform(shape, 0.0f, 1.0f, generator, requires_grad);
}

Tensor randn(const Shape& shape, Generator& generator, bool requires_grad) {
  Array values = Array::from_shape(shape);
  for (float& v : values) v = generator.normal();
  return Tensor(std::move(values), requires_grad);
}

Tensor arange(std::size_t n, bool requires_grad) {
  Array values = Array::from_shape({n});
  for (std::size_t i = 0; i < n; ++i) values(i) = static_cast<float>(i);
  return Tensor(std::move(values), requires_grad);
}

}  // namespace xg
