// Exercise 08, the reference solution.
#include "engine.hpp"

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace course {

namespace {

bool wants_gradient(const xg::Tensor& t) { return t.requires_grad(); }

// Adds `share` into `total`, element by element (same shapes).
void add_into(xg::Array& total, const xg::Array& share) {
  for (std::size_t i = 0; i < total.size(); ++i) total.data()[i] += share.data()[i];
}

}  // namespace

// Depth-first with an explicit stack of (tensor, how many of its inputs we have descended into): a
// tensor is finished, and appended, once all its inputs are; reversed, that puts each tensor before
// its inputs. Recursion would overflow the call stack on a 100,000-op chain.
std::vector<xg::Tensor> topological_order(const xg::Tensor& root) {
  std::vector<xg::Tensor> finished;
  if (!wants_gradient(root)) return finished;
  std::unordered_set<const xg::TensorImpl*> seen = {root.id()};
  std::vector<std::pair<xg::Tensor, std::size_t>> stack = {{root, 0}};
  while (!stack.empty()) {
    auto& [tensor, next_input] = stack.back();
    const std::size_t inputs = tensor.grad_fn() ? tensor.grad_fn()->inputs.size() : 0;
    if (next_input < inputs) {
      const xg::Tensor input = tensor.grad_fn()->inputs[next_input++];
      if (wants_gradient(input) && seen.insert(input.id()).second) stack.emplace_back(input, 0);
    } else {
      finished.push_back(tensor);
      stack.pop_back();
    }
  }
  std::reverse(finished.begin(), finished.end());
  return finished;
}

// Walks the order once. A tensor's gradient is complete when its turn comes, since every tensor made
// from it came earlier and has handed it its share.
void backward(const xg::Tensor& root) {
  if (root.numel() != 1) {
    throw xg::Error("course::backward: the root must have one element, got shape " + xg::to_string(root.shape()));
  }
  std::unordered_map<const xg::TensorImpl*, xg::Array> gathered;
  gathered.emplace(root.id(), xt::ones<float>(root.data().shape()));
  for (const xg::Tensor& tensor : topological_order(root)) {
    const auto found = gathered.find(tensor.id());
    if (found == gathered.end()) continue;  // no path carried a gradient here
    const xg::Array& grad = found->second;
    // Leaves keep theirs, adding to what earlier backward calls left: that is why training loops call
    // zero_grad(). A non-leaf keeps its own only when it asked (retain_grad).
    if (tensor.is_leaf() || tensor.impl()->retains_grad) {
      xg::Tensor keeper = tensor;
      if (keeper.has_grad()) {
        add_into(keeper.mutable_grad(), grad);
      } else {
        keeper.set_grad(grad);
      }
    }
    if (tensor.is_leaf()) continue;
    const std::vector<std::optional<xg::Array>> shares = run_op_backward(tensor, grad);
    const std::vector<xg::Tensor>& inputs = tensor.grad_fn()->inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (!shares[i]) continue;
      // Summed over every use: x * x hands x two shares.
      auto [slot, first] = gathered.try_emplace(inputs[i].id(), *shares[i]);
      if (!first) add_into(slot->second, *shares[i]);
    }
  }
}

}  // namespace course
