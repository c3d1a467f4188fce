#include <xgrad/optim/radam.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<RAdamOptions> RAdamOptions::table = detail::adam_family_table<RAdamOptions>({});

void RAdamOptions::validate() const { detail::validate_adam_family("RAdam", lr(), betas(), eps(), weight_decay()); }

void RAdam::update(const RAdamOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const {
  const auto [beta1, beta2] = options.betas();
  const functional::RAdamStepConstants c =
      functional::radam_step_constants(options.lr(), beta1, beta2, options.eps(), options.weight_decay(), state.step);
  auto radam = [c](float& w, float g, float& m, float& v) { functional::radam_update(w, g, m, v, c); };
  detail::for_each_value(values, radam, p.data().data(), p.grad().data(), state_buffer(state, "exp_avg", p).data(),
                         state_buffer(state, "exp_avg_sq", p).data());
}

}  // namespace xg::optim
