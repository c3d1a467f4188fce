#include <xgrad/nn/mlp.hpp>

#include <xgrad/nn/activation.hpp>
#include <xgrad/nn/dropout.hpp>
#include <xgrad/nn/linear.hpp>
#include <xgrad/nn/normalization.hpp>

namespace xg::nn {

Activation activation_from_string(const std::string& name) {
  if (name == "relu") return Activation::ReLU;
  if (name == "leaky_relu") return Activation::LeakyReLU;
  if (name == "tanh") return Activation::Tanh;
  if (name == "sigmoid") return Activation::Sigmoid;
  if (name == "gelu") return Activation::GELU;
  throw Error("activation: unknown activation '" + name + "' (expected relu, leaky_relu, tanh, sigmoid or gelu)");
}

Norm norm_from_string(const std::string& name) {
  if (name == "none") return Norm::None;
  if (name == "batch") return Norm::Batch;
  if (name == "layer") return Norm::Layer;
  throw Error("norm: unknown norm '" + name + "' (expected none, batch or layer)");
}

std::shared_ptr<Module> make_activation(Activation activation) {
  switch (activation) {
    case Activation::ReLU:
      return std::make_shared<ReLUImpl>();
    case Activation::LeakyReLU:
      return std::make_shared<LeakyReLUImpl>();
    case Activation::Tanh:
      return std::make_shared<TanhImpl>();
    case Activation::Sigmoid:
      return std::make_shared<SigmoidImpl>();
    case Activation::GELU:
      return std::make_shared<GELUImpl>();
  }
  throw Error("make_activation: unknown activation");
}

MLPImpl::MLPImpl(const std::vector<std::size_t>& sizes, Activation activation, double dropout, Generator& generator)
    : MLPImpl(MLPOptions(sizes).activation(activation).dropout(dropout), generator) {}

MLPImpl::MLPImpl(const std::vector<std::size_t>& sizes, Activation activation, double dropout, Norm norm,
                 Generator& generator)
    : MLPImpl(MLPOptions(sizes).activation(activation).dropout(dropout).norm(norm), generator) {}

MLPImpl::MLPImpl(const MLPOptions& options, Generator& generator) : options(options) {
  const std::vector<std::size_t>& sizes = options.sizes();
  const double dropout = options.dropout();
  if (sizes.size() < 2) {
    throw Error("MLP: expected at least two sizes (input and output), got " + std::to_string(sizes.size()));
  }
  if (!(dropout >= 0.0 && dropout <= 1.0)) {
    throw Error("MLP: expected a dropout probability in [0, 1], got " + std::to_string(dropout));
  }
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) throw Error("MLP: size " + std::to_string(i) + " is 0; every layer needs at least one unit");
  }
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    push_back(std::make_shared<LinearImpl>(sizes[i], sizes[i + 1], true, generator));
    if (i + 2 == sizes.size()) break;  // the last Linear gives the logits
    if (options.norm() == Norm::Batch) push_back(std::make_shared<BatchNorm1dImpl>(sizes[i + 1]));
    if (options.norm() == Norm::Layer) push_back(std::make_shared<LayerNormImpl>(Shape{sizes[i + 1]}));
    push_back(make_activation(options.activation()));
    if (dropout > 0.0) push_back(std::make_shared<DropoutImpl>(dropout));
  }
}

}  // namespace xg::nn
