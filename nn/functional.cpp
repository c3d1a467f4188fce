// The two fused layer ops, linear and dropout, each forward beside its backward.

#include <xgrad/nn/functional.hpp>

#include <xgrad/core/blas.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

#include <algorithm>

namespace xg::nn::functional {

// y = x W^T + b, with x viewed as [rows, in] (all leading dimensions are rows).
//   dL/dx = G W        [rows, out] x [out, in]
//   dL/dW = G^T x      [out, rows] x [rows, in]
//   dL/db = column sums of G
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  // Shapes are read straight from the arrays (xtensor's small inline vectors): building Shapes for the
  // checks would cost a few allocations per call, which shows on small layers.
  const auto& x_shape = input.data().shape();
  const auto& w_shape = weight.data().shape();
  if (w_shape.size() != 2) {
    throw Error("linear: expected a 2-D weight [out_features, in_features], got shape " + to_string(weight.shape()));
  }
  const std::size_t out_features = w_shape[0];
  const std::size_t in_features = w_shape[1];
  if (x_shape.size() == 0) throw Error("linear: expected an input with at least 1 dimension, got a scalar");
  if (x_shape.back() != in_features) {
    throw Error("linear: input of shape " + to_string(input.shape()) + " does not match weight of shape " +
                to_string(weight.shape()) + ": expected the last dimension to be " + std::to_string(in_features) +
                ", got " + std::to_string(x_shape.back()));
  }
  const bool has_bias = bias.defined();
  if (has_bias && (bias.dim() != 1 || bias.numel() != out_features)) {
    throw Error("linear: expected a bias of shape [" + std::to_string(out_features) + "], got " +
                to_string(bias.shape()));
  }
  std::size_t rows = 1;  // all leading dimensions are rows
  for (std::size_t d = 0; d + 1 < x_shape.size(); ++d) rows *= x_shape[d];

  auto out_shape = x_shape;
  out_shape.back() = out_features;
  Array output = Array::from_shape(out_shape);
  float* y = output.data();
  if (has_bias) {  // start from the bias in every row and let sgemm add x W^T (beta = 1)
    const float* b = bias.data().data();
    for (std::size_t r = 0; r < rows; ++r) std::copy(b, b + out_features, y + r * out_features);
  }
  blas::gemm(false, true, rows, out_features, in_features, input.data().data(), weight.data().data(),
             has_bias ? 1.0f : 0.0f, y);

  // The backward reads the feature counts from the weight: a closure of at most 16 bytes stays inside
  // std::function's own storage instead of costing a heap allocation per call.
  BackwardFn backward = [rows, has_bias](BackwardContext& ctx) {
    const Array& x = ctx.input(0);
    const Array& w = ctx.input(1);
    const std::size_t out_features = w.shape()[0], in_features = w.shape()[1];
    const float* g = ctx.grad.data();
    // Each share goes straight into the gradient the input already holds, when it holds one (after
    // zero_grad(), the usual case for parameters): see accumulate_in_place.
    if (ctx.needs_grad(0)) {  // dL/dx = G W
      ctx.accumulate_in_place(0, [&](float* dx, float beta) {
        blas::gemm(false, false, rows, in_features, out_features, g, w.data(), beta, dx);
      });
    }
    if (ctx.needs_grad(1)) {  // dL/dW = G^T x
      ctx.accumulate_in_place(1, [&](float* dw, float beta) {
        blas::gemm(true, false, out_features, in_features, rows, g, x.data(), beta, dw);
      });
    }
    if (has_bias && ctx.needs_grad(2)) {  // dL/db = column sums of G
      ctx.accumulate_in_place(2, [&](float* db, float beta) {
        if (beta == 0.0f) std::fill(db, db + out_features, 0.0f);
        for (std::size_t r = 0; r < rows; ++r) {
          const float* row = g + r * out_features;
          for (std::size_t j = 0; j < out_features; ++j) db[j] += row[j];
        }
      });
    }
  };
  if (has_bias) return record("linear", std::move(output), {input, weight, bias}, std::move(backward));
  return record("linear", std::move(output), {input, weight}, std::move(backward));
}

// y = x * mask, where mask is 1 / (1 - p) with probability 1 - p and 0 otherwise; dL/dx = G * mask.
Tensor dropout(const Tensor& input, double p, bool training, Generator& generator) {
  if (!(p >= 0.0 && p <= 1.0)) throw Error("dropout: expected a probability p in [0, 1], got " + format_number(p));
  if (!training || p == 0.0) return input;
  // p = 1 drops everything; the scale would be 1/0.
  const float scale = p == 1.0 ? 0.0f : 1.0f / static_cast<float>(1.0 - p);
  // Each element is kept with probability 1 - p: bernoulli(1 - p) on the generator's stream, drawn a
  // block at a time (Generator::fill_u64 gives the same numbers as one next_u64() per element).
  Array mask = Array::from_shape(input.data().shape());
  float* pm = mask.data();
  const double keep = 1.0 - p;
  const float dropped_or_kept[2] = {0.0f, scale};
  constexpr std::size_t kBlock = 512;
  std::uint64_t draws[kBlock];
  for (std::size_t start = 0, n = mask.size(); start < n; start += kBlock) {
    const std::size_t count = std::min(kBlock, n - start);
    generator.fill_u64(draws, count);
    // Picked from a table by the coin flip rather than with a branch, which the CPU would mispredict
    // half the time (~8 ns each).
    for (std::size_t j = 0; j < count; ++j) pm[start + j] = dropped_or_kept[Generator::unit(draws[j]) < keep];
  }
  Array output = Array::from_shape(input.data().shape());
  const float* x = input.data().data();
  float* y = output.data();
  for (std::size_t i = 0, n = output.size(); i < n; ++i) y[i] = x[i] * pm[i];
  return record("dropout", std::move(output), {input}, [mask = std::move(mask)](BackwardContext& ctx) {
    Array grad = Array::from_shape(ctx.grad.shape());
    const float* g = ctx.grad.data();
    const float* pm = mask.data();
    float* dx = grad.data();
    for (std::size_t i = 0, n = grad.size(); i < n; ++i) dx[i] = g[i] * pm[i];
    ctx.accumulate(0, std::move(grad));
  });
}

}  // namespace xg::nn::functional
