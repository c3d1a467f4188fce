#include <xgrad/optim/adamax.hpp>

#include <xgrad/optim/adam.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

void AdamaxOptions::validate() const { validate_adam_hyperparameters("Adamax", lr(), betas(), eps(), weight_decay()); }

namespace {

XG_OPTIM_KERNEL void adamax_loop(float* param, const float* grad, float* exp_avg, float* exp_inf, std::size_t n,
                                 const functional::AdamaxStepConstants& constants) {
  const functional::AdamaxStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::adamax_update(param[i], grad[i], exp_avg[i], exp_inf[i], c);
}

}  // namespace

Adamax::Adamax(std::vector<Tensor> params, AdamaxOptions defaults)
    : Optimizer(std::move(params), std::make_unique<AdamaxOptions>(std::move(defaults))) {}

Adamax::Adamax(std::vector<OptimizerParamGroup> groups, AdamaxOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdamaxOptions>(std::move(defaults))) {}

void Adamax::step() {
  for_each_parameter_with_grad<AdamaxOptions>([](const AdamaxOptions& options, Tensor& p, OptimizerParamState& state) {
    const functional::AdamaxStepConstants c =
        functional::adamax_step_constants(options.lr(), options.beta1(), options.beta2(), options.eps(),
                                          options.weight_decay(), options.maximize(), state.step);
    float* exp_avg = state_buffer(state, "exp_avg", p).data();
    float* exp_inf = state_buffer(state, "exp_inf", p).data();
    adamax_loop(p.data().data(), p.grad().data(), exp_avg, exp_inf, p.numel(), c);
  });
}

}  // namespace xg::optim
