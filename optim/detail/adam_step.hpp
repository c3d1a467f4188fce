#pragma once
// Internal to Adam and AdamW (adam.cpp, adamw.cpp): their one update, the same hyperparameters and
// formula, with a switch for where the weight decay goes: an L2 term added to the gradient (Adam), or
// decoupled from it, shrinking the weights before the step (AdamW).

#include <xgrad/optim/functional.hpp>
#include <xgrad/optim/optimizer.hpp>

namespace xg::optim::detail {

// The state file's list for AdamOptions and AdamWOptions, which declare the same members.
template <class Options>
HyperparameterTable<Options> adam_table() {
  return adam_family_table<Options>({{"amsgrad", &Options::amsgrad_}, {"maximize", &Options::maximize_}});
}

// One parameter's n values; max_exp_avg_sq is null without AMSGrad (adam_step.cpp).
void adam_kernel(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq,
                 bool decoupled_weight_decay, std::size_t n, const functional::AdamStepConstants& constants);

// One parameter's step on `values` of it (its state.step already counted), options an AdamOptions or
// AdamWOptions.
template <class Options>
void adam_parameter_step(const Options& options, bool decoupled_weight_decay, Tensor& p, OptimizerParamState& state,
                         ValueRange values) {
  const auto [beta1, beta2] = options.betas();
  const functional::AdamStepConstants c =
      functional::adam_step_constants(options.lr(), beta1, beta2, options.eps(), options.weight_decay(),
                                      decoupled_weight_decay, options.maximize(), state.step);
  const std::size_t at = values.begin;  // every array from the first value of the range
  float* exp_avg = Optimizer::state_buffer(state, "exp_avg", p).data() + at;
  float* exp_avg_sq = Optimizer::state_buffer(state, "exp_avg_sq", p).data() + at;
  float* max_exp_avg_sq = options.amsgrad() ? Optimizer::state_buffer(state, "max_exp_avg_sq", p).data() + at : nullptr;
  adam_kernel(p.data().data() + at, p.grad().data() + at, exp_avg, exp_avg_sq, max_exp_avg_sq, decoupled_weight_decay,
              values.size(), c);
}

}  // namespace xg::optim::detail
