#pragma once
// xg::Tensor: a cheap handle to float32 values, their gradient and the link to the op that made them.
// Copies of a handle share one TensorImpl, as in PyTorch: `Tensor b = a;` is the same tensor.
//
// The values live in an xt::xarray<float> (row-major, contiguous). A tensor and its backward pass are
// one idea (micrograd's Value), so both live in core: every differentiable op (autograd/) records a
// Node (core/node.hpp: its inputs and a backward function) as the new tensor's grad_fn, and
// Tensor::backward() (core/engine.cpp) walks those nodes from the output back to the leaves.

#include <xgrad/core/shape.hpp>

#include <xtensor/xarray.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace xg {

using Array = xt::xarray<float>;

// Class labels, one class index per sample: what the data package produces and the losses and
// metrics take. std::int64_t (libtorch's kLong, what CrossEntropyLoss takes) in a plain vector, not a
// Tensor: our tensors hold only float32, and a class index must not be a float.
using Labels = std::vector<std::int64_t>;

struct Node;  // core/node.hpp
class Tensor;

// What every handle to one tensor shares.
struct TensorImpl {
  explicit TensorImpl(Array&& values) : data(std::move(values)) {}

  Array data;
  // None until a backward pass reaches the tensor, as in PyTorch. (Optional rather than an empty
  // array: a default-constructed xarray is a scalar that allocates its element, which every tensor
  // an op makes would pay for.)
  std::optional<Array> grad;
  bool requires_grad = false;
  bool retains_grad = false;      // keep the gradient of a non-leaf (see Tensor::retain_grad)
  std::string name;               // optional, shown by to_dot and in printing
  std::shared_ptr<Node> grad_fn;  // the op that produced this tensor; null for a leaf
  // Called when a backward pass has finished adding to this leaf's .grad (Tensor's
  // register_post_accumulate_grad_hook), each under the number that removes it.
  std::vector<std::pair<std::size_t, std::function<void(const Tensor&)>>> post_accumulate_grad_hooks;

  ~TensorImpl();  // frees a long chain of nodes without recursing (core/node.cpp)
};

// The calls behind Tensor's method forms (below). Each takes an argument whose type is a template
// parameter, so its op is found by argument-dependent lookup where the method is used, in namespace
// xg among the ops of autograd/ops.hpp; without that header the call does not compile. (Inside
// Tensor itself an unqualified `sum(x)` would find the method Tensor::sum and look no further.)
namespace method_form {
// clang-format off
template <class T, class... A> auto call_sum(const T& x, A... a) { return sum(x, a...); }
template <class T, class... A> auto call_mean(const T& x, A... a) { return mean(x, a...); }
template <class T> auto call_matmul(const T& x, const T& y) { return matmul(x, y); }
template <class T, class S> auto call_reshape(const T& x, const S& shape) { return reshape(x, shape); }
template <class T> auto call_transpose(const T& x) { return transpose(x); }
template <class T> auto call_relu(const T& x) { return relu(x); }
template <class T> auto call_exp(const T& x) { return exp(x); }
template <class T> auto call_log(const T& x) { return log(x); }
template <class T> auto call_pow(const T& x, float exponent) { return pow(x, exponent); }
// clang-format on
}  // namespace method_form

class Tensor {
 public:
  // An undefined handle, like a default torch::Tensor; most methods throw on it.
  Tensor() = default;
  // A leaf holding these values.
  explicit Tensor(Array values, bool requires_grad = false);

  bool defined() const { return impl_ != nullptr; }

  // The values. Writing through data() records nothing in the graph (like `with torch.no_grad()`).
  // On a temporary handle, `f(x).data()`, it returns a copy: a reference could outlive the tensor
  // (`for (float v : f(x).data())` would read freed memory).
  const Array& data() const&;
  Array& data() &;
  Array data() &&;
  Shape shape() const;
  std::size_t dim() const;
  std::size_t numel() const;
  // The value of a one-element tensor; throws for any other.
  float item() const;

  // Gradient. grad() throws when no gradient exists yet; has_grad() says whether one does.
  // mutable_grad() creates a zero gradient when there is none (for optimizers and clipping).
  bool has_grad() const;
  const Array& grad() const;
  Array& mutable_grad();
  void set_grad(Array grad);
  // Drops the gradient (set_to_none) or fills it with zeros, keeping its buffer.
  void zero_grad(bool set_to_none = false);

  bool requires_grad() const;
  // Marks a leaf as needing a gradient; throws for a non-leaf (whose flag comes from its inputs).
  Tensor& requires_grad_(bool requires_grad = true);
  // A non-leaf's gradient is dropped during backward unless retain_grad() was called on it.
  Tensor& retain_grad();
  bool is_leaf() const;
  // Calls hook(leaf) in every backward pass once this leaf's .grad holds all of the pass's
  // contributions (torch's register_post_accumulate_grad_hook): while the pass still runs, so that
  // work on the gradient (sending it to other processes) can start before backward returns. Only for
  // a leaf that requires grad. Returns a number for remove_post_accumulate_grad_hook.
  std::size_t register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook);
  void remove_post_accumulate_grad_hook(std::size_t id);
  // A new leaf with a copy of the values and no graph behind it. (PyTorch shares the storage; we
  // copy, so that writing to one never silently changes values saved for another's backward.)
  Tensor detach() const;

  // Reverse-mode differentiation from this tensor (core/engine.cpp). With no `grad` the tensor
  // must hold one element and dL/dL = 1 is used. Leaf gradients accumulate over calls until zeroed.
  // The graph is freed afterwards unless retain_graph is true.
  void backward(bool retain_graph = false) const;
  void backward(const Array& grad, bool retain_graph = false) const;

  const std::shared_ptr<Node>& grad_fn() const;
  const std::string& name() const;
  Tensor& set_name(std::string name);

  // Method forms of common ops: x.sum() is xg::sum(x), x.matmul(w) is xg::matmul(x, w). The ops are
  // autograd's (autograd/ops.hpp), a layer above core, so these are templates whose calls are looked
  // up where a method is used: core builds and links without autograd, and a program that calls a
  // method form includes <xgrad/autograd/ops.hpp> (xgrad.hpp does). Leave the template argument be.
  template <class T = Tensor>
  Tensor sum() const {
    return method_form::call_sum(self<T>());
  }
  template <class T = Tensor>
  Tensor sum(long axis, bool keepdim = false) const {
    return method_form::call_sum(self<T>(), axis, keepdim);
  }
  template <class T = Tensor>
  Tensor mean() const {
    return method_form::call_mean(self<T>());
  }
  template <class T = Tensor>
  Tensor mean(long axis, bool keepdim = false) const {
    return method_form::call_mean(self<T>(), axis, keepdim);
  }
  template <class T = Tensor>
  Tensor matmul(const T& other) const {
    return method_form::call_matmul(self<T>(), other);
  }
  template <class T = Tensor>
  Tensor reshape(const Shape& shape) const {
    return method_form::call_reshape(self<T>(), shape);
  }
  template <class T = Tensor>
  Tensor t() const {
    return method_form::call_transpose(self<T>());
  }
  template <class T = Tensor>
  Tensor relu() const {
    return method_form::call_relu(self<T>());
  }
  template <class T = Tensor>
  Tensor exp() const {
    return method_form::call_exp(self<T>());
  }
  template <class T = Tensor>
  Tensor log() const {
    return method_form::call_log(self<T>());
  }
  template <class T = Tensor>
  Tensor pow(float exponent) const {
    return method_form::call_pow(self<T>(), exponent);
  }

  // Identity of the shared tensor (two handles to one tensor compare equal).
  const TensorImpl* id() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }

 private:
  // This handle as the type a method form was instantiated with (always Tensor), which makes the
  // method form's call depend on the template argument, so that it is looked up at the call site.
  template <class T>
  const T& self() const {
    return static_cast<const T&>(*this);
  }
  const TensorImpl& checked(const char* what) const;
  TensorImpl& checked(const char* what);

  std::shared_ptr<TensorImpl> impl_;
};

// Prints like PyTorch: tensor([[1, 2], [3, 4]], requires_grad=true)
std::ostream& operator<<(std::ostream& out, const Tensor& tensor);

// Shape of an xtensor array as our Shape type.
Shape shape_of(const Array& array);
// Whether two arrays have the same shape (without building a Shape for either).
bool same_shape(const Array& a, const Array& b);

}  // namespace xg
