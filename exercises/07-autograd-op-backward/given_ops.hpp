#pragma once
// Exercise 07, given: four ops whose forwards are xgrad's and whose backwards are yours. Each is
// written as every op in autograd/*.cpp is: compute the output, then xg::record it with a backward
// function that receives a BackwardContext (ctx.grad, ctx.output, ctx.input(i)) and sends each input
// its gradient with ctx.accumulate(i, ...). The forwards run under NoGradGuard, so xgrad records
// nothing of its own; the graph node is the one record() makes here.

#include "op_backward.hpp"

#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

#include <string>
#include <utility>

namespace course {

// xgrad's ctx.accumulate would sum a gradient of the broadcast shape back to the input's shape by
// itself; this exercise is about doing that yourself, so a gradient of any other shape is an error.
inline xg::Array checked(const char* op, std::size_t input, xg::Array grad, const xg::Array& like) {
  if (!xg::same_shape(grad, like)) {
    throw xg::Error(std::string(op) + " backward: the gradient of input " + std::to_string(input) + " has shape " +
                    xg::to_string(xg::shape_of(grad)) + ", expected the input's shape " +
                    xg::to_string(xg::shape_of(like)));
  }
  return grad;
}

inline xg::Array forward_of(xg::Tensor (*op)(const xg::Tensor&, const xg::Tensor&), const xg::Tensor& a,
                            const xg::Tensor& b) {
  const xg::NoGradGuard no_grad;
  return op(a, b).data();
}

inline xg::Tensor mul(const xg::Tensor& a, const xg::Tensor& b) {
  if (a.shape() != b.shape()) {
    throw xg::Error("course::mul: expected two tensors of one shape, got " + xg::to_string(a.shape()) + " and " +
                    xg::to_string(b.shape()));
  }
  return xg::record("mul", forward_of(xg::mul, a, b), {a, b}, [](xg::BackwardContext& ctx) {
    InputGradients g = mul_backward(ctx.grad, ctx.input(0), ctx.input(1));
    if (ctx.needs_grad(0)) ctx.accumulate(0, checked("mul", 0, std::move(g.a), ctx.input(0)));
    if (ctx.needs_grad(1)) ctx.accumulate(1, checked("mul", 1, std::move(g.b), ctx.input(1)));
  });
}

inline xg::Tensor tanh(const xg::Tensor& x) {
  xg::Array out;
  {
    const xg::NoGradGuard no_grad;
    out = xg::tanh(x).data();
  }
  return xg::record("tanh", std::move(out), {x}, [](xg::BackwardContext& ctx) {
    ctx.accumulate(0, checked("tanh", 0, tanh_backward(ctx.grad, ctx.output), ctx.input(0)));
  });
}

inline xg::Tensor matmul(const xg::Tensor& a, const xg::Tensor& b) {
  if (a.dim() != 2 || b.dim() != 2) {
    throw xg::Error("course::matmul: expected two matrices, got " + xg::to_string(a.shape()) + " and " +
                    xg::to_string(b.shape()));
  }
  return xg::record("matmul", forward_of(xg::matmul, a, b), {a, b}, [](xg::BackwardContext& ctx) {
    InputGradients g = matmul_backward(ctx.grad, ctx.input(0), ctx.input(1));
    if (ctx.needs_grad(0)) ctx.accumulate(0, checked("matmul", 0, std::move(g.a), ctx.input(0)));
    if (ctx.needs_grad(1)) ctx.accumulate(1, checked("matmul", 1, std::move(g.b), ctx.input(1)));
  });
}

inline xg::Tensor add(const xg::Tensor& a, const xg::Tensor& b) {
  return xg::record("add", forward_of(xg::add, a, b), {a, b}, [](xg::BackwardContext& ctx) {
    InputGradients g = add_backward(ctx.grad, xg::shape_of(ctx.input(0)), xg::shape_of(ctx.input(1)));
    if (ctx.needs_grad(0)) ctx.accumulate(0, checked("add", 0, std::move(g.a), ctx.input(0)));
    if (ctx.needs_grad(1)) ctx.accumulate(1, checked("add", 1, std::move(g.b), ctx.input(1)));
  });
}

}  // namespace course
