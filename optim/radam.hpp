#pragma once
// RAdam (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond"), as torch.optim.RAdam
// (1.13):
//   g = grad + weight_decay * w
//   m = beta1 * m + (1 - beta1) * g            v = beta2 * v + (1 - beta2) * g^2
//   rho_inf = 2 / (1 - beta2) - 1,  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
//   rho_t > 5:  w = w - lr * m / (1 - beta1^t) * sqrt(1 - beta2^t) / (sqrt(v) + eps) * rect
//               rect = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
//   otherwise:  w = w - lr * m / (1 - beta1^t)      (the first steps, while v is too noisy to divide by)
// with t the parameter's own step count (with the default beta2 the switch comes at t = 6). Default
// lr 1e-3; torch 1.13's RAdam has no maximize. Per-element formula: functional::radam_update.

#include <xgrad/optim/optimizer.hpp>

namespace xg::optim {

struct RAdamOptions : OptimizerOptionsOf<RAdamOptions> {
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  RAdamOptions(double lr = 1e-3) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(Betas, betas, {0.9, 0.999});
  XG_ARG(double, eps, 1e-8);
  XG_ARG(double, weight_decay, 0);

  static constexpr const char* optimizer = "RAdam";
  static const HyperparameterTable<RAdamOptions> table;  // radam.cpp: the names a state file keeps
  // Adam's checks.
  void validate() const override;
};

class RAdam : public OptimizerWith<RAdamOptions> {
 public:
  using OptimizerWith::OptimizerWith;
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq"}; }

 private:
  void update(const RAdamOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const override;
};

}  // namespace xg::optim
