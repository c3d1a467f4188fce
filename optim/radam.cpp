#include <xgrad/optim/radam.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<RAdamOptions> RAdamOptions::table = {
    {"lr", &RAdamOptions::lr_},
    {"beta1", beta_of(&RAdamOptions::betas_, 0)},
    {"beta2", beta_of(&RAdamOptions::betas_, 1)},
    {"eps", &RAdamOptions::eps_},
    {"weight_decay", &RAdamOptions::weight_decay_},
};

void RAdamOptions::validate() const { detail::validate_adam_family("RAdam", lr(), betas(), eps(), weight_decay()); }

namespace {

XG_OPTIM_KERNEL void radam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, std::size_t n,
                                const functional::RAdamStepConstants& constants) {
  const functional::RAdamStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::radam_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], c);
}

}  // namespace

void RAdam::step() {
  for_each_parameter_with_grad<RAdamOptions>([](const RAdamOptions& options, Tensor& p, OptimizerParamState& state) {
    const functional::RAdamStepConstants c =
        functional::radam_step_constants(options.lr(), std::get<0>(options.betas()), std::get<1>(options.betas()),
                                         options.eps(), options.weight_decay(), state.step);
    float* exp_avg = state_buffer(state, "exp_avg", p).data();
    float* exp_avg_sq = state_buffer(state, "exp_avg_sq", p).data();
    radam_loop(p.data().data(), p.grad().data(), exp_avg, exp_avg_sq, p.numel(), c);
  });
}

}  // namespace xg::optim
