#pragma once
// AdamW (Loshchilov & Hutter), as torch.optim.AdamW (1.13): Adam with the weight decay taken out of
// the gradient and applied to the weights directly, before the Adam step, with the current lr:
//   w = w * (1 - lr * weight_decay)
//   then Adam's update without an L2 term (see adam.hpp).
// So the decay is not divided by sqrt(v): every weight shrinks at the same rate, whatever its gradient's
// history. Default weight_decay 1e-2. Its step is Adam's (adam.cpp); per-element formula:
// functional::adamw_update / adamw_amsgrad_update.

#include <xgrad/optim/adam.hpp>

namespace xg::optim {

// Adam's hyperparameters; only the default weight decay differs.
class AdamWOptions : public AdamOptionsOf<AdamWOptions> {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  AdamWOptions(double lr = 1e-3) : AdamOptionsOf("AdamW", lr) { weight_decay(1e-2); }
};

class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, AdamWOptions defaults = {});
  AdamW(std::vector<OptimizerParamGroup> groups, AdamWOptions defaults = {});

  std::string name() const override { return "AdamW"; }
};

}  // namespace xg::optim
