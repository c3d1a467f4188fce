#include <xgrad/nn/activation.hpp>

#include <xgrad/autograd/ops.hpp>

#include <ostream>

namespace xg::nn {

Tensor ReLUImpl::forward(const Tensor& input) { return relu(input); }
Tensor LeakyReLUImpl::forward(const Tensor& input) { return leaky_relu(input, static_cast<float>(negative_slope)); }
Tensor TanhImpl::forward(const Tensor& input) { return xg::tanh(input); }
Tensor SigmoidImpl::forward(const Tensor& input) { return sigmoid(input); }
Tensor GELUImpl::forward(const Tensor& input) { return gelu(input); }

void LeakyReLUImpl::pretty_print(std::ostream& out) const {
  out << "LeakyReLU(negative_slope=" << negative_slope << ")";
}

}  // namespace xg::nn
