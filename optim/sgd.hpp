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
  static constexpr const char* optimizer = "SGD";
  static const HyperparameterTable<SGDOptions> table;  // sgd.cpp
  // NOLINTNEXTLINE(google-explicit-constructor): SGD(params, 0.1) as libtorch
  SGDOptions(double lr) : lr_(lr) {}
  // lr >= 0, momentum >= 0, weight_decay >= 0; nesterov needs momentum > 0 and dampening 0.
  void validate() const override;

  XG_ARG(double, lr, 0);
  XG_ARG(double, momentum, 0);
  XG_ARG(double, dampening, 0);
  XG_ARG(double, weight_decay, 0);
  XG_ARG(bool, nesterov, false);
  XG_ARG(bool, maximize, false);
};

class SGD : public OptimizerWith<SGDOptions> {
 public:
  using Optimizer::step;  // step(closure)
  using OptimizerWith::OptimizerWith;
  void step() override;
  std::string name() const override { return "SGD"; }
  std::vector<std::string> state_buffer_names() const override { return {"momentum_buffer"}; }
};

}  // namespace xg::optim
