#include <xgrad/optim/nadam.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

void NAdamOptions::validate() const {
  validate_adam_hyperparameters("NAdam", lr(), betas(), eps(), weight_decay());
  if (!(0 <= momentum_decay())) {
    throw Error("NAdam: invalid momentum_decay " + format_number(momentum_decay()) + " (expected momentum_decay >= 0)");
  }
}

namespace {

XG_OPTIM_KERNEL void nadam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, std::size_t n,
                                const functional::NAdamStepConstants& constants) {
  const functional::NAdamStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::nadam_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], c);
}

}  // namespace

NAdam::NAdam(std::vector<Tensor> params, NAdamOptions defaults)
    : Optimizer(std::move(params), std::make_unique<NAdamOptions>(std::move(defaults))) {}

NAdam::NAdam(std::vector<OptimizerParamGroup> groups, NAdamOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<NAdamOptions>(std::move(defaults))) {}

void NAdam::step() {
  for_each_parameter_with_grad<NAdamOptions>([](const NAdamOptions& options, Tensor& p, OptimizerParamState& state) {
    float& mu_product = state_scalar(state, "mu_product", 1.0f);
    const functional::NAdamStepConstants c =
        functional::nadam_step_constants(options.lr(), options.beta1(), options.beta2(), options.eps(),
                                         options.weight_decay(), options.momentum_decay(), state.step, mu_product);
    float* exp_avg = state_buffer(state, "exp_avg", p).data();
    float* exp_avg_sq = state_buffer(state, "exp_avg_sq", p).data();
    nadam_loop(p.data().data(), p.grad().data(), exp_avg, exp_avg_sq, p.numel(), c);
  });
}

}  // namespace xg::optim
