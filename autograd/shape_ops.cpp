// Ops that move values without changing them: reshape and 2-D transpose. Their backward moves the
// gradient back the same way.

#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/error.hpp>

namespace xg {

Tensor reshape(const Tensor& x, const Shape& shape) {
  if (numel_of(shape) != x.numel()) {
    throw Error("reshape: cannot reshape " + to_string(x.shape()) + " (" + std::to_string(x.numel()) +
                " elements) to " + to_string(shape) + " (" + std::to_string(numel_of(shape)) + " elements)");
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

}  // namespace xg
