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

void Adadelta::update(const AdadeltaOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const {
  const functional::AdadeltaStepConstants c = functional::adadelta_step_constants(
      options.lr(), options.rho(), options.eps(), options.weight_decay(), options.maximize());
  auto adadelta = [c](float& w, float g, float& s, float& d) { functional::adadelta_update(w, g, s, d, c); };
  detail::for_each_value(values, adadelta, p.data().data(), p.grad().data(),
                         state_buffer(state, "square_avg", p).data(), state_buffer(state, "acc_delta", p).data());
}

}  // namespace xg::optim
