#include <xgrad/optim/radam.hpp>

#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

void RAdamOptions::validate() const { validate_adam_hyperparameters("RAdam", lr(), betas(), eps(), weight_decay()); }

namespace {

XG_OPTIM_KERNEL void radam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, std::size_t n,
                                const functional::RAdamStepConstants& constants) {
  const functional::RAdamStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::radam_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], c);
}

}  // namespace

RAdam::RAdam(std::vector<Tensor> params, RAdamOptions defaults)
    : Optimizer(std::move(params), std::make_unique<RAdamOptions>(std::move(defaults))) {}

RAdam::RAdam(std::vector<OptimizerParamGroup> groups, RAdamOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<RAdamOptions>(std::move(defaults))) {}

void RAdam::step() {
  for_each_parameter_with_grad<RAdamOptions>([](const RAdamOptions& options, Tensor& p, OptimizerParamState& state) {
    const functional::RAdamStepConstants c = functional::radam_step_constants(
        options.lr(), options.beta1(), options.beta2(), options.eps(), options.weight_decay(), state.step);
    float* exp_avg = state_buffer(state, "exp_avg", p).data();
    float* exp_avg_sq = state_buffer(state, "exp_avg_sq", p).data();
    radam_loop(p.data().data(), p.grad().data(), exp_avg, exp_avg_sq, p.numel(), c);
  });
}

}  // namespace xg::optim
