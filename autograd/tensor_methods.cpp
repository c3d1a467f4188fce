// The method forms declared on Tensor (core/tensor.hpp) forward to the free functions here, so that
// core/ itself includes nothing from autograd/.

#include <xgrad/autograd/ops.hpp>

namespace xg {

Tensor Tensor::sum() const { return xg::sum(*this); }
Tensor Tensor::sum(long axis, bool keepdim) const { return xg::sum(*this, axis, keepdim); }
Tensor Tensor::mean() const { return xg::mean(*this); }
Tensor Tensor::mean(long axis, bool keepdim) const { return xg::mean(*this, axis, keepdim); }
Tensor Tensor::matmul(const Tensor& other) const { return xg::matmul(*this, other); }
Tensor Tensor::reshape(const Shape& shape) const { return xg::reshape(*this, shape); }
Tensor Tensor::t() const { return xg::transpose(*this); }
Tensor Tensor::relu() const { return xg::relu(*this); }
Tensor Tensor::exp() const { return xg::exp(*this); }
Tensor Tensor::log() const { return xg::log(*this); }
Tensor Tensor::pow(float exponent) const { return xg::pow(*this, exponent); }

}  // namespace xg
