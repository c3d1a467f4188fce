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

struct AdagradOptions : OptimizerOptionsOf<AdagradOptions> {
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(double, lr_decay, 0);
  XG_ARG(double, weight_decay, 0);
  XG_ARG(double, initial_accumulator_value, 0);
  XG_ARG(double, eps, 1e-10);
  XG_ARG(bool, maximize, false);

  static constexpr const char* optimizer = "Adagrad";
  static const HyperparameterTable<AdagradOptions> table;  // adagrad.cpp: the names a state file keeps
  // lr, lr_decay, weight_decay, initial_accumulator_value, eps all >= 0.
  void validate() const override;
};

class Adagrad : public OptimizerWith<AdagradOptions> {
 public:
  using OptimizerWith::OptimizerWith;
  std::vector<std::string> state_buffer_names() const override { return {"sum"}; }

 private:
  void update(const AdagradOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const override;
};

}  // namespace xg::optim
