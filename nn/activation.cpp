#include <xgrad/nn/activation.hpp>

#include <xgrad/autograd/ops.hpp>
#include <xgrad/nn/functional.hpp>

#include <ostream>

namespace xg::nn {

Tensor ReLUImpl::forward(const Tensor& input) { return relu(input); }
Tensor LeakyReLUImpl::forward(const Tensor& input) { return leaky_relu(input, static_cast<float>(negative_slope)); }
Tensor TanhImpl::forward(const Tensor& input) { return xg::tanh(input); }
Tensor SigmoidImpl::forward(const Tensor& input) { return sigmoid(input); }
Tensor GELUImpl::forward(const Tensor& input) { return gelu(input); }
Tensor ELUImpl::forward(const Tensor& input) { return functional::elu(input, alpha); }
Tensor SiLUImpl::forward(const Tensor& input) { return functional::silu(input); }
Tensor SoftplusImpl::forward(const Tensor& input) { return functional::softplus(input, beta, threshold); }
Tensor SoftmaxImpl::forward(const Tensor& input) { return functional::softmax(input, dim); }
Tensor LogSoftmaxImpl::forward(const Tensor& input) { return functional::log_softmax(input, dim); }
Tensor IdentityImpl::forward(const Tensor& input) { return input; }

void LeakyReLUImpl::pretty_print(std::ostream& out) const {
  out << "LeakyReLU(negative_slope=" << negative_slope << ")";
}
void ELUImpl::pretty_print(std::ostream& out) const { out << "ELU(alpha=" << alpha << ")"; }
void SoftplusImpl::pretty_print(std::ostream& out) const {
  out << "Softplus(beta=" << beta << ", threshold=" << threshold << ")";
}
void SoftmaxImpl::pretty_print(std::ostream& out) const { out << "Softmax(dim=" << dim << ")"; }
void LogSoftmaxImpl::pretty_print(std::ostream& out) const { out << "LogSoftmax(dim=" << dim << ")"; }

namespace functional {

// The activations' functional forms: the settings arrive as doubles, as torch's Python floats do,
// and the ops compute in float.
Tensor softmax(const Tensor& input, long dim) { return xg::softmax(input, dim); }
Tensor log_softmax(const Tensor& input, long dim) { return xg::log_softmax(input, dim); }
Tensor elu(const Tensor& input, double alpha) { return xg::elu(input, static_cast<float>(alpha)); }
Tensor silu(const Tensor& input) { return xg::silu(input); }
Tensor softplus(const Tensor& input, double beta, double threshold) {
  return xg::softplus(input, static_cast<float>(beta), static_cast<float>(threshold));
}

}  // namespace functional

}  // namespace xg::nn
