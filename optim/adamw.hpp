#pragma once
// AdamW (Loshchilov & Hutter), as torch.optim.AdamW (1.13): Adam with the weight decay taken out of
// the gradient and applied to the weights directly, before the Adam step, with the current lr:
//   w = w * (1 - lr * weight_decay)
//   then Adam's update without an L2 term (see adam.hpp).
// So the decay is not divided by sqrt(v): every weight shrinks at the same rate, whatever its gradient's
// history. Default weight_decay 1e-2. Per-element formula: functional::adamw_update.

#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/optimizer.hpp>

#include <tuple>

namespace xg::optim {

class AdamWOptions : public OptimizerOptions {
 public:
  using Betas = std::tuple<double, double>;    // (beta1, beta2)
  AdamWOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT(google-explicit-constructor): as libtorch

  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdamWOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  void set_hyperparameter(const std::string& name, double value) override;
  // As Adam: lr >= 0, eps >= 0, 0 <= beta1 < 1, 0 <= beta2 < 1, weight_decay >= 0.
  void validate() const override;

  XG_ARG(double, lr);
  XG_ARG(Betas, betas) = {0.9, 0.999};
  XG_ARG(double, eps) = 1e-8;
  XG_ARG(double, weight_decay) = 1e-2;
  XG_ARG(bool, amsgrad) = false;
  XG_ARG(bool, maximize) = false;
};

class AdamW : public Optimizer {
 public:
  AdamW(std::vector<Tensor> params, AdamWOptions defaults = {});
  AdamW(std::vector<OptimizerParamGroup> groups, AdamWOptions defaults = {});

  void step() override;
  std::string name() const override { return "AdamW"; }
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}; }
};

}  // namespace xg::optim
