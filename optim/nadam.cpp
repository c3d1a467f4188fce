#include <xgrad/optim/nadam.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<NAdamOptions> NAdamOptions::table = {
    {"lr", &NAdamOptions::lr_},
    {"beta1", beta_of(&NAdamOptions::betas_, 0)},
    {"beta2", beta_of(&NAdamOptions::betas_, 1)},
    {"eps", &NAdamOptions::eps_},
    {"weight_decay", &NAdamOptions::weight_decay_},
    {"momentum_decay", &NAdamOptions::momentum_decay_},
};

void NAdamOptions::validate() const {
  detail::validate_adam_family("NAdam", lr(), betas(), eps(), weight_decay());
  detail::check_non_negative("NAdam", {{"momentum_decay", momentum_decay()}});
}

namespace {

XG_OPTIM_KERNEL void nadam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, std::size_t n,
                                const functional::NAdamStepConstants& constants) {
  const functional::NAdamStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::nadam_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], c);
}

}  // namespace

void NAdam::step() {
  for_each_parameter_with_grad<NAdamOptions>([](const NAdamOptions& options, Tensor& p, OptimizerParamState& state) {
    float& mu_product = state_scalar(state, "mu_product", 1.0f);
    const functional::NAdamStepConstants c = functional::nadam_step_constants(
        options.lr(), std::get<0>(options.betas()), std::get<1>(options.betas()), options.eps(), options.weight_decay(),
        options.momentum_decay(), state.step, mu_product);
    float* exp_avg = state_buffer(state, "exp_avg", p).data();
    float* exp_avg_sq = state_buffer(state, "exp_avg_sq", p).data();
    nadam_loop(p.data().data(), p.grad().data(), exp_avg, exp_avg_sq, p.numel(), c);
  });
}

}  // namespace xg::optim
