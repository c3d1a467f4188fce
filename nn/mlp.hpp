#pragma once
// MLP: a Sequential of Linear layers with an activation (and optionally a norm and Dropout) between them.
//
//   xg::nn::MLP net({784, 256, 128, 10}, xg::nn::Activation::ReLU, /*dropout=*/0.1);
//   // Linear(784, 256), ReLU, Dropout(0.1), Linear(256, 128), ReLU, Dropout(0.1), Linear(128, 10)
//   xg::nn::MLP normed({784, 256, 10}, xg::nn::Activation::ReLU, 0.1, xg::nn::Norm::Batch);
//   // Linear(784, 256), BatchNorm1d(256), ReLU, Dropout(0.1), Linear(256, 10)
//   xg::nn::MLP same(xg::nn::MLPOptions({784, 256, 10}).dropout(0.1).norm(xg::nn::Norm::Batch));
//
// Each hidden block is Linear -> norm -> activation -> dropout: the norm sees the Linear's output
// before the nonlinearity, as in the batch normalization paper and most MLP tutorials. (The Linear
// keeps its bias although BatchNorm1d's shift makes it redundant, so that the layers are the plain
// torch ones.) No norm, activation or dropout follows the last Linear: it produces logits for a loss
// such as CrossEntropyLoss. With dropout 0 no Dropout layers are added. Parameters are named like a
// Sequential's: "0.weight", "0.bias", "2.weight", ... (the activations hold none).

#include <xgrad/core/generator.hpp>
#include <xgrad/core/options.hpp>
#include <xgrad/nn/sequential.hpp>

#include <string>
#include <utility>
#include <vector>

namespace xg::nn {

enum class Activation { ReLU, LeakyReLU, Tanh, Sigmoid, GELU };
// The normalization after each hidden Linear: none, BatchNorm1d or LayerNorm (torch's defaults).
enum class Norm { None, Batch, Layer };

// "none", "batch", "layer"; throws xg::Error listing the valid names otherwise.
Norm norm_from_string(const std::string& name);

// "relu", "leaky_relu", "tanh", "sigmoid", "gelu" (what a command line gives); throws xg::Error
// listing the valid names otherwise.
Activation activation_from_string(const std::string& name);
// A new layer of that activation (LeakyReLU with its default slope 0.01).
std::shared_ptr<Module> make_activation(Activation activation);

// sizes: input, hidden..., output (at least two); required, so a list of sizes converts to options.
struct MLPOptions {
  MLPOptions(std::vector<std::size_t> sizes) : sizes_(std::move(sizes)) {}  // NOLINT: implicit on purpose
  XG_ARG(std::vector<std::size_t>, sizes, {});
  XG_ARG(Activation, activation, Activation::ReLU);
  XG_ARG(double, dropout, 0.0);  // after each hidden activation; 0 adds no Dropout layers
  XG_ARG(Norm, norm, Norm::None);
};

class MLPImpl : public SequentialImpl {
 public:
  // The initial weights are drawn from `generator` layer by layer; dropout masks come from the default
  // generator (so `generator` may be a local).
  explicit MLPImpl(const MLPOptions& options, Generator& generator = default_generator());
  // The options spelled out, as the first lines above show.
  explicit MLPImpl(const std::vector<std::size_t>& sizes, Activation activation = Activation::ReLU,
                   double dropout = 0.0, Generator& generator = default_generator());
  MLPImpl(const std::vector<std::size_t>& sizes, Activation activation, double dropout, Norm norm,
          Generator& generator = default_generator());

  MLPOptions options;
};

class MLP : public ModuleHolder<MLPImpl> {
 public:
  using ModuleHolder::ModuleHolder;
  // Spelled out so that a braced list of sizes works: MLP({784, 256, 10}).
  explicit MLP(const MLPOptions& options, Generator& generator = default_generator())
      : ModuleHolder(std::make_shared<MLPImpl>(options, generator)) {}
  explicit MLP(const std::vector<std::size_t>& sizes, Activation activation = Activation::ReLU, double dropout = 0.0,
               Generator& generator = default_generator())
      : ModuleHolder(std::make_shared<MLPImpl>(sizes, activation, dropout, generator)) {}
  MLP(const std::vector<std::size_t>& sizes, Activation activation, double dropout, Norm norm,
      Generator& generator = default_generator())
      : ModuleHolder(std::make_shared<MLPImpl>(sizes, activation, dropout, norm, generator)) {}
  const std::shared_ptr<Module>& operator[](std::size_t index) const { return (*this)->ptr(index); }
};

}  // namespace xg::nn
