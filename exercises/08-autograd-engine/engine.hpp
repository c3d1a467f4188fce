#pragma once
// Exercise 08: the backward engine (README.md). Given: this header and run_op_backward() below. You
// write topological_order() and backward() in engine.cpp.

#include <xgrad/core/node.hpp>
#include <xgrad/core/tensor.hpp>

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace course {

// Every tensor the graph behind `root` reaches through grad_fn links and that requires grad, each
// once: `root` first, and every tensor before the tensors it was made from (its node's inputs).
// Leaves are in it (last among their users); constants, which need no gradient, are not. Yours.
std::vector<xg::Tensor> topological_order(const xg::Tensor& root);

// dL/d(every leaf), with L = `root` (one element, so dL/dL = 1): each leaf that requires grad gets its
// gradient added to its .grad (created on its first backward), summed over every use of it; so does a
// non-leaf that asked for it with retain_grad(). The graph is left as it is. Yours.
void backward(const xg::Tensor& root);

// Given: one use of the op that made `t`: its own backward function (as xgrad's engine calls it) run
// once with dL/dt = `grad` (t's shape). Entry i is input i's share, of input i's shape, or empty when
// input i needs no gradient. `t` must have an op (t.grad_fn() not null).
inline std::vector<std::optional<xg::Array>> run_op_backward(const xg::Tensor& t, const xg::Array& grad) {
  const xg::Node& node = *t.grad_fn();
  // The op's backward, run by xgrad's engine on a one-node graph: a copy of t made from stand-ins for
  // t's inputs (leaves with the same values), so that the shares land in the stand-ins' .grad.
  std::vector<xg::Tensor> stand_ins;
  for (const xg::Tensor& input : node.inputs) stand_ins.emplace_back(input.data(), input.requires_grad());
  xg::Tensor copy{xg::Array(t.data())};
  auto one_node = std::make_shared<xg::Node>();
  one_node->op = node.op;
  one_node->inputs = stand_ins;
  one_node->backward = [&node](xg::BackwardContext& ctx) { node.backward(ctx); };
  copy.impl()->requires_grad = true;
  copy.impl()->grad_fn = std::move(one_node);
  copy.backward(grad);
  std::vector<std::optional<xg::Array>> shares;
  for (const xg::Tensor& stand_in : stand_ins) {
    shares.push_back(stand_in.has_grad() ? std::optional<xg::Array>(stand_in.grad()) : std::nullopt);
  }
  return shares;
}

}  // namespace course
