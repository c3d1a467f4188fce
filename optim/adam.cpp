#include <xgrad/optim/adam.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/adamw.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

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

namespace {

// One parameter's n values. max_exp_avg_sq is null without AMSGrad. Four loops, so that no loop's body
// branches on the options.
XG_OPTIM_KERNEL void adam_loop(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                               float* max_exp_avg_sq, bool decoupled_weight_decay, std::size_t n,
                               const functional::AdamStepConstants& constants) {
  const functional::AdamStepConstants c = constants;  // a local copy: the stores below cannot alias it
  using functional::adam_amsgrad_update, functional::adam_update;
  using functional::adamw_amsgrad_update, functional::adamw_update;
  if (!decoupled_weight_decay && max_exp_avg_sq == nullptr) {
    for (std::size_t i = 0; i < n; ++i) adam_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], c);
  } else if (!decoupled_weight_decay) {
    for (std::size_t i = 0; i < n; ++i) {
      adam_amsgrad_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], max_exp_avg_sq[i], c);
    }
  } else if (max_exp_avg_sq == nullptr) {
    for (std::size_t i = 0; i < n; ++i) adamw_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], c);
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      adamw_amsgrad_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], max_exp_avg_sq[i], c);
    }
  }
}

}  // namespace

Adam::Adam(std::vector<Tensor> params, AdamOptions defaults)
    : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

Adam::Adam(std::vector<OptimizerParamGroup> groups, AdamOptions defaults)
    : Adam(std::move(groups), std::make_unique<AdamOptions>(std::move(defaults)), /*decoupled_weight_decay=*/false) {}

Adam::Adam(std::vector<OptimizerParamGroup> groups, std::unique_ptr<OptimizerOptions> defaults,
           bool decoupled_weight_decay)
    : Optimizer(std::move(groups), std::move(defaults)), decoupled_weight_decay_(decoupled_weight_decay) {}

template <class Options>
void Adam::step_with() {
  for_each_parameter_with_grad<Options>([this](const Options& options, Tensor& p, OptimizerParamState& state) {
    const functional::AdamStepConstants c = functional::adam_step_constants(
        options.lr(), options.beta1(), options.beta2(), options.eps(), options.weight_decay(), decoupled_weight_decay_,
        options.maximize(), state.step);
    float* exp_avg = state_buffer(state, "exp_avg", p).data();
    float* exp_avg_sq = state_buffer(state, "exp_avg_sq", p).data();
    float* max_exp_avg_sq = options.amsgrad() ? state_buffer(state, "max_exp_avg_sq", p).data() : nullptr;
    adam_loop(p.data().data(), p.grad().data(), exp_avg, exp_avg_sq, max_exp_avg_sq, decoupled_weight_decay_, p.numel(),
              c);
  });
}

void Adam::step() {
  if (decoupled_weight_decay_) {
    step_with<AdamWOptions>();
  } else {
    step_with<AdamOptions>();
  }
}

}  // namespace xg::optim
