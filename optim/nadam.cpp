#include <xgrad/optim/nadam.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<NAdamOptions> NAdamOptions::table =
    detail::adam_family_table<NAdamOptions>({{"momentum_decay", &NAdamOptions::momentum_decay_}});

void NAdamOptions::validate() const {
  detail::validate_adam_family("NAdam", lr(), betas(), eps(), weight_decay());
  detail::check_non_negative("NAdam", {{"momentum_decay", momentum_decay()}});
}

void NAdam::update(const NAdamOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const {
  float& mu_product = state_scalar(state, "mu_product", 1.0f);
  const auto [beta1, beta2] = options.betas();
  const functional::NAdamStepConstants c =
      functional::nadam_step_constants(options.lr(), beta1, beta2, options.eps(), options.weight_decay(),
                                       options.momentum_decay(), state.step, mu_product);
  auto nadam = [c](float& w, float g, float& m, float& v) { functional::nadam_update(w, g, m, v, c); };
  detail::for_each_value(values, nadam, p.data().data(), p.grad().data(), state_buffer(state, "exp_avg", p).data(),
                         state_buffer(state, "exp_avg_sq", p).data());
}

}  // namespace xg::optim
