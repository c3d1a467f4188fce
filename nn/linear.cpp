#include <xgrad/nn/linear.hpp>

#include <xgrad/core/factories.hpp>
#include <xgrad/nn/functional.hpp>
#include <xgrad/nn/init.hpp>

#include <cmath>
#include <ostream>

namespace xg::nn {

LinearImpl::LinearImpl(std::size_t in_features, std::size_t out_features, bool bias, Generator& generator)
    : in_features(in_features), out_features(out_features) {
  if (in_features == 0 || out_features == 0) {
    throw Error("Linear: expected positive in_features and out_features, got " + std::to_string(in_features) + " and " +
                std::to_string(out_features));
  }
  weight = register_parameter("weight", zeros({out_features, in_features}));
  if (bias) this->bias = register_parameter("bias", zeros({out_features}));
  reset_parameters(generator);
}

void LinearImpl::reset_parameters(Generator& generator) {
  // kaiming_uniform_ with a = sqrt(5) makes the bound sqrt(3) * sqrt(2 / (1 + 5)) / sqrt(fan_in)
  // = 1 / sqrt(fan_in): PyTorch's choice, kept for reproduction.
  init::kaiming_uniform_(weight, std::sqrt(5.0), init::FanMode::FanIn, init::Nonlinearity::LeakyReLU, generator);
  if (bias.defined()) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in_features));
    init::uniform_(bias, -bound, bound, generator);
  }
}

Tensor LinearImpl::forward(const Tensor& input) { return functional::linear(input, weight, bias); }

void LinearImpl::pretty_print(std::ostream& out) const {
  out << "Linear(in_features=" << in_features << ", out_features=" << out_features
      << ", bias=" << (bias.defined() ? "true" : "false") << ")";
}

}  // namespace xg::nn
