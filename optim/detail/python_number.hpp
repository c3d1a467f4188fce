#pragma once
// Internal to LBFGS (lbfgs.cpp, strong_wolfe.cpp): a number as torch.optim.LBFGS's Python code holds
// it, either a Python float (a double) or a 0-d float32 tensor, with Python's and PyTorch's rules for
// mixing the two. torch's line search computes step sizes from both kinds (the losses are Python
// floats, the directional derivatives 0-d tensors), and which kind a result has decides its rounding:
//   float op float   -> float, in double                (Python)
//   tensor op tensor -> tensor, in float32
//   tensor op float  -> tensor: the float is rounded to float32 first, then the op in float32
//   float / tensor   -> tensor: reciprocal(tensor) * float (Tensor.__rtruediv__), two roundings
//   comparisons with a tensor on either side compare in float32
// min and max return one of their arguments, kind and all, as Python's do.

#include <cmath>

namespace xg::optim::detail {

class PyNumber {
 public:
  static PyNumber python(double value) { return PyNumber(value, false); }
  static PyNumber tensor(float value) { return PyNumber(value, true); }

  double value() const { return value_; }
  bool is_tensor() const { return is_tensor_; }
  // What a tensor op makes of it (a Python float given as a Scalar is rounded to float32).
  float as_float() const { return static_cast<float>(value_); }

  friend PyNumber operator+(PyNumber a, PyNumber b) {
    return mixed(a, b) ? tensor(a.as_float() + b.as_float()) : python(a.value_ + b.value_);
  }
  friend PyNumber operator-(PyNumber a, PyNumber b) {
    return mixed(a, b) ? tensor(a.as_float() - b.as_float()) : python(a.value_ - b.value_);
  }
  friend PyNumber operator*(PyNumber a, PyNumber b) {
    return mixed(a, b) ? tensor(a.as_float() * b.as_float()) : python(a.value_ * b.value_);
  }
  friend PyNumber operator/(PyNumber a, PyNumber b) {
    if (!mixed(a, b)) return python(a.value_ / b.value_);
    if (!a.is_tensor_) return tensor((1.0f / b.as_float()) * a.as_float());  // __rtruediv__
    return tensor(a.as_float() / b.as_float());
  }
  friend PyNumber operator-(PyNumber a) { return PyNumber(-a.value_, a.is_tensor_); }

  friend bool operator<(PyNumber a, PyNumber b) {
    return mixed(a, b) ? a.as_float() < b.as_float() : a.value_ < b.value_;
  }
  friend bool operator>(PyNumber a, PyNumber b) { return b < a; }
  friend bool operator<=(PyNumber a, PyNumber b) {
    return mixed(a, b) ? a.as_float() <= b.as_float() : a.value_ <= b.value_;
  }
  friend bool operator>=(PyNumber a, PyNumber b) { return b <= a; }

 private:
  PyNumber(double value, bool is_tensor) : value_(value), is_tensor_(is_tensor) {}
  static bool mixed(PyNumber a, PyNumber b) { return a.is_tensor_ || b.is_tensor_; }

  double value_;  // a tensor's value is a float32 value
  bool is_tensor_;
};

inline PyNumber abs(PyNumber a) {
  return a.is_tensor() ? PyNumber::tensor(std::fabs(a.as_float())) : PyNumber::python(std::fabs(a.value()));
}
// torch.sqrt of a 0-d tensor (the line search takes it only of tensors).
inline PyNumber sqrt(PyNumber a) {
  return a.is_tensor() ? PyNumber::tensor(std::sqrt(a.as_float())) : PyNumber::python(std::sqrt(a.value()));
}
// Python's min(a, b) and max(a, b): the first argument unless the second is strictly beyond it.
inline PyNumber min(PyNumber a, PyNumber b) { return b < a ? b : a; }
inline PyNumber max(PyNumber a, PyNumber b) { return b > a ? b : a; }

}  // namespace xg::optim::detail
