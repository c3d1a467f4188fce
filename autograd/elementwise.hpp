#pragma once
// Loops shared by the elementwise ops' forward and backward passes. Each makes one pass over
// contiguous memory into a fresh array; none keeps an xtensor lazy expression alive.

#include <xgrad/core/shape.hpp>
#include <xgrad/core/tensor.hpp>

#include <xtensor/xbroadcast.hpp>

namespace xg {

// out[i] = f(x[i]).
template <class F>
Array map(const Array& x, F f) {
  Array out = Array::from_shape(x.shape());
  const float* px = x.data();
  float* po = out.data();
  for (std::size_t i = 0, n = out.size(); i < n; ++i) po[i] = f(px[i]);
  return out;
}

// out[i] = f(a[i], b[i]) over the NumPy broadcast of a and b (a clear xg::Error names `op` and both
// shapes when they do not broadcast). Equal shapes, the common case, take a plain loop; others go
// through xtensor's broadcast iterators.
template <class F>
Array broadcast_apply(const char* op, const Array& a, const Array& b, F f) {
  const Shape shape_a = shape_of(a);
  const Shape shape_b = shape_of(b);
  if (shape_a == shape_b) {
    Array out = Array::from_shape(a.shape());
    const float* pa = a.data();
    const float* pb = b.data();
    float* po = out.data();
    for (std::size_t i = 0, n = out.size(); i < n; ++i) po[i] = f(pa[i], pb[i]);
    return out;
  }
  const Shape shape = broadcast_shapes(op, shape_a, shape_b);
  Array out = Array::from_shape(shape);
  auto wide_a = xt::broadcast(a, shape);
  auto wide_b = xt::broadcast(b, shape);
  auto ia = wide_a.cbegin();
  auto ib = wide_b.cbegin();
  for (float& o : out) o = f(*ia++, *ib++);
  return out;
}

// Sizes around an axis: a tensor viewed as [outer, length, inner], where `length` is the axis.
// Element (o, l, i) sits at (o * length + l) * inner + i.
struct AxisSplit {
  std::size_t outer = 1, length = 1, inner = 1;
};

inline AxisSplit split_at(const Shape& shape, std::size_t axis) {
  AxisSplit split;
  for (std::size_t i = 0; i < axis; ++i) split.outer *= shape[i];
  split.length = shape[axis];
  for (std::size_t i = axis + 1; i < shape.size(); ++i) split.inner *= shape[i];
  return split;
}

}  // namespace xg
