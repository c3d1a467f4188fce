// Exercise 07, the reference solution.
#include "op_backward.hpp"

#include <xgrad/core/error.hpp>

#include <cstddef>

namespace course {

// d(a*b)/da = b and d(a*b)/db = a: each input gets the gradient times the other input.
InputGradients mul_backward(const xg::Array& grad, const xg::Array& a, const xg::Array& b) {
  InputGradients g{xg::Array::from_shape(a.shape()), xg::Array::from_shape(b.shape())};
  for (std::size_t i = 0; i < grad.size(); ++i) {
    g.a.data()[i] = grad.data()[i] * b.data()[i];
    g.b.data()[i] = grad.data()[i] * a.data()[i];
  }
  return g;
}

// tanh'(x) = 1 - tanh(x)^2 = 1 - y^2. PyTorch rounds 1 - y^2 once (a fused multiply-add), which
// forming it in double and rounding to float reproduces.
xg::Array tanh_backward(const xg::Array& grad, const xg::Array& output) {
  xg::Array g = xg::Array::from_shape(output.shape());
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double y = output.data()[i];
    g.data()[i] = grad.data()[i] * static_cast<float>(1.0 - y * y);
  }
  return g;
}

// dL/dA = G B^T and dL/dB = A^T G, as plain loops.
InputGradients matmul_backward(const xg::Array& grad, const xg::Array& a, const xg::Array& b) {
  const std::size_t m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
  InputGradients g{xg::Array::from_shape(a.shape()), xg::Array::from_shape(b.shape())};
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t p = 0; p < k; ++p) {
      float total = 0;
      for (std::size_t j = 0; j < n; ++j) total += grad(i, j) * b(p, j);
      g.a(i, p) = total;
    }
  }
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t j = 0; j < n; ++j) {
      float total = 0;
      for (std::size_t i = 0; i < m; ++i) total += a(i, p) * grad(i, j);
      g.b(p, j) = total;
    }
  }
  return g;
}

// Every element of `grad` adds into the element of the result it was broadcast from: the same index,
// with 0 wherever the result's dimension is 1 (or missing at the front).
xg::Array sum_to(const xg::Array& grad, const xg::Shape& shape) {
  const xg::Shape grad_shape = xg::shape_of(grad);
  const std::size_t rank = grad_shape.size();
  if (shape.size() > rank) {
    throw xg::Error("sum_to: cannot sum " + xg::to_string(grad_shape) + " down to " + xg::to_string(shape));
  }
  // The target's shape with 1s prepended to the gradient's rank, and its row-major strides.
  xg::Shape padded(rank - shape.size(), 1);
  padded.insert(padded.end(), shape.begin(), shape.end());
  std::vector<std::size_t> strides(rank, 1);
  for (std::size_t d = rank; d-- > 1;) strides[d - 1] = strides[d] * padded[d];
  for (std::size_t d = 0; d < rank; ++d) {
    if (padded[d] != 1 && padded[d] != grad_shape[d]) {
      throw xg::Error("sum_to: cannot sum " + xg::to_string(grad_shape) + " down to " + xg::to_string(shape));
    }
  }
  xg::Array out = xg::Array::from_shape(shape);
  out.fill(0.0f);
  std::vector<std::size_t> index(rank, 0);  // the gradient element's index, counted up row-major
  for (std::size_t flat = 0; flat < grad.size(); ++flat) {
    std::size_t target = 0;
    for (std::size_t d = 0; d < rank; ++d) {
      if (padded[d] != 1) target += index[d] * strides[d];
    }
    out.data()[target] += grad.data()[flat];
    for (std::size_t d = rank; d-- > 0;) {
      if (++index[d] < grad_shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

// d(a+b)/da = d(a+b)/db = 1: both inputs get the gradient, each summed back to its own shape.
InputGradients add_backward(const xg::Array& grad, const xg::Shape& a_shape, const xg::Shape& b_shape) {
  return {sum_to(grad, a_shape), sum_to(grad, b_shape)};
}

}  // namespace course
