#include <xgrad/optim/adamax.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<AdamaxOptions> AdamaxOptions::table =
    detail::adam_family_table<AdamaxOptions>({{"maximize", &AdamaxOptions::maximize_}});

void AdamaxOptions::validate() const { detail::validate_adam_family("Adamax", lr(), betas(), eps(), weight_decay()); }

void Adamax::update(const AdamaxOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const {
  const auto [beta1, beta2] = options.betas();
  const functional::AdamaxStepConstants c = functional::adamax_step_constants(
      options.lr(), beta1, beta2, options.eps(), options.weight_decay(), options.maximize(), state.step);
  auto adamax = [c](float& w, float g, float& m, float& u) { functional::adamax_update(w, g, m, u, c); };
  detail::for_each_value(values, adamax, p.data().data(), p.grad().data(), state_buffer(state, "exp_avg", p).data(),
                         state_buffer(state, "exp_inf", p).data());
}

}  // namespace xg::optim
