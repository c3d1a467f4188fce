#include <xgrad/optim/adamw.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

std::vector<std::pair<std::string, double>> AdamWOptions::hyperparameters() const {
  return detail::adam_hyperparameters(*this);
}

void AdamWOptions::set_hyperparameter(const std::string& name, double value) {
  detail::set_adam_hyperparameter(*this, "AdamW", name, value);
}

void AdamWOptions::validate() const { validate_adam_hyperparameters("AdamW", lr_, betas_, eps_, weight_decay_); }

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions defaults)
    : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

AdamW::AdamW(std::vector<OptimizerParamGroup> groups, AdamWOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdamWOptions>(std::move(defaults))) {}

void AdamW::step() {
  check_step("AdamW.step");
  const FlushDenormalsGuard flush_denormals;  // see optimizer.hpp
  for (OptimizerParamGroup& group : param_groups()) {
    const auto& options = static_cast<const AdamWOptions&>(group.options());
    const auto [beta1, beta2] = options.betas();
    for (Tensor& p : group.params()) {
      if (!p.has_grad()) continue;
      OptimizerParamState& state = state_of(p);
      state.step += 1;
      const functional::AdamStepConstants c =
          functional::adam_step_constants(options.lr(), beta1, beta2, options.eps(), options.weight_decay(),
                                          /*decoupled=*/true, options.maximize(), state.step);
      float* exp_avg = state_buffer(state, "exp_avg", p).data();
      float* exp_avg_sq = state_buffer(state, "exp_avg_sq", p).data();
      float* max_exp_avg_sq = options.amsgrad() ? state_buffer(state, "max_exp_avg_sq", p).data() : nullptr;
      detail::adam_loop(p.data().data(), p.grad().data(), exp_avg, exp_avg_sq, max_exp_avg_sq, p.numel(), c);
    }
  }
}

}  // namespace xg::optim
