#pragma once
// Flatten: merges dimensions start_dim..end_dim into one, [N, 1, 28, 28] -> [N, 784] by default
// (PyTorch's torch.nn.Flatten). Negative dimensions count from the end.

#include <xgrad/nn/module.hpp>

namespace xg::nn {

class FlattenImpl : public Module {
 public:
  explicit FlattenImpl(long start_dim = 1, long end_dim = -1) : start_dim(start_dim), end_dim(end_dim) {}
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;

  long start_dim, end_dim;
};

XG_MODULE(Flatten);

}  // namespace xg::nn
