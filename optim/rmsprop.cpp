#include <xgrad/optim/rmsprop.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

void RMSpropOptions::validate() const {
  // In torch's order; !(0 <= x) refuses NaN too.
  const std::pair<const char*, double> checks[] = {{"learning rate", lr()},
                                                   {"eps", eps()},
                                                   {"momentum", momentum()},
                                                   {"weight_decay", weight_decay()},
                                                   {"alpha", alpha()}};
  for (const auto& [what, value] : checks) {
    if (!(0 <= value)) {
      const std::string name = what == std::string("learning rate") ? "lr" : what;
      throw Error(std::string("RMSprop: invalid ") + what + " " + format_number(value) + " (expected " + name +
                  " >= 0)");
    }
  }
}

namespace {

XG_OPTIM_KERNEL void rmsprop_loop(float* param, const float* grad, float* square_avg, float* grad_avg,
                                  float* momentum_buffer, std::size_t n,
                                  const functional::RMSpropStepConstants& constants) {
  const functional::RMSpropStepConstants c = constants;  // a local copy: the stores below cannot alias it
  // Four loops, so that each one's body has no branch on the options.
  if (grad_avg == nullptr && momentum_buffer == nullptr) {
    for (std::size_t i = 0; i < n; ++i)
      functional::rmsprop_update(param[i], grad[i], square_avg[i], nullptr, nullptr, c);
  } else if (grad_avg == nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
      functional::rmsprop_update(param[i], grad[i], square_avg[i], nullptr, &momentum_buffer[i], c);
    }
  } else if (momentum_buffer == nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
      functional::rmsprop_update(param[i], grad[i], square_avg[i], &grad_avg[i], nullptr, c);
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      functional::rmsprop_update(param[i], grad[i], square_avg[i], &grad_avg[i], &momentum_buffer[i], c);
    }
  }
}

}  // namespace

RMSprop::RMSprop(std::vector<Tensor> params, RMSpropOptions defaults)
    : Optimizer(std::move(params), std::make_unique<RMSpropOptions>(std::move(defaults))) {}

RMSprop::RMSprop(std::vector<OptimizerParamGroup> groups, RMSpropOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<RMSpropOptions>(std::move(defaults))) {}

void RMSprop::step() {
  for_each_parameter_with_grad<RMSpropOptions>([](const RMSpropOptions& options, Tensor& p,
                                                  OptimizerParamState& state) {
    const functional::RMSpropStepConstants c = functional::rmsprop_step_constants(
        options.lr(), options.alpha(), options.eps(), options.weight_decay(), options.momentum(), options.maximize());
    float* square_avg = state_buffer(state, "square_avg", p).data();
    float* grad_avg = options.centered() ? state_buffer(state, "grad_avg", p).data() : nullptr;
    float* momentum_buffer = options.momentum() > 0 ? state_buffer(state, "momentum_buffer", p).data() : nullptr;
    rmsprop_loop(p.data().data(), p.grad().data(), square_avg, grad_avg, momentum_buffer, p.numel(), c);
  });
}

}  // namespace xg::optim
