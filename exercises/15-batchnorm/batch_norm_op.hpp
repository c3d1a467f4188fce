#pragma once
// Exercise 15, given: BatchNormLayer's forward, your forward and backward as one op of the graph,
// written as xgrad's own ops are (see exercise 07): compute the output, then xg::record it with the
// backward that hands x, weight and bias their gradients.

#include "batch_norm_layer.hpp"

#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

#include <string>
#include <utility>

namespace course {

inline xg::Tensor BatchNormLayer::forward(const xg::Tensor& x) {
  if (x.dim() != 2 || x.shape()[1] != weight.numel()) {
    throw xg::Error("BatchNormLayer: expected an input [N, " + std::to_string(weight.numel()) + "], got " +
                    xg::to_string(x.shape()));
  }
  if (training && x.shape()[0] < 2) {
    throw xg::Error("BatchNormLayer: expected more than 1 example per feature when training, got " +
                    xg::to_string(x.shape()));
  }
  BatchNormForward forward =
      training ? batch_norm_train(x.data(), weight.data(), bias.data(), running_mean.data(), running_var.data(),
                                  momentum, eps)
               : batch_norm_eval(x.data(), weight.data(), bias.data(), running_mean.data(), running_var.data(), eps);
  xg::Array output = std::move(forward.output);
  return xg::record("batch_norm", std::move(output), {x, weight, bias},
                    [saved = std::move(forward), training = training](xg::BackwardContext& ctx) {
                      BatchNormGradients g = batch_norm_backward(ctx.grad, ctx.input(0), ctx.input(1), saved, training);
                      if (ctx.needs_grad(0)) ctx.accumulate(0, std::move(g.x));
                      if (ctx.needs_grad(1)) ctx.accumulate(1, std::move(g.weight));
                      if (ctx.needs_grad(2)) ctx.accumulate(2, std::move(g.bias));
                    });
}

}  // namespace course
