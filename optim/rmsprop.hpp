#pragma once
// RMSprop (Hinton), as torch.optim.RMSprop (1.13):
//   g = grad + weight_decay * w
//   s = alpha * s + (1 - alpha) * g^2
//   centered: a = alpha * a + (1 - alpha) * g, and s - a^2 (a variance) is used in place of s
//   d = sqrt(s) + eps
//   momentum > 0: buf = momentum * buf + g / d, w = w - lr * buf;  else w = w - lr * g / d
// Defaults lr 1e-2, alpha 0.99, eps 1e-8. Per-element formula: functional::rmsprop_update.

#include <xgrad/optim/optimizer.hpp>

namespace xg::optim {

class RMSpropOptions : public OptimizerOptionsOf<RMSpropOptions> {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  RMSpropOptions(double lr = 1e-2) : OptimizerOptionsOf("RMSprop", lr) {}
  // lr, eps, momentum, weight_decay, alpha all >= 0 (torch checks no more than that).
  void validate() const override;

  XG_HYPERPARAMETER(double, alpha, 0.99);
  XG_HYPERPARAMETER(double, eps, 1e-8);
  XG_HYPERPARAMETER(double, weight_decay, 0);
  XG_HYPERPARAMETER(double, momentum, 0);
  XG_HYPERPARAMETER(bool, centered, false);
  XG_HYPERPARAMETER(bool, maximize, false);
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = {});
  RMSprop(std::vector<OptimizerParamGroup> groups, RMSpropOptions defaults = {});

  using Optimizer::step;  // step(closure)
  void step() override;
  std::string name() const override { return "RMSprop"; }
  std::vector<std::string> state_buffer_names() const override { return {"square_avg", "grad_avg", "momentum_buffer"}; }
};

}  // namespace xg::optim
