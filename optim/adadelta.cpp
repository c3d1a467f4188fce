#include <xgrad/optim/adadelta.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

void AdadeltaOptions::validate() const {
  // In torch's order; !(0 <= x) refuses NaN too.
  if (!(0 <= lr())) throw Error("Adadelta: invalid learning rate " + format_number(lr()) + " (expected lr >= 0)");
  if (!(0 <= rho() && rho() <= 1)) {
    throw Error("Adadelta: invalid rho " + format_number(rho()) + " (expected 0 <= rho <= 1)");
  }
  if (!(0 <= eps())) throw Error("Adadelta: invalid eps " + format_number(eps()) + " (expected eps >= 0)");
  if (!(0 <= weight_decay())) {
    throw Error("Adadelta: invalid weight_decay " + format_number(weight_decay()) + " (expected weight_decay >= 0)");
  }
}

namespace {

XG_OPTIM_KERNEL void adadelta_loop(float* param, const float* grad, float* square_avg, float* acc_delta, std::size_t n,
                                   const functional::AdadeltaStepConstants& constants) {
  const functional::AdadeltaStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::adadelta_update(param[i], grad[i], square_avg[i], acc_delta[i], c);
}

}  // namespace

Adadelta::Adadelta(std::vector<Tensor> params, AdadeltaOptions defaults)
    : Optimizer(std::move(params), std::make_unique<AdadeltaOptions>(std::move(defaults))) {}

Adadelta::Adadelta(std::vector<OptimizerParamGroup> groups, AdadeltaOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdadeltaOptions>(std::move(defaults))) {}

void Adadelta::step() {
  for_each_parameter_with_grad<AdadeltaOptions>(
      [](const AdadeltaOptions& options, Tensor& p, OptimizerParamState& state) {
        const functional::AdadeltaStepConstants c = functional::adadelta_step_constants(
            options.lr(), options.rho(), options.eps(), options.weight_decay(), options.maximize());
        float* square_avg = state_buffer(state, "square_avg", p).data();
        float* acc_delta = state_buffer(state, "acc_delta", p).data();
        adadelta_loop(p.data().data(), p.grad().data(), square_avg, acc_delta, p.numel(), c);
      });
}

}  // namespace xg::optim
