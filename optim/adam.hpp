#pragma once
// Adam (Kingma & Ba), as torch.optim.Adam (1.13), with optional L2 weight decay and AMSGrad:
//   g = grad + weight_decay * w
//   m = beta1 * m + (1 - beta1) * g            v = beta2 * v + (1 - beta2) * g^2
//   w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// with t the parameter's own step count. AMSGrad uses max(v over all steps) in place of v.
// Per-element formula: functional::adam_update / adam_amsgrad_update.

#include <xgrad/optim/optimizer.hpp>

#include <tuple>

namespace xg::optim {

class AdamOptions : public OptimizerOptions {
 public:
  using Betas = std::tuple<double, double>;   // (beta1, beta2)
  AdamOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT(google-explicit-constructor): as libtorch

  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdamOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  void set_hyperparameter(const std::string& name, double value) override;
  // lr >= 0, eps >= 0, 0 <= beta1 < 1, 0 <= beta2 < 1, weight_decay >= 0.
  void validate() const override;

  XG_ARG(double, lr);
  XG_ARG(Betas, betas) = {0.9, 0.999};
  XG_ARG(double, eps) = 1e-8;
  XG_ARG(double, weight_decay) = 0;
  XG_ARG(bool, amsgrad) = false;
  XG_ARG(bool, maximize) = false;
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions defaults = {});
  Adam(std::vector<OptimizerParamGroup> groups, AdamOptions defaults = {});

  void step() override;
  std::string name() const override { return "Adam"; }
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}; }
};

// The checks Adam and AdamW share (torch.optim's own), naming `optimizer` in the message.
void validate_adam_hyperparameters(const char* optimizer, double lr, const std::tuple<double, double>& betas,
                                   double eps, double weight_decay);

}  // namespace xg::optim
