#include <xgrad/optim/adamw.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

std::vector<std::pair<std::string, double>> AdamWOptions::hyperparameters() const {
  return {{"lr", lr_},
          {"beta1", std::get<0>(betas_)},
          {"beta2", std::get<1>(betas_)},
          {"eps", eps_},
          {"weight_decay", weight_decay_},
          {"amsgrad", amsgrad_ ? 1.0 : 0.0},
          {"maximize", maximize_ ? 1.0 : 0.0}};
}

void AdamWOptions::set_hyperparameter(const std::string& name, double value) {
  if (name == "lr") {
    lr_ = value;
  } else if (name == "beta1") {
    std::get<0>(betas_) = value;
  } else if (name == "beta2") {
    std::get<1>(betas_) = value;
  } else if (name == "eps") {
    eps_ = value;
  } else if (name == "weight_decay") {
    weight_decay_ = value;
  } else if (name == "amsgrad") {
    amsgrad_ = hyperparameter_as_bool("AdamW", name, value);
  } else if (name == "maximize") {
    maximize_ = hyperparameter_as_bool("AdamW", name, value);
  } else {
    throw_unknown_hyperparameter(*this, "AdamW", name);
  }
}

void AdamWOptions::validate() const { validate_adam_hyperparameters("AdamW", lr_, betas_, eps_, weight_decay_); }

namespace {

XG_OPTIM_KERNEL void adamw_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                                float* max_exp_avg_sq, std::size_t n, const functional::AdamStepConstants& constants) {
  const functional::AdamStepConstants c = constants;  // a local copy: the stores below cannot alias it
  if (max_exp_avg_sq == nullptr) {
    for (std::size_t i = 0; i < n; ++i) functional::adamw_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], c);
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      functional::adamw_amsgrad_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], max_exp_avg_sq[i], c);
    }
  }
}

}  // namespace

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
      adamw_loop(p.data().data(), p.grad().data(), exp_avg, exp_avg_sq, max_exp_avg_sq, p.numel(), c);
    }
  }
}

}  // namespace xg::optim
