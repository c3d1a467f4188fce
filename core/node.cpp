#include <xgrad/core/node.hpp>

#include <xgrad/core/error.hpp>

#include <xtensor/xreducer.hpp>

#include <algorithm>

namespace xg {

namespace {

// Destroying an output destroys its node, which destroys its inputs, whose nodes destroy theirs...
// Done naively that recursion is as deep as the graph (libtorch's deleteNode comment): a chain of
// 100,000 ops overflows the stack. Instead, nodes that would die with their last owner are moved onto
// a local list and their inputs released one at a time in a loop.
void release_without_recursion(std::vector<Tensor>& inputs) {
  std::vector<std::shared_ptr<Node>> orphans;
  auto adopt_orphans = [&orphans](std::vector<Tensor>& tensors) {
    for (Tensor& tensor : tensors) {
      const std::shared_ptr<TensorImpl>& impl = tensor.impl();
      if (impl && impl.use_count() == 1 && impl->grad_fn) orphans.push_back(std::move(impl->grad_fn));
    }
    tensors.clear();  // each impl dies here with an empty grad_fn: no recursion
  };
  adopt_orphans(inputs);
  while (!orphans.empty()) {
    std::shared_ptr<Node> node = std::move(orphans.back());
    orphans.pop_back();
    if (node.use_count() == 1) adopt_orphans(node->inputs);
  }  // each node dies at the end of its iteration with no inputs left
}

thread_local bool grad_mode_enabled = true;

}  // namespace

TensorImpl::~TensorImpl() {
  if (grad_fn && grad_fn.use_count() == 1) release_without_recursion(grad_fn->inputs);
}

Node::~Node() { release_without_recursion(inputs); }

void Node::release() {
  release_without_recursion(inputs);
  backward = nullptr;
  released = true;
}

bool GradMode::is_enabled() { return grad_mode_enabled; }
void GradMode::set_enabled(bool enabled) { grad_mode_enabled = enabled; }

bool should_record(OpInputs inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& input : inputs) {
    if (input.requires_grad()) return true;
  }
  return false;
}

Tensor record(const char* op, Array&& output, OpInputs inputs, BackwardFn backward) {
  Tensor result(std::move(output));
  if (!should_record(inputs)) return result;
  auto node = std::make_shared<Node>();
  node->op = op;
  node->inputs.assign(inputs.begin(), inputs.end());
  node->backward = std::move(backward);
  result.impl()->requires_grad = true;
  result.impl()->grad_fn = std::move(node);
  return result;
}

namespace {

// Whether `shape` keeps the leading dimensions of `grad_shape` and is 1 in all the others, like
// [N, 1] under [N, M] or [] under anything: each contiguous trailing block of the gradient then sums
// into one element.
bool keeps_leading_dims(const Shape& shape, const Shape& grad_shape) {
  const std::size_t extra = grad_shape.size() - shape.size();  // dimensions broadcasting prepended
  std::size_t kept = 0;
  while (kept < shape.size() && extra == 0 && shape[kept] == grad_shape[kept]) ++kept;
  return std::all_of(shape.begin() + static_cast<long>(kept), shape.end(), [](std::size_t size) { return size == 1; });
}

// The sum of n contiguous floats, kept in 8 interleaved partial sums: independent additions the
// compiler can vectorize (one running sum cannot be reordered without -ffast-math).
float sum_contiguous(const float* x, std::size_t n) {
  float lanes[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (std::size_t k = 0; k < 8; ++k) lanes[k] += x[i + k];
  }
  double total = 0.0;
  for (float lane : lanes) total += lane;
  for (; i < n; ++i) total += x[i];
  return static_cast<float>(total);
}

}  // namespace

Array sum_to_shape(Array grad, const Shape& shape) {
  const Shape grad_shape = shape_of(grad);
  if (grad_shape == shape) return grad;
  const std::size_t size = numel_of(shape);
  // The common cases are plain loops. The bias row, [N, M] -> [M] (or [1, M]): column sums, row after
  // row, vectorized across the columns.
  if (size > 1 && repeats_along_leading_dims(shape, grad_shape)) {
    Array out = xt::zeros<float>(shape);
    float* total = out.data();
    const float* g = grad.data();
    for (std::size_t start = 0; start < grad.size(); start += size) {
      for (std::size_t j = 0; j < size; ++j) total[j] += g[start + j];
    }
    return out;
  }
  // [N, M] -> [N, 1], and anything -> a scalar: a sum per contiguous block (xtensor's reducer is
  // several times slower on these).
  if (size > 0 && keeps_leading_dims(shape, grad_shape)) {
    const std::size_t block = grad.size() / size;
    Array out = Array::from_shape(shape);
    for (std::size_t i = 0; i < size; ++i) out.data()[i] = sum_contiguous(grad.data() + i * block, block);
    return out;
  }
  // Any other broadcast prepended dimensions on the left and stretched size-1 dimensions: sum those away.
  const std::size_t extra = grad_shape.size() - shape.size();
  std::vector<std::size_t> axes;
  for (std::size_t axis = 0; axis < grad_shape.size(); ++axis) {
    if (axis < extra || (shape[axis - extra] == 1 && grad_shape[axis] != 1)) axes.push_back(axis);
  }
  Array reduced = xt::sum(grad, axes, xt::evaluation_strategy::immediate);
  reduced.reshape(shape);
  return reduced;
}

}  // namespace xg
