#pragma once
// NAdam (Dozat, "Incorporating Nesterov Momentum into Adam"), as torch.optim.NAdam (1.13):
//   g = grad + weight_decay * w
//   m = beta1 * m + (1 - beta1) * g            v = beta2 * v + (1 - beta2) * g^2
//   mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)),  mu_product = mu_1 * ... * mu_t
//   w = w - lr * (1 - mu_t) / (1 - mu_product) * g / denom
//         - lr * mu_{t+1} / (1 - mu_product * mu_t * mu_{t+1}) * m / denom,   denom = sqrt(v / (1 - beta2^t)) + eps
// The paper's second denominator is 1 - mu_product * mu_{t+1}; torch 1.13 multiplies by mu_t once more
// (a slip later versions fixed), and xgrad follows 1.13, whose numbers it is tested against.
// with t the parameter's own step count. Defaults lr 2e-3, momentum_decay 4e-3; torch 1.13's NAdam
// has no maximize. Per-element formula: functional::nadam_update.

#include <xgrad/optim/optimizer.hpp>

namespace xg::optim {

struct NAdamOptions : OptimizerOptionsOf<NAdamOptions> {
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  NAdamOptions(double lr = 2e-3) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(Betas, betas, {0.9, 0.999});
  XG_ARG(double, eps, 1e-8);
  XG_ARG(double, weight_decay, 0);
  XG_ARG(double, momentum_decay, 4e-3);

  static constexpr const char* optimizer = "NAdam";
  static const HyperparameterTable<NAdamOptions> table;  // nadam.cpp: the names a state file keeps
  // Adam's checks, and momentum_decay >= 0.
  void validate() const override;
};

class NAdam : public OptimizerWith<NAdamOptions> {
 public:
  using OptimizerWith::OptimizerWith;
  std::vector<std::string> state_buffer_names() const override { return {"mu_product", "exp_avg", "exp_avg_sq"}; }
  std::vector<std::string> state_scalar_names() const override { return {"mu_product"}; }

 private:
  void update(const NAdamOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const override;
};

}  // namespace xg::optim
