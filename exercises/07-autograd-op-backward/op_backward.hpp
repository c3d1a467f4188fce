#pragma once
// Exercise 07: the backward of four ops (README.md). Given: these declarations. You write their
// bodies in op_backward.cpp; given_ops.hpp wraps them into ops that record a graph node.

#include <xgrad/core/shape.hpp>
#include <xgrad/core/tensor.hpp>

namespace course {

// What a two-input op's backward hands each input: dL/da and dL/db, each of its input's shape.
struct InputGradients {
  xg::Array a;
  xg::Array b;
};

// c = a * b, element by element (a and b of one shape). `grad` is dL/dc.
InputGradients mul_backward(const xg::Array& grad, const xg::Array& a, const xg::Array& b);

// y = tanh(x). `output` is y, as the forward computed it (the backward reuses it, not x).
xg::Array tanh_backward(const xg::Array& grad, const xg::Array& output);

// C = A B for matrices A [m, k] and B [k, n]. `grad` is dL/dC, [m, n].
InputGradients matmul_backward(const xg::Array& grad, const xg::Array& a, const xg::Array& b);

// The inverse of broadcasting: `grad` has the broadcast shape; the result has `shape`, each of its
// elements the sum of the elements of `grad` that it was broadcast to.
xg::Array sum_to(const xg::Array& grad, const xg::Shape& shape);

// c = a + b with NumPy broadcasting. `grad` is dL/dc, of the broadcast shape.
InputGradients add_backward(const xg::Array& grad, const xg::Shape& a_shape, const xg::Shape& b_shape);

}  // namespace course
