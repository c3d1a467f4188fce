#pragma once
// Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay, as
// torch.optim.SGD (1.13):
//   g = grad + weight_decay * w
//   buf = g on a parameter's first step, else momentum * buf + (1 - dampening) * g
//   g = g + momentum * buf (nesterov) or g = buf
//   w = w - lr * g
// Per-element formula: functional::sgd_update / sgd_momentum_update.

#include <xgrad/optim/optimizer.hpp>

namespace xg::optim {

struct SGDOptions : OptimizerOptionsOf<SGDOptions> {
  // NOLINTNEXTLINE(google-explicit-constructor): SGD(params, 0.1) as libtorch
  SGDOptions(double lr) : lr_(lr) {}
  XG_ARG(double, lr, 0);
  XG_ARG(double, momentum, 0);
  XG_ARG(double, dampening, 0);
  XG_ARG(double, weight_decay, 0);
  XG_ARG(bool, nesterov, false);
  XG_ARG(bool, maximize, false);

  static constexpr const char* optimizer = "SGD";
  static const HyperparameterTable<SGDOptions> table;  // sgd.cpp: the names a state file keeps
  // lr >= 0, momentum >= 0, weight_decay >= 0; nesterov needs momentum > 0 and dampening 0.
  void validate() const override;
};

class SGD : public OptimizerWith<SGDOptions> {
 public:
  using OptimizerWith::OptimizerWith;
  std::vector<std::string> state_buffer_names() const override { return {"momentum_buffer"}; }

 private:
  void update(const SGDOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const override;
};

}  // namespace xg::optim
