#pragma once
// Exercise 12, given: y = x W^T + b as an op of the graph, with your forward and backward, written as
// xgrad's own ops are (see exercise 07): compute the output, then xg::record it with the backward that
// hands each input its gradient.

#include "linear_layer.hpp"

#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

#include <string>
#include <utility>

namespace course {

inline xg::Tensor linear(const xg::Tensor& x, const xg::Tensor& weight, const xg::Tensor& bias) {
  if (x.dim() != 2 || weight.dim() != 2 || bias.dim() != 1 || x.shape()[1] != weight.shape()[1] ||
      bias.shape()[0] != weight.shape()[0]) {
    throw xg::Error("course::linear: expected x [rows, in], weight [out, in] and bias [out], got " +
                    xg::to_string(x.shape()) + ", " + xg::to_string(weight.shape()) + " and " +
                    xg::to_string(bias.shape()));
  }
  return xg::record("linear", linear_forward(x.data(), weight.data(), bias.data()), {x, weight, bias},
                    [](xg::BackwardContext& ctx) {
                      LinearGradients g = linear_backward(ctx.grad, ctx.input(0), ctx.input(1));
                      if (ctx.needs_grad(0)) ctx.accumulate(0, std::move(g.x));
                      if (ctx.needs_grad(1)) ctx.accumulate(1, std::move(g.weight));
                      if (ctx.needs_grad(2)) ctx.accumulate(2, std::move(g.bias));
                    });
}

inline xg::Tensor LinearLayer::forward(const xg::Tensor& x) const { return linear(x, weight, bias); }

}  // namespace course
