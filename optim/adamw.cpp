#include <xgrad/optim/adamw.hpp>

#include <xgrad/optim/detail/adam_step.hpp>

namespace xg::optim {

const HyperparameterTable<AdamWOptions> AdamWOptions::table = detail::adam_table<AdamWOptions>();

void AdamWOptions::validate() const { detail::validate_adam_family("AdamW", lr(), betas(), eps(), weight_decay()); }

void AdamW::update(const AdamWOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const {
  detail::adam_parameter_step(options, /*decoupled_weight_decay=*/true, p, state, values);
}

}  // namespace xg::optim
