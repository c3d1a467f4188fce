#include <xgrad/optim/adadelta.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<AdadeltaOptions> AdadeltaOptions::table = {
    {"lr", &AdadeltaOptions::lr_},
    {"rho", &AdadeltaOptions::rho_},
    {"eps", &AdadeltaOptions::eps_},
    {"weight_decay", &AdadeltaOptions::weight_decay_},
    {"maximize", &AdadeltaOptions::maximize_},
};

void AdadeltaOptions::validate() const {
  detail::check_non_negative("Adadelta", {{"lr", lr()}});
  if (!(0 <= rho() && rho() <= 1)) {  // refuses NaN too
    throw Error("Adadelta: invalid rho " + format_number(rho()) + " (expected 0 <= rho <= 1)");
  }
  detail::check_non_negative("Adadelta", {{"eps", eps()}, {"weight_decay", weight_decay()}});
}

namespace {

XG_OPTIM_KERNEL void adadelta_loop(float* param, const float* grad, float* square_avg, float* acc_delta, std::size_t n,
                                   const functional::AdadeltaStepConstants& constants) {
  const functional::AdadeltaStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::adadelta_update(param[i], grad[i], square_avg[i], acc_delta[i], c);
}

}  // namespace

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
