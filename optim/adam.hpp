#pragma once
// Adam (Kingma & Ba), as torch.optim.Adam (1.13), with optional L2 weight decay and AMSGrad:
//   g = grad + weight_decay * w
//   m = beta1 * m + (1 - beta1) * g            v = beta2 * v + (1 - beta2) * g^2
//   w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// with t the parameter's own step count. AMSGrad uses max(v over all steps) in place of v.
// Per-element formula: functional::adam_update / adam_amsgrad_update.

#include <xgrad/optim/functional.hpp>
#include <xgrad/optim/optimizer.hpp>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace xg::optim {

class AdamOptions : public OptimizerOptions {
 public:
  using Betas = std::tuple<double, double>;   // (beta1, beta2)
  AdamOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT(google-explicit-constructor): as libtorch

  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdamOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  void set_hyperparameter(const std::string& name, double value) override;
  // lr >= 0, eps >= 0, 0 <= beta1 < 1, 0 <= beta2 < 1, weight_decay >= 0.
  void validate() const override;

  XG_ARG(double, lr);
  XG_ARG(Betas, betas) = {0.9, 0.999};
  XG_ARG(double, eps) = 1e-8;
  XG_ARG(double, weight_decay) = 0;
  XG_ARG(bool, amsgrad) = false;
  XG_ARG(bool, maximize) = false;
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions defaults = {});
  Adam(std::vector<OptimizerParamGroup> groups, AdamOptions defaults = {});

  void step() override;
  std::string name() const override { return "Adam"; }
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}; }
};

// The checks Adam and AdamW share (torch.optim's own), naming `optimizer` in the message.
void validate_adam_hyperparameters(const char* optimizer, double lr, const std::tuple<double, double>& betas,
                                   double eps, double weight_decay);

namespace detail {

// AdamOptions and AdamWOptions have the same fields (they differ in the default weight decay, and the
// optimizers in how they apply it), so one listing and one setter by name serve both.
template <class Options>
std::vector<std::pair<std::string, double>> adam_hyperparameters(const Options& options) {
  return {{"lr", options.lr()},
          {"beta1", std::get<0>(options.betas())},
          {"beta2", std::get<1>(options.betas())},
          {"eps", options.eps()},
          {"weight_decay", options.weight_decay()},
          {"amsgrad", options.amsgrad() ? 1.0 : 0.0},
          {"maximize", options.maximize() ? 1.0 : 0.0}};
}

template <class Options>
void set_adam_hyperparameter(Options& options, const char* optimizer, const std::string& name, double value) {
  auto betas = options.betas();
  if (name == "lr") {
    options.lr(value);
  } else if (name == "beta1") {
    std::get<0>(betas) = value;
    options.betas(betas);
  } else if (name == "beta2") {
    std::get<1>(betas) = value;
    options.betas(betas);
  } else if (name == "eps") {
    options.eps(value);
  } else if (name == "weight_decay") {
    options.weight_decay(value);
  } else if (name == "amsgrad") {
    options.amsgrad(hyperparameter_as_bool(optimizer, name, value));
  } else if (name == "maximize") {
    options.maximize(hyperparameter_as_bool(optimizer, name, value));
  } else {
    throw_unknown_hyperparameter(options, optimizer, name);
  }
}

// The update loop of both over one parameter's n values (adam.cpp). AdamW's weight decay is the
// factor c.param_decay the weights are multiplied by first; for Adam it is 1, which changes nothing.
// max_exp_avg_sq is null without AMSGrad.
void adam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, std::size_t n,
               const functional::AdamStepConstants& constants);

}  // namespace detail

}  // namespace xg::optim
