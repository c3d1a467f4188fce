// The backward engine: Tensor::backward().
//
// 1. Order the graph behind the output so that every tensor comes before the inputs it was made from
//    (a topological order, found with an explicit stack: recursion would overflow on deep graphs).
// 2. Walk that order once. Each tensor's gradient is complete when we reach it, because every tensor
//    made from it came earlier; its node's backward then hands each input its share.
// Leaves add their share to .grad (accumulating across calls, as in PyTorch). Non-leaves keep theirs
// only in this pass, unless retain_grad() asked to keep it.

#include <xgrad/autograd/node.hpp>
#include <xgrad/core/error.hpp>

#include <unordered_map>
#include <unordered_set>

namespace xg {

namespace {

using ImplPtr = std::shared_ptr<TensorImpl>;

// Tensors reachable from `root` through grad_fn links, each after every tensor made from it.
std::vector<ImplPtr> topological_order(const ImplPtr& root) {
  std::vector<ImplPtr> post_order;  // inputs before the tensors made from them
  std::unordered_set<const TensorImpl*> visited;
  // Each frame: a tensor and how many of its node's inputs we have already descended into.
  std::vector<std::pair<ImplPtr, std::size_t>> stack;
  stack.emplace_back(root, 0);
  visited.insert(root.get());
  while (!stack.empty()) {
    auto& [impl, next_input] = stack.back();
    const std::vector<Tensor>& inputs = impl->grad_fn->inputs;
    if (next_input < inputs.size()) {
      const ImplPtr& input = inputs[next_input++].impl();
      // Leaves and tensors that need no gradient end the walk: nothing flows past them.
      if (input->grad_fn && input->requires_grad && visited.insert(input.get()).second) {
        stack.emplace_back(input, 0);
      }
    } else {
      post_order.push_back(impl);
      stack.pop_back();
    }
  }
  return {post_order.rbegin(), post_order.rend()};
}

void add_into(Array& total, const Array& more) {
  float* out = total.data();
  const float* in = more.data();
  const std::size_t n = total.size();
  for (std::size_t i = 0; i < n; ++i) out[i] += in[i];
}

// Adds `grad` to a leaf's .grad, creating it on first use.
void accumulate_into_leaf(TensorImpl& leaf, Array&& grad) {
  if (leaf.has_grad) {
    add_into(leaf.grad, grad);
  } else {
    leaf.grad = std::move(grad);
    leaf.has_grad = true;
  }
}

void run_backward(const ImplPtr& root, Array seed, bool retain_graph) {
  if (!root->grad_fn) {  // backward() on a leaf: its gradient is the seed itself
    accumulate_into_leaf(*root, std::move(seed));
    return;
  }
  const std::vector<ImplPtr> order = topological_order(root);
  // Refuse a freed graph before any gradient moves, so that a failed call changes nothing.
  for (const ImplPtr& impl : order) {
    if (impl->grad_fn->released) {
      throw Error("backward: trying to go through the graph of '" + impl->grad_fn->op +
                  "' a second time, but its saved values were freed by the first backward; call "
                  "backward(retain_graph=true) the first time if you need to backward twice");
    }
  }

  // Gradients of the non-leaf tensors, gathered during this pass only.
  std::unordered_map<const TensorImpl*, Array> pending;
  pending.emplace(root.get(), std::move(seed));

  for (const ImplPtr& impl : order) {
    auto found = pending.find(impl.get());
    if (found == pending.end()) continue;  // no path carried a gradient here
    Array grad = std::move(found->second);
    pending.erase(found);

    Node& node = *impl->grad_fn;
    if (impl->retains_grad) accumulate_into_leaf(*impl, Array(grad));

    const BackwardContext::Sink sink = [&node, &pending](std::size_t i, Array&& input_grad) {
      TensorImpl& input = *node.inputs[i].impl();
      if (!input.requires_grad) return;
      const Shape input_shape = shape_of(input.data);
      if (shape_of(input_grad) != input_shape) input_grad = sum_to_shape(std::move(input_grad), input_shape);
      if (!input.grad_fn) {
        accumulate_into_leaf(input, std::move(input_grad));
        return;
      }
      auto [slot, inserted] = pending.try_emplace(&input);
      if (inserted) {
        slot->second = std::move(input_grad);
      } else {
        add_into(slot->second, input_grad);
      }
    };
    BackwardContext context(grad, impl->data, node.inputs, sink);
    node.backward(context);
    if (!retain_graph) node.release();
  }
}

}  // namespace

void Tensor::backward(bool retain_graph) const {
  const TensorImpl& self = checked("backward");
  if (self.data.size() != 1) {
    throw Error("backward: a gradient can be created implicitly only for a one-element tensor, got shape " +
                to_string(shape_of(self.data)) + "; pass the gradient explicitly: backward(grad)");
  }
  backward(xt::ones<float>(self.data.shape()), retain_graph);
}

void Tensor::backward(const Array& grad, bool retain_graph) const {
  const TensorImpl& self = checked("backward");
  if (!self.requires_grad) {
    throw Error(
        "backward: the tensor does not require grad and has no grad_fn (did you forget "
        "requires_grad=true on an input, or run the forward pass under NoGradGuard?)");
  }
  if (shape_of(grad) != shape_of(self.data)) {
    throw Error("backward: expected a gradient of shape " + to_string(shape_of(self.data)) + ", got " +
                to_string(shape_of(grad)));
  }
  run_backward(impl_, Array(grad), retain_graph);
}

}  // namespace xg
