#include <xgrad/optim/adam.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

std::vector<std::pair<std::string, double>> AdamOptions::hyperparameters() const {
  return detail::adam_hyperparameters(*this);
}

void AdamOptions::set_hyperparameter(const std::string& name, double value) {
  detail::set_adam_hyperparameter(*this, "Adam", name, value);
}

void validate_adam_hyperparameters(const char* optimizer, double lr, const std::tuple<double, double>& betas,
                                   double eps, double weight_decay) {
  const std::string op = optimizer;
  const auto [beta1, beta2] = betas;
  // Written as !(0 <= x) so that NaN is refused too.
  if (!(0 <= lr)) throw Error(op + ": invalid learning rate " + format_number(lr) + " (expected lr >= 0)");
  if (!(0 <= eps)) throw Error(op + ": invalid eps " + format_number(eps) + " (expected eps >= 0)");
  if (!(0 <= beta1 && beta1 < 1)) {
    throw Error(op + ": invalid beta1 " + format_number(beta1) + " (expected 0 <= beta1 < 1)");
  }
  if (!(0 <= beta2 && beta2 < 1)) {
    throw Error(op + ": invalid beta2 " + format_number(beta2) + " (expected 0 <= beta2 < 1)");
  }
  if (!(0 <= weight_decay)) {
    throw Error(op + ": invalid weight_decay " + format_number(weight_decay) + " (expected weight_decay >= 0)");
  }
}

void AdamOptions::validate() const { validate_adam_hyperparameters("Adam", lr_, betas_, eps_, weight_decay_); }

namespace detail {

XG_OPTIM_KERNEL void adam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
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

}  // namespace detail

Adam::Adam(std::vector<Tensor> params, AdamOptions defaults)
    : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

Adam::Adam(std::vector<OptimizerParamGroup> groups, AdamOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<AdamOptions>(std::move(defaults))) {}

void Adam::step() {
  check_step("Adam.step");
  const FlushDenormalsGuard flush_denormals;  // see optimizer.hpp
  for (OptimizerParamGroup& group : param_groups()) {
    const auto& options = static_cast<const AdamOptions&>(group.options());
    const auto [beta1, beta2] = options.betas();
    for (Tensor& p : group.params()) {
      if (!p.has_grad()) continue;
      OptimizerParamState& state = state_of(p);
      state.step += 1;
      const functional::AdamStepConstants c =
          functional::adam_step_constants(options.lr(), beta1, beta2, options.eps(), options.weight_decay(),
                                          /*decoupled=*/false, options.maximize(), state.step);
      float* exp_avg = state_buffer(state, "exp_avg", p).data();
      float* exp_avg_sq = state_buffer(state, "exp_avg_sq", p).data();
      float* max_exp_avg_sq = options.amsgrad() ? state_buffer(state, "max_exp_avg_sq", p).data() : nullptr;
      detail::adam_loop(p.data().data(), p.grad().data(), exp_avg, exp_avg_sq, max_exp_avg_sq, p.numel(), c);
    }
  }
}

}  // namespace xg::optim
