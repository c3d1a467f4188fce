// The backward engine: Tensor::backward().
//
// 1. Order the graph behind the output so that every tensor comes before the inputs it was made from
//    (a topological order, found with an explicit stack: recursion would overflow on deep graphs).
// 2. Walk that order once. Each tensor's gradient is complete when we reach it, because every tensor
//    made from it came earlier; its node's backward then hands each input its share.
// Leaves add their share to .grad (accumulating across calls, as in PyTorch). Non-leaves keep theirs
// only in this pass, unless retain_grad() asked to keep it.

#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace xg {

namespace {

using ImplPtr = std::shared_ptr<TensorImpl>;

// Each backward pass gets a number of its own; a node stamped with it was reached in this pass.
// (Atomic, so that passes on different threads over different graphs never share a number.)
std::uint64_t new_pass_number() {
  static std::atomic<std::uint64_t> passes{0};
  return ++passes;
}

// The vectors one backward pass works in. A pass borrows them from the previous pass on its thread and
// gives them back emptied but with their capacity, so that after the first step of a training loop
// backward() allocates nothing for its bookkeeping. (A pass run inside another on the same thread,
// which xgrad never does, would find nothing to borrow and allocate its own.)
struct PassBuffers {
  std::vector<ImplPtr> order;  // the tensors in topological order
  // The walk's stack. Each frame: a tensor's handle (the root's, or one in the inputs of the frame
  // below) and how many of its node's inputs we have already descended into.
  std::vector<std::pair<const ImplPtr*, std::size_t>> stack;
  std::vector<std::optional<Array>> gathered;  // gathered[k]: the gradient gathered for order[k]

  void clear() {
    order.clear();  // drops the pass's handles: the buffers must not keep tensors alive
    stack.clear();
    gathered.clear();
  }
};

// Buffers of graphs up to this many tensors are kept for the next pass; a bigger graph's are freed
// (a 100,000-op chain would otherwise hold on to 25 MB).
constexpr std::size_t kMaxKeptPassSize = 4096;
thread_local PassBuffers spare_pass_buffers;

// Fills `buffers.order` with the tensors reachable from `root` through grad_fn links, each after every
// tensor made from it, and sets each node's `position` to its place in that order.
void topological_order(const ImplPtr& root, std::uint64_t pass, PassBuffers& buffers) {
  std::vector<ImplPtr>& order = buffers.order;  // built inputs first, reversed at the end
  // Nothing changes the graph during the walk, so the stack's pointers stay valid.
  auto& stack = buffers.stack;
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
}

void add_into(Array& total, const Array& more) {
  float* out = total.data();
  const float* in = more.data();
  const std::size_t n = total.size();
  for (std::size_t i = 0; i < n; ++i) out[i] += in[i];
}

// Adds `grad` to a leaf's .grad, creating it on first use.
void accumulate_into_leaf(TensorImpl& leaf, Array&& grad) {
  if (leaf.grad) {
    add_into(*leaf.grad, grad);
  } else {
    leaf.grad = std::move(grad);
  }
}

}  // namespace

// One backward pass: the tensors in order, and the gradient gathered so far for each non-leaf among
// them (a node's `position` says which slot is its tensor's). The root's gradient is the caller's
// seed, read where the caller keeps it.
class BackwardPass {
 public:
  explicit BackwardPass(const ImplPtr& root) : buffers_(std::move(spare_pass_buffers)) {
    topological_order(root, new_pass_number(), buffers_);
    buffers_.gathered.resize(buffers_.order.size());
  }

  ~BackwardPass() {
    buffers_.clear();
    if (buffers_.gathered.capacity() <= kMaxKeptPassSize) spare_pass_buffers = std::move(buffers_);
  }

  BackwardPass(const BackwardPass&) = delete;
  BackwardPass& operator=(const BackwardPass&) = delete;

  // Whether this pass writes to `array` (it is the .grad of a tensor in the graph), so that a seed
  // that is one of them, as in y.backward(x.grad()), must be copied before the pass reads it.
  bool writes_to(const Array& array) const {
    const auto is_its_grad = [&array](const TensorImpl& impl) { return impl.grad && &*impl.grad == &array; };
    for (const ImplPtr& impl : buffers_.order) {
      if (is_its_grad(*impl)) return true;
      for (const Tensor& input : impl->grad_fn->inputs) {
        if (is_its_grad(*input.impl())) return true;
      }
    }
    return false;
  }

  void run(const Array& seed, bool retain_graph) {
    const std::vector<ImplPtr>& order = buffers_.order;
    // Refuse a freed graph before any gradient moves, so that a failed call changes nothing.
    for (const ImplPtr& impl : order) {
      if (impl->grad_fn->released) {
        throw Error("backward: trying to go through the graph of '" + impl->grad_fn->op +
                    "' a second time, but its saved values were freed by the first backward; call "
                    "backward(retain_graph=true) the first time if you need to backward twice");
      }
    }
    count_hooked_leaf_uses();
    for (std::size_t k = 0; k < order.size(); ++k) {
      std::optional<Array>& slot = buffers_.gathered[k];
      if (k > 0 && !slot) {  // no path carried a gradient here
        if (!hooked_uses_.empty()) done_with_inputs(*order[k]->grad_fn);
        continue;
      }
      const Array& grad = k == 0 ? seed : *slot;  // the root comes first
      TensorImpl& impl = *order[k];
      Node& node = *impl.grad_fn;
      if (impl.retains_grad) accumulate_into_leaf(impl, Array(grad));
      // The backward adds only to the slots of tensors later in the order: `grad` stays put.
      BackwardContext context(grad, impl.data, node.inputs, *this);
      node.backward(context);
      if (!hooked_uses_.empty()) done_with_inputs(node);
      if (!retain_graph) node.release();
      slot.reset();  // used up: free it now rather than at the end of the pass
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
    std::optional<Array>& slot = buffers_.gathered[input.grad_fn->position];
    if (slot) {
      add_into(*slot, share);
    } else {
      slot = std::move(share);
    }
  }

  // Where a share of dL/d(input) can be added in place, if `input` already holds a gradient.
  float* accumulation_buffer(TensorImpl& input) {
    if (!input.requires_grad) return nullptr;
    if (!input.grad_fn) return input.grad && same_shape(*input.grad, input.data) ? input.grad->data() : nullptr;
    std::optional<Array>& slot = buffers_.gathered[input.grad_fn->position];
    return slot ? slot->data() : nullptr;
  }

 private:
  static bool has_hooks(const TensorImpl& input) {
    return !input.grad_fn && input.requires_grad && !input.post_accumulate_grad_hooks.empty();
  }

  // For each leaf with post-accumulate-grad hooks: how many nodes of this pass take it as an input.
  // Its gradient is final once the last of them has run (or been skipped).
  void count_hooked_leaf_uses() {
    hooked_uses_.clear();
    for (const ImplPtr& impl : buffers_.order) {
      for (const Tensor& input : impl->grad_fn->inputs) {
        if (has_hooks(*input.impl())) ++hooked_uses_[input.impl().get()];
      }
    }
  }

  void done_with_inputs(const Node& node) {
    for (const Tensor& input : node.inputs) {
      TensorImpl& leaf = *input.impl();
      if (!has_hooks(leaf) || --hooked_uses_[&leaf] != 0) continue;
      if (!leaf.grad) continue;  // no path reached it: nothing to report, as in torch
      // A copy of the list: a hook may remove itself.
      const auto hooks = leaf.post_accumulate_grad_hooks;
      for (const auto& hook : hooks) hook.second(input);
    }
  }

  PassBuffers buffers_;
  std::unordered_map<const TensorImpl*, std::size_t> hooked_uses_;
};

void BackwardContext::accumulate(std::size_t i, Array&& grad) const {
  pass_.accumulate(*inputs_[i].impl(), std::move(grad));
}

float* BackwardContext::accumulation_buffer(std::size_t i) const {
  return pass_.accumulation_buffer(*inputs_[i].impl());
}

namespace {

void run_backward(const ImplPtr& root, const Array& seed, bool retain_graph) {
  if (!root->grad_fn) {  // backward() on a leaf: its gradient is the seed itself
    accumulate_into_leaf(*root, Array(seed));
    return;
  }
  BackwardPass pass(root);
  if (pass.writes_to(seed)) {
    pass.run(Array(seed), retain_graph);
  } else {
    pass.run(seed, retain_graph);
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
  if (!same_shape(grad, self.data)) {
    throw Error("backward: expected a gradient of shape " + to_string(shape_of(self.data)) + ", got " +
                to_string(shape_of(grad)));
  }
  run_backward(impl_, grad, retain_graph);
}

}  // namespace xg
