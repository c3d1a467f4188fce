#pragma once
// RMSprop (Hinton), as torch.optim.RMSprop (1.13):
//   g = grad + weight_decay * w
//   s = alpha * s + (1 - alpha) * g^2
//   centered: a = alpha * a + (1 - alpha) * g, and s - a^2 (a variance) is used in place of s
//   d = sqrt(s) + eps
//   momentum > 0: buf = momentum * buf + g / d, w = w - lr * buf;  else w = w - lr * g / d
// Defaults lr 1e-2, alpha 0.99, eps 1e-8. Per-element formula: functional::rmsprop_update.

#include <xgrad/optim/optimizer.hpp>

namespace xg::optim {

struct RMSpropOptions : OptimizerOptionsOf<RMSpropOptions> {
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(double, alpha, 0.99);
  XG_ARG(double, eps, 1e-8);
  XG_ARG(double, weight_decay, 0);
  XG_ARG(double, momentum, 0);
  XG_ARG(bool, centered, false);
  XG_ARG(bool, maximize, false);

  static constexpr const char* optimizer = "RMSprop";
  static const HyperparameterTable<RMSpropOptions> table;  // rmsprop.cpp: the names a state file keeps
  // lr, eps, momentum, weight_decay, alpha all >= 0 (torch checks no more than that).
  void validate() const override;
};

class RMSprop : public OptimizerWith<RMSpropOptions> {
 public:
  using OptimizerWith::OptimizerWith;
  std::vector<std::string> state_buffer_names() const override { return {"square_avg", "grad_avg", "momentum_buffer"}; }

 private:
  void update(const RMSpropOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const override;
};

}  // namespace xg::optim
