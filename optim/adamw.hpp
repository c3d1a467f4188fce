#pragma once
// AdamW (Loshchilov & Hutter), as torch.optim.AdamW (1.13): Adam with the weight decay taken out of
// the gradient and applied to the weights directly, before the Adam step, with the current lr:
//   w = w * (1 - lr * weight_decay)
//   then Adam's update without an L2 term (see adam.hpp).
// So the decay is not divided by sqrt(v): every weight shrinks at the same rate, whatever its gradient's
// history. Default weight_decay 1e-2. The update is Adam's with its decoupled-decay switch on
// (optim/detail/adam_step.hpp); per-element formula: functional::adamw_update / adamw_amsgrad_update.

#include <xgrad/optim/optimizer.hpp>

#include <string>
#include <vector>

namespace xg::optim {

// Adam's hyperparameters; only the default weight decay differs.
struct AdamWOptions : OptimizerOptionsOf<AdamWOptions> {
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  AdamWOptions(double lr = 1e-3) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(Betas, betas, {0.9, 0.999});
  XG_ARG(double, eps, 1e-8);
  XG_ARG(double, weight_decay, 1e-2);
  XG_ARG(bool, amsgrad, false);
  XG_ARG(bool, maximize, false);

  static constexpr const char* optimizer = "AdamW";
  static const HyperparameterTable<AdamWOptions> table;  // adamw.cpp: the names a state file keeps
  // Adam's checks.
  void validate() const override;
};

class AdamW : public OptimizerWith<AdamWOptions> {
 public:
  using OptimizerWith::OptimizerWith;
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}; }

 private:
  void update(const AdamWOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const override;
};

}  // namespace xg::optim
