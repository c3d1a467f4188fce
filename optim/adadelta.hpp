#pragma once
// Adadelta (Zeiler, "ADADELTA: An Adaptive Learning Rate Method"), as torch.optim.Adadelta (1.13):
//   g = grad + weight_decay * w
//   s = rho * s + (1 - rho) * g^2
//   delta = sqrt(d + eps) / sqrt(s + eps) * g
//   d = rho * d + (1 - rho) * delta^2
//   w = w - lr * delta
// The step's units come from d, the running average of past squared steps, so no learning rate is
// needed (lr defaults to 1.0 and only scales). Defaults rho 0.9, eps 1e-6. Per-element formula:
// functional::adadelta_update.

#include <xgrad/optim/optimizer.hpp>

namespace xg::optim {

struct AdadeltaOptions : OptimizerOptionsOf<AdadeltaOptions> {
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  AdadeltaOptions(double lr = 1.0) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(double, rho, 0.9);
  XG_ARG(double, eps, 1e-6);
  XG_ARG(double, weight_decay, 0);
  XG_ARG(bool, maximize, false);

  static constexpr const char* optimizer = "Adadelta";
  static const HyperparameterTable<AdadeltaOptions> table;  // adadelta.cpp: the names a state file keeps
  // lr >= 0, 0 <= rho <= 1, eps >= 0, weight_decay >= 0.
  void validate() const override;
};

class Adadelta : public OptimizerWith<AdadeltaOptions> {
 public:
  using OptimizerWith::OptimizerWith;
  std::vector<std::string> state_buffer_names() const override { return {"square_avg", "acc_delta"}; }

 private:
  void update(const AdadeltaOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const override;
};

}  // namespace xg::optim
