#pragma once
// Adam (Kingma & Ba), as torch.optim.Adam (1.13), with optional L2 weight decay and AMSGrad:
//   g = grad + weight_decay * w
//   m = beta1 * m + (1 - beta1) * g            v = beta2 * v + (1 - beta2) * g^2
//   w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// with t the parameter's own step count. AMSGrad uses max(v over all steps) in place of v.
// AdamW (adamw.hpp) is this same step with the weight decay applied to the weights instead.
// Per-element formula: functional::adam_update / adam_amsgrad_update.

#include <xgrad/optim/optimizer.hpp>

#include <string>
#include <tuple>
#include <vector>

namespace xg::optim {

// The checks Adam and AdamW share (torch.optim's own), naming `optimizer` in the message.
void validate_adam_hyperparameters(const char* optimizer, double lr, const std::tuple<double, double>& betas,
                                   double eps, double weight_decay);

// The hyperparameters of Adam and of AdamW, which are the same (AdamWOptions only changes the default
// weight decay). A template so that each builder call returns the class it was called on: an
// AdamWOptions(1e-3).eps(1e-6) is still an AdamWOptions.
template <class Derived>
class AdamOptionsOf : public BetasOptionsOf<Derived> {
 public:
  // lr >= 0, eps >= 0, 0 <= beta1 < 1, 0 <= beta2 < 1, weight_decay >= 0.
  void validate() const override {
    validate_adam_hyperparameters(this->optimizer(), this->lr(), this->betas(), eps(), weight_decay());
  }

  XG_HYPERPARAMETER(double, eps, 1e-8);
  XG_HYPERPARAMETER(double, weight_decay, 0);
  XG_HYPERPARAMETER(bool, amsgrad, false);
  XG_HYPERPARAMETER(bool, maximize, false);

 protected:
  AdamOptionsOf(const char* optimizer, double lr) : BetasOptionsOf<Derived>(optimizer, lr) {}
};

class AdamOptions : public AdamOptionsOf<AdamOptions> {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): as libtorch
  AdamOptions(double lr = 1e-3) : AdamOptionsOf("Adam", lr) {}
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions defaults = {});
  Adam(std::vector<OptimizerParamGroup> groups, AdamOptions defaults = {});

  using Optimizer::step;  // step(closure)
  void step() override;
  std::string name() const override { return "Adam"; }
  std::vector<std::string> state_buffer_names() const override { return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}; }

 protected:
  // AdamW's: its options, and the weight decay applied to the weights (decoupled) in place of the L2 term.
  Adam(std::vector<OptimizerParamGroup> groups, std::unique_ptr<OptimizerOptions> defaults,
       bool decoupled_weight_decay);

 private:
  // The step over groups whose options are Options: AdamOptions, or AdamWOptions for AdamW (adam.cpp).
  template <class Options>
  void step_with();

  bool decoupled_weight_decay_ = false;
};

}  // namespace xg::optim
