#pragma once
// Adagrad (Duchi et al.), as torch.optim.Adagrad (1.13):
//   g = grad + weight_decay * w
//   sum = sum + g^2                      (sum starts at initial_accumulator_value)
//   w = w - clr * g / (sqrt(sum) + eps),  clr = lr / (1 + (t - 1) * lr_decay)
// with t the parameter's own step count. Defaults lr 1e-2, eps 1e-10.
// (torch creates the state when the optimizer is built; we create it on a parameter's first step, with
// the same values, so the numbers agree.) Per-element formula: functional::adagrad_update.

#include <xgrad/optim/optimizer.hpp>

namespace xg::optim {

class AdagradOptions : public OptimizerOptions {
 public:
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT(google-explicit-constructor): as libtorch

  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdagradOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  void set_hyperparameter(const std::string& name, double value) override;
  // lr, lr_decay, weight_decay, initial_accumulator_value, eps all >= 0.
  void validate() const override;

  XG_ARG(double, lr);
  XG_ARG(double, lr_decay) = 0;
  XG_ARG(double, weight_decay) = 0;
  XG_ARG(double, initial_accumulator_value) = 0;
  XG_ARG(double, eps) = 1e-10;
  XG_ARG(bool, maximize) = false;
};

class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<Tensor> params, AdagradOptions defaults = {});
  Adagrad(std::vector<OptimizerParamGroup> groups, AdagradOptions defaults = {});

  void step() override;
  std::string name() const override { return "Adagrad"; }
  std::vector<std::string> state_buffer_names() const override { return {"sum"}; }
};

}  // namespace xg::optim
