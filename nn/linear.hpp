#pragma once
// Linear: y = x W^T + b, PyTorch's torch.nn.Linear.

#include <xgrad/core/generator.hpp>
#include <xgrad/nn/module.hpp>

namespace xg::nn {

class LinearImpl : public Module {
 public:
  // weight [out_features, in_features] and bias [out_features], both drawn from
  // U(-1/sqrt(in_features), 1/sqrt(in_features)) as PyTorch does (kaiming_uniform_ with a = sqrt(5)).
  LinearImpl(std::size_t in_features, std::size_t out_features, bool bias = true,
             Generator& generator = default_generator());

  // x [..., in_features] -> [..., out_features], one fused op (functional::linear).
  Tensor forward(const Tensor& input) override;
  // Draws fresh weights (and bias) from `generator`.
  void reset_parameters(Generator& generator = default_generator());
  void pretty_print(std::ostream& out) const override;

  std::size_t in_features, out_features;
  Tensor weight;
  Tensor bias;  // undefined when made with bias = false
};

XG_MODULE(Linear);

}  // namespace xg::nn
