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

class SGDOptions : public OptimizerOptions {
 public:
  SGDOptions(double lr) : lr_(lr) {}  // NOLINT(google-explicit-constructor): SGD(params, 0.1) as libtorch

  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<SGDOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  void set_hyperparameter(const std::string& name, double value) override;
  // lr >= 0, momentum >= 0, weight_decay >= 0; nesterov needs momentum > 0 and dampening 0.
  void validate() const override;

  XG_ARG(double, lr);
  XG_ARG(double, momentum) = 0;
  XG_ARG(double, dampening) = 0;
  XG_ARG(double, weight_decay) = 0;
  XG_ARG(bool, nesterov) = false;
  XG_ARG(bool, maximize) = false;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SGDOptions defaults);
  SGD(std::vector<OptimizerParamGroup> groups, SGDOptions defaults);

  void step() override;
  std::string name() const override { return "SGD"; }
  std::vector<std::string> state_buffer_names() const override { return {"momentum_buffer"}; }
};

}  // namespace xg::optim
