// Ops that move values without changing them: reshape, 2-D transpose, row selection. Their backward moves the
// gradient back the same way.

#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/error.hpp>

#include <algorithm>

namespace xg {

namespace {

std::string count_of_elements(std::size_t n) { return std::to_string(n) + (n == 1 ? " element" : " elements"); }

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  if (numel_of(shape) != x.numel()) {
    throw Error("reshape: cannot reshape " + to_string(x.shape()) + " (" + count_of_elements(x.numel()) + ") to " +
                to_string(shape) + " (" + count_of_elements(numel_of(shape)) + ")");
  }
  Array out = x.data();
  out.reshape(shape);
  return record("reshape", std::move(out), {x}, [](BackwardContext& ctx) {
    Array grad = ctx.grad;
    grad.reshape(ctx.input(0).shape());
    ctx.accumulate(0, std::move(grad));
  });
}

namespace {

Array transpose_2d(const Array& x) {
  const std::size_t rows = x.shape()[0];
  const std::size_t cols = x.shape()[1];
  Array out = Array::from_shape({cols, rows});
  const float* px = x.data();
  float* po = out.data();
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) po[c * rows + r] = px[r * cols + c];
  }
  return out;
}

}  // namespace

Tensor transpose(const Tensor& x) {
  if (x.dim() != 2) throw Error("transpose: expected a 2-D tensor, got shape " + to_string(x.shape()));
  return record("transpose", transpose_2d(x.data()), {x},
                [](BackwardContext& ctx) { ctx.accumulate(0, transpose_2d(ctx.grad)); });
}

// Gathers rows; the backward scatters the gradient back, adding where a row was picked twice.
Tensor index_select(const Tensor& x, const std::vector<std::size_t>& indices) {
  if (x.dim() == 0) throw Error("index_select: expected a tensor with at least 1 dimension, got a scalar");
  const Shape shape = x.shape();
  for (std::size_t j = 0; j < indices.size(); ++j) {
    if (indices[j] >= shape[0]) {
      throw Error("index_select: index " + std::to_string(indices[j]) + " at position " + std::to_string(j) +
                  " is out of range for axis 0 of size " + std::to_string(shape[0]) + " (shape " + to_string(shape) +
                  ")");
    }
  }
  const std::size_t row = shape[0] == 0 ? 0 : x.numel() / shape[0];
  Shape out_shape = shape;
  out_shape[0] = indices.size();
  Array out = Array::from_shape(out_shape);
  for (std::size_t j = 0; j < indices.size(); ++j) {
    std::copy_n(x.data().data() + indices[j] * row, row, out.data() + j * row);
  }
  return record("index_select", std::move(out), {x}, [indices, row](BackwardContext& ctx) {
    Array grad = xt::zeros<float>(ctx.input(0).shape());
    for (std::size_t j = 0; j < indices.size(); ++j) {
      float* dst = grad.data() + indices[j] * row;
      const float* src = ctx.grad.data() + j * row;
      for (std::size_t k = 0; k < row; ++k) dst[k] += src[k];
    }
    ctx.accumulate(0, std::move(grad));
  });
}

}  // namespace xg
