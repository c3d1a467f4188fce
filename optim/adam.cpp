#include <xgrad/optim/adam.hpp>

#include <xgrad/optim/detail/adam_step.hpp>

namespace xg::optim {

const HyperparameterTable<AdamOptions> AdamOptions::table = detail::adam_table<AdamOptions>();

void AdamOptions::validate() const { detail::validate_adam_family("Adam", lr(), betas(), eps(), weight_decay()); }

void Adam::update(const AdamOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const {
  detail::adam_parameter_step(options, /*decoupled_weight_decay=*/false, p, state, values);
}

}  // namespace xg::optim
