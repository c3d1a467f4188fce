#include <xgrad/core/tensor.hpp>

#include <xgrad/core/error.hpp>

#include <xtensor/xio.hpp>

#include <algorithm>
#include <ostream>

namespace xg {

Shape shape_of(const Array& array) { return Shape(array.shape().begin(), array.shape().end()); }

bool same_shape(const Array& a, const Array& b) {
  return std::equal(a.shape().begin(), a.shape().end(), b.shape().begin(), b.shape().end());
}

Tensor::Tensor(Array values, bool requires_grad) : impl_(std::make_shared<TensorImpl>(std::move(values))) {
  impl_->requires_grad = requires_grad;
}

const TensorImpl& Tensor::checked(const char* what) const {
  if (!impl_) throw Error(std::string(what) + ": the tensor is undefined (default-constructed handle)");
  return *impl_;
}

TensorImpl& Tensor::checked(const char* what) {
  if (!impl_) throw Error(std::string(what) + ": the tensor is undefined (default-constructed handle)");
  return *impl_;
}

const Array& Tensor::data() const& { return checked("data").data; }
Array& Tensor::data() & { return checked("data").data; }
Array Tensor::data() && { return checked("data").data; }
Shape Tensor::shape() const { return shape_of(checked("shape").data); }
std::size_t Tensor::dim() const { return checked("dim").data.dimension(); }
std::size_t Tensor::numel() const { return checked("numel").data.size(); }

float Tensor::item() const {
  const Array& values = checked("item").data;
  if (values.size() != 1) {
    throw Error("item: expected a tensor with one element, got shape " + to_string(shape_of(values)) + " (" +
                std::to_string(values.size()) + " elements)");
  }
  return *values.data();
}

bool Tensor::has_grad() const { return checked("has_grad").grad.has_value(); }

const Array& Tensor::grad() const {
  const TensorImpl& impl = checked("grad");
  if (!impl.grad) {
    throw Error("grad: the tensor " + (impl.name.empty() ? std::string() : "'" + impl.name + "' ") + "of shape " +
                to_string(shape_of(impl.data)) + " has no gradient" +
                (impl.requires_grad ? " yet (call backward() first)" : " (it does not require grad)"));
  }
  return *impl.grad;
}

Array& Tensor::mutable_grad() {
  TensorImpl& impl = checked("mutable_grad");
  if (!impl.grad) impl.grad = xt::zeros<float>(impl.data.shape());
  return *impl.grad;
}

void Tensor::set_grad(Array grad) {
  TensorImpl& impl = checked("set_grad");
  if (!same_shape(grad, impl.data)) {
    throw Error("set_grad: expected a gradient of shape " + to_string(shape_of(impl.data)) + ", got " +
                to_string(shape_of(grad)));
  }
  impl.grad = std::move(grad);
}

void Tensor::zero_grad(bool set_to_none) {
  TensorImpl& impl = checked("zero_grad");
  if (set_to_none) {
    impl.grad.reset();
  } else if (impl.grad) {
    std::fill(impl.grad->begin(), impl.grad->end(), 0.0f);
  } else {
    mutable_grad();
  }
}

bool Tensor::requires_grad() const { return checked("requires_grad").requires_grad; }

Tensor& Tensor::requires_grad_(bool requires_grad) {
  TensorImpl& impl = checked("requires_grad_");
  if (impl.grad_fn && !requires_grad) {
    throw Error(
        "requires_grad_: cannot turn off requires_grad on a non-leaf tensor (use detach() to cut it from "
        "the graph)");
  }
  impl.requires_grad = requires_grad;
  return *this;
}

Tensor& Tensor::retain_grad() {
  TensorImpl& impl = checked("retain_grad");
  if (!impl.requires_grad) throw Error("retain_grad: the tensor does not require grad");
  if (impl.grad_fn) impl.retains_grad = true;  // a leaf keeps its gradient anyway
  return *this;
}

std::size_t Tensor::register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) {
  TensorImpl& impl = checked("register_post_accumulate_grad_hook");
  if (impl.grad_fn || !impl.requires_grad) {
    throw Error(std::string("register_post_accumulate_grad_hook: expected a leaf that requires grad, got ") +
                (impl.grad_fn ? "the result of an op" : "a leaf without requires_grad"));
  }
  static std::size_t next_id = 0;
  impl.post_accumulate_grad_hooks.emplace_back(++next_id, std::move(hook));
  return next_id;
}

void Tensor::remove_post_accumulate_grad_hook(std::size_t id) {
  auto& hooks = checked("remove_post_accumulate_grad_hook").post_accumulate_grad_hooks;
  hooks.erase(std::remove_if(hooks.begin(), hooks.end(), [id](const auto& hook) { return hook.first == id; }),
              hooks.end());
}

bool Tensor::is_leaf() const { return checked("is_leaf").grad_fn == nullptr; }

Tensor Tensor::detach() const { return Tensor(checked("detach").data, false); }

const std::shared_ptr<Node>& Tensor::grad_fn() const { return checked("grad_fn").grad_fn; }
const std::string& Tensor::name() const { return checked("name").name; }

Tensor& Tensor::set_name(std::string name) {
  checked("set_name").name = std::move(name);
  return *this;
}

std::ostream& operator<<(std::ostream& out, const Tensor& tensor) {
  if (!tensor.defined()) return out << "tensor(undefined)";
  out << "tensor(" << tensor.data();
  if (tensor.requires_grad()) out << ", requires_grad=true";
  return out << ")";
}

}  // namespace xg
