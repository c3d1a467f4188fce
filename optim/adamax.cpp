#include <xgrad/optim/adamax.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<AdamaxOptions> AdamaxOptions::table = {
    {"lr", &AdamaxOptions::lr_},
    {"beta1", beta_of(&AdamaxOptions::betas_, 0)},
    {"beta2", beta_of(&AdamaxOptions::betas_, 1)},
    {"eps", &AdamaxOptions::eps_},
    {"weight_decay", &AdamaxOptions::weight_decay_},
    {"maximize", &AdamaxOptions::maximize_},
};

void AdamaxOptions::validate() const { detail::validate_adam_family("Adamax", lr(), betas(), eps(), weight_decay()); }

namespace {

XG_OPTIM_KERNEL void adamax_loop(float* param, const float* grad, float* exp_avg, float* exp_inf, std::size_t n,
                                 const functional::AdamaxStepConstants& constants) {
  const functional::AdamaxStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::adamax_update(param[i], grad[i], exp_avg[i], exp_inf[i], c);
}

}  // namespace

void Adamax::step() {
  for_each_parameter_with_grad<AdamaxOptions>([](const AdamaxOptions& options, Tensor& p, OptimizerParamState& state) {
    const functional::AdamaxStepConstants c =
        functional::adamax_step_constants(options.lr(), std::get<0>(options.betas()), std::get<1>(options.betas()),
                                          options.eps(), options.weight_decay(), options.maximize(), state.step);
    float* exp_avg = state_buffer(state, "exp_avg", p).data();
    float* exp_inf = state_buffer(state, "exp_inf", p).data();
    adamax_loop(p.data().data(), p.grad().data(), exp_avg, exp_inf, p.numel(), c);
  });
}

}  // namespace xg::optim
