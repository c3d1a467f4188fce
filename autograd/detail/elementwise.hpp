#pragma once
// Loops shared by the elementwise ops' forward and backward passes. Each makes one pass over
// contiguous memory into a fresh array; none keeps an xtensor lazy expression alive.

#include <xgrad/core/shape.hpp>
#include <xgrad/core/tensor.hpp>
#include <xgrad/core/vector_math.hpp>

#include <algorithm>
#include <vector>

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

// The functions of core/vector_math.hpp (exp, log, tanh, erf) work on whole arrays, 8 or 16 floats at
// a time where the machine allows.
using VectorFn = void (*)(const float* x, float* out, std::size_t n);

// out[i] = f(x[i]) for a vector function f.
inline Array map_vector(VectorFn f, const Array& x) {
  Array out = Array::from_shape(x.shape());
  f(x.data(), out.data(), out.size());
  return out;
}

// out[i] = f(prepare(x[i])) for a vector function f.
template <class Prepare>
Array map_vector(VectorFn f, const Array& x, Prepare prepare) {
  Array out = map(x, prepare);
  f(out.data(), out.data(), out.size());
  return out;
}

namespace detail {

// out[i] = f(big[i], small[i % small_size]), block by block so that the inner loop is plain and
// vectorizes (xtensor's broadcast iterators step through a multi-index per element, over 100x slower).
template <class F>
void apply_repeating(const float* big, const float* small, std::size_t small_size, std::size_t size, float* out, F f) {
  if (small_size == 1) {
    const float s = *small;
    for (std::size_t i = 0; i < size; ++i) out[i] = f(big[i], s);
    return;
  }
  for (std::size_t start = 0; start < size; start += small_size) {
    const float* block = big + start;
    float* out_block = out + start;
    for (std::size_t j = 0; j < small_size; ++j) out_block[j] = f(block[j], small[j]);
  }
}

// Row-major strides of an input broadcast to `shape`: 0 along every dimension it is stretched over
// (or does not have), so the same element is read again.
inline std::vector<std::size_t> broadcast_strides(const Shape& input, const Shape& shape) {
  std::vector<std::size_t> strides(shape.size(), 0);
  std::size_t stride = 1;
  for (std::size_t i = 0; i < input.size(); ++i) {
    const std::size_t in_dim = input.size() - 1 - i;
    if (input[in_dim] != 1) strides[shape.size() - 1 - i] = stride;
    stride *= input[in_dim];
  }
  return strides;
}

// Any other broadcast ([N, 1] with [N, M], [3, 1] with [1, 4], ...): the output is walked one row
// (its last dimension) at a time, each input advancing by its own strides. `shape` has at least one
// dimension and no zero size.
template <class F>
void apply_strided(const Array& a, const Array& b, const Shape& shape, float* out, F f) {
  const std::vector<std::size_t> stride_a = broadcast_strides(shape_of(a), shape);
  const std::vector<std::size_t> stride_b = broadcast_strides(shape_of(b), shape);
  const std::size_t last = shape.size() - 1;
  const std::size_t row = shape[last];
  const std::size_t step_a = stride_a[last];  // 0 or 1
  const std::size_t step_b = stride_b[last];
  const float* pa = a.data();
  const float* pb = b.data();
  std::size_t offset_a = 0, offset_b = 0;   // where the current row starts in a and in b
  std::vector<std::size_t> index(last, 0);  // which row we are on, as an index over the leading dimensions
  const std::size_t size = numel_of(shape);
  for (std::size_t start = 0; start < size; start += row) {
    const float* row_a = pa + offset_a;
    const float* row_b = pb + offset_b;
    float* row_out = out + start;
    // Within a row each input either advances (step 1) or repeats one value (step 0, as for [N, 1]):
    // separate loops keep each one plain enough to vectorize.
    if (step_a == 1 && step_b == 1) {
      for (std::size_t j = 0; j < row; ++j) row_out[j] = f(row_a[j], row_b[j]);
    } else if (step_a == 1) {
      const float value_b = *row_b;
      for (std::size_t j = 0; j < row; ++j) row_out[j] = f(row_a[j], value_b);
    } else if (step_b == 1) {
      const float value_a = *row_a;
      for (std::size_t j = 0; j < row; ++j) row_out[j] = f(value_a, row_b[j]);
    } else {
      std::fill(row_out, row_out + row, f(*row_a, *row_b));
    }
    // Advance to the next row like an odometer, rewinding every dimension that wraps around.
    for (std::size_t d = last; d-- > 0;) {
      offset_a += stride_a[d];
      offset_b += stride_b[d];
      if (++index[d] < shape[d]) break;
      offset_a -= stride_a[d] * shape[d];
      offset_b -= stride_b[d] * shape[d];
      index[d] = 0;
    }
  }
}

}  // namespace detail

// out[i] = f(a[i], b[i]) over the NumPy broadcast of a and b (a clear xg::Error names `op` and both
// shapes when they do not broadcast). Every case is a plain loop over memory: equal shapes (the
// common case), one side repeating along the other's leading dimensions (bias rows, scalars), and a
// general strided walk for the rest.
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
  if (out.size() == 0) return out;
  if (repeats_along_leading_dims(shape_b, shape_a)) {
    detail::apply_repeating(a.data(), b.data(), b.size(), out.size(), out.data(), f);
  } else if (repeats_along_leading_dims(shape_a, shape_b)) {
    detail::apply_repeating(b.data(), a.data(), a.size(), out.size(), out.data(),
                            [&f](float from_b, float from_a) { return f(from_a, from_b); });
  } else {
    detail::apply_strided(a, b, shape, out.data(), f);
  }
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
