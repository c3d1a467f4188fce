#include <xgrad/optim/rmsprop.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<RMSpropOptions> RMSpropOptions::table = {
    {"lr", &RMSpropOptions::lr_},
    {"alpha", &RMSpropOptions::alpha_},
    {"eps", &RMSpropOptions::eps_},
    {"weight_decay", &RMSpropOptions::weight_decay_},
    {"momentum", &RMSpropOptions::momentum_},
    {"centered", &RMSpropOptions::centered_},
    {"maximize", &RMSpropOptions::maximize_},
};

void RMSpropOptions::validate() const {
  detail::check_non_negative(
      "RMSprop",
      {{"lr", lr()}, {"eps", eps()}, {"momentum", momentum()}, {"weight_decay", weight_decay()}, {"alpha", alpha()}});
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

void RMSprop::update(const RMSpropOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const {
  const functional::RMSpropStepConstants c = functional::rmsprop_step_constants(
      options.lr(), options.alpha(), options.eps(), options.weight_decay(), options.momentum(), options.maximize());
  const std::size_t at = values.begin;  // every array from the first value of the range
  float* square_avg = state_buffer(state, "square_avg", p).data() + at;
  float* grad_avg = options.centered() ? state_buffer(state, "grad_avg", p).data() + at : nullptr;
  float* momentum_buffer = options.momentum() > 0 ? state_buffer(state, "momentum_buffer", p).data() + at : nullptr;
  rmsprop_loop(p.data().data() + at, p.grad().data() + at, square_avg, grad_avg, momentum_buffer, values.size(), c);
}

}  // namespace xg::optim
