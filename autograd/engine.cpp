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

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace xg {

namespace {

using ImplPtr = std::shared_ptr<TensorImpl>;

// Each backward pass gets a number of its own; a node stamped with it was reached in this pass.
// (Atomic, so that passes on different threads over different graphs never share a number.)
std::uint64_t new_pass_number() {
  static std::atomic<std::uint64_t> passes{0};
  return ++passes;
}

// Tensors reachable from `root` through grad_fn links, each after every tensor made from it. Sets
// each node's `position` to its place in this order.
std::vector<ImplPtr> topological_order(const ImplPtr& root, std::uint64_t pass) {
  std::vector<ImplPtr> order;  // built inputs first, reversed at the end
  // Each frame: a tensor's handle (the root's, or one in the inputs of the frame below) and how many
  // of its node's inputs we have already descended into. Nothing changes the graph during the walk,
  // so the pointers stay valid.
  std::vector<std::pair<const ImplPtr*, std::size_t>> stack;
  stack.emplace_back(&root, 0);
  root->grad_fn->visited_in_pass = pass;
  while (!stack.empty()) {
    auto& [impl, next_input] = stack.back();
    const std::vector<Tensor>& inputs = (*impl)->grad_fn->inputs;
    if (next_input < inputs.size()) {
      const ImplPtr& input = inputs[next_input++].impl();
      // Leaves and tensors that need no gradient end the walk: nothing flows past them.
      if (input->grad_fn && input->requires_grad && input->grad_fn->visited_in_pass != pass) {
        input->grad_fn->visited_in_pass = pass;
        stack.emplace_back(&input, 0);
      }
    } else {
      // A handle of our own: releasing nodes during the pass may drop every other owner of a tensor
      // whose turn is still to come.
      order.push_back(*impl);
      stack.pop_back();
    }
  }
  std::reverse(order.begin(), order.end());
  for (std::size_t position = 0; position < order.size(); ++position) order[position]->grad_fn->position = position;
  return order;
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

}  // namespace

// One backward pass: the tensors in order, and the gradient gathered so far for each non-leaf among
// them (gathered_[k] belongs to order_[k]; a node's `position` says which k is its tensor's).
class BackwardPass {
 public:
  BackwardPass(const ImplPtr& root, Array seed) : order_(topological_order(root, new_pass_number())) {
    gathered_.resize(order_.size());
    gathered_[0] = {std::move(seed), true};  // the root comes first
  }

  void run(bool retain_graph) {
    // Refuse a freed graph before any gradient moves, so that a failed call changes nothing.
    for (const ImplPtr& impl : order_) {
      if (impl->grad_fn->released) {
        throw Error("backward: trying to go through the graph of '" + impl->grad_fn->op +
                    "' a second time, but its saved values were freed by the first backward; call "
                    "backward(retain_graph=true) the first time if you need to backward twice");
      }
    }
    for (std::size_t k = 0; k < order_.size(); ++k) {
      if (!gathered_[k].present) continue;  // no path carried a gradient here
      const Array grad = std::move(gathered_[k].grad);
      gathered_[k] = {};
      TensorImpl& impl = *order_[k];
      Node& node = *impl.grad_fn;
      if (impl.retains_grad) accumulate_into_leaf(impl, Array(grad));
      BackwardContext context(grad, impl.data, node.inputs, *this);
      node.backward(context);
      if (!retain_graph) node.release();
    }
  }

  // Adds a share of dL/d(input) to what `input` has gathered: into .grad for a leaf, into its slot
  // for a non-leaf (whose own turn comes later in the order).
  void accumulate(TensorImpl& input, Array&& share) {
    if (!input.requires_grad) return;
    if (!same_shape(share, input.data)) share = sum_to_shape(std::move(share), shape_of(input.data));
    if (!input.grad_fn) {
      accumulate_into_leaf(input, std::move(share));
      return;
    }
    Gathered& slot = gathered_[input.grad_fn->position];
    if (slot.present) {
      add_into(slot.grad, share);
    } else {
      slot = {std::move(share), true};
    }
  }

  // Where a share of dL/d(input) can be added in place, if `input` already holds a gradient.
  float* accumulation_buffer(TensorImpl& input) {
    if (!input.requires_grad) return nullptr;
    if (!input.grad_fn) return input.has_grad && same_shape(input.grad, input.data) ? input.grad.data() : nullptr;
    Gathered& slot = gathered_[input.grad_fn->position];
    return slot.present ? slot.grad.data() : nullptr;
  }

 private:
  struct Gathered {
    Array grad;
    bool present = false;
  };
  std::vector<ImplPtr> order_;
  std::vector<Gathered> gathered_;
};

void BackwardContext::accumulate(std::size_t i, Array&& grad) const {
  pass_.accumulate(*inputs_[i].impl(), std::move(grad));
}

float* BackwardContext::accumulation_buffer(std::size_t i) const {
  return pass_.accumulation_buffer(*inputs_[i].impl());
}

namespace {

void run_backward(const ImplPtr& root, Array seed, bool retain_graph) {
  if (!root->grad_fn) {  // backward() on a leaf: its gradient is the seed itself
    accumulate_into_leaf(*root, std::move(seed));
    return;
  }
  BackwardPass(root, std::move(seed)).run(retain_graph);
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
  if (!same_shape(grad, self.data)) {
    throw Error("backward: expected a gradient of shape " + to_string(shape_of(self.data)) + ", got " +
                to_string(shape_of(grad)));
  }
  run_backward(impl_, Array(grad), retain_graph);
}

}  // namespace xg
