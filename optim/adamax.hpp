#pragma once
// Adamax (Kingma & Ba, section 7: Adam with the infinity norm), as torch.optim.Adamax (1.13):
//   g = grad + weight_decay * w
//   m = beta1 * m + (1 - beta1) * g
//   u = max(beta2 * u, |g| + eps)          (torch: amax over cat of [exp_inf * beta2, |g| + eps])
//   w = w - lr / (1 - beta1^t) * m / u
// with t the parameter's own step count. Default lr 2e-3. Per-element formula: functional::adamax_update.

#include <xgrad/optim/optimizer.hpp>

namespace xg::optim {

struct AdamaxOptions : OptimizerOptionsOf<AdamaxOptions> {
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  AdamaxOptions(double lr = 2e-3) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(Betas, betas, {0.9, 0.999});
  XG_ARG(double, eps, 1e-8);
  XG_ARG(double, weight_decay, 0);
  XG_ARG(bool, maximize, false);

  static constexpr const char* optimizer = "Adamax";
  static const HyperparameterTable<AdamaxOptions> table;  // adamax.cpp: the names a state file keeps
  // Adam's checks.
  void validate() const override;
};

class Adamax : public OptimizerWith<AdamaxOptions> {
 public:
  using OptimizerWith::OptimizerWith;
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_inf"}; }

 private:
  void update(const AdamaxOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const override;
};

}  // namespace xg::optim
