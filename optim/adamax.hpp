#pragma once
// Adamax (Kingma & Ba, section 7: Adam with the infinity norm), as torch.optim.Adamax (1.13):
//   g = grad + weight_decay * w
//   m = beta1 * m + (1 - beta1) * g
//   u = max(beta2 * u, |g| + eps)          (torch: amax over cat of [exp_inf * beta2, |g| + eps])
//   w = w - lr / (1 - beta1^t) * m / u
// with t the parameter's own step count. Default lr 2e-3. Per-element formula: functional::adamax_update.

#include <xgrad/optim/optimizer.hpp>

namespace xg::optim {

class AdamaxOptions : public BetasOptionsOf<AdamaxOptions> {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  AdamaxOptions(double lr = 2e-3) : BetasOptionsOf("Adamax", lr) {}
  // Adam's checks.
  void validate() const override;

  XG_HYPERPARAMETER(double, eps, 1e-8);
  XG_HYPERPARAMETER(double, weight_decay, 0);
  XG_HYPERPARAMETER(bool, maximize, false);
};

class Adamax : public Optimizer {
 public:
  Adamax(std::vector<Tensor> params, AdamaxOptions defaults = {});
  Adamax(std::vector<OptimizerParamGroup> groups, AdamaxOptions defaults = {});

  using Optimizer::step;  // step(closure)
  void step() override;
  std::string name() const override { return "Adamax"; }
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_inf"}; }
};

}  // namespace xg::optim
