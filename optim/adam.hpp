#pragma once
// Adam (Kingma & Ba), as torch.optim.Adam (1.13), with optional L2 weight decay and AMSGrad:
//   g = grad + weight_decay * w
//   m = beta1 * m + (1 - beta1) * g            v = beta2 * v + (1 - beta2) * g^2
//   w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// with t the parameter's own step count. AMSGrad uses max(v over all steps) in place of v.
// AdamW (adamw.hpp) is the same update with the weight decay applied to the weights instead; both
// run optim/detail/adam_step.hpp. Per-element formula: functional::adam_update / adam_amsgrad_update.

#include <xgrad/optim/optimizer.hpp>

#include <string>
#include <vector>

namespace xg::optim {

struct AdamOptions : OptimizerOptionsOf<AdamOptions> {
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  AdamOptions(double lr = 1e-3) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(Betas, betas, {0.9, 0.999});
  XG_ARG(double, eps, 1e-8);
  XG_ARG(double, weight_decay, 0);
  XG_ARG(bool, amsgrad, false);
  XG_ARG(bool, maximize, false);

  static constexpr const char* optimizer = "Adam";
  static const HyperparameterTable<AdamOptions> table;  // adam.cpp: the names a state file keeps
  // lr >= 0, eps >= 0, 0 <= beta1 < 1, 0 <= beta2 < 1, weight_decay >= 0.
  void validate() const override;
};

class Adam : public OptimizerWith<AdamOptions> {
 public:
  using OptimizerWith::OptimizerWith;
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}; }

 private:
  void update(const AdamOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const override;
};

}  // namespace xg::optim
