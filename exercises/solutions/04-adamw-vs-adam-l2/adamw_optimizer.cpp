// Exercise 04, the reference solution.
#include "adamw_optimizer.hpp"

namespace course {

float adamw_decay_factor(double lr, double weight_decay) { return static_cast<float>(1.0 - lr * weight_decay); }

void adamw_update(float& param, float grad, float& m, float& v, float decay_factor, const AdamConstants& c) {
  param = param * decay_factor;  // param.mul_(1 - lr * weight_decay): the decay never meets m or v
  adam_update(param, grad, m, v, c);
}

void AdamWOptimizer::step() {
  check_step("AdamWOptimizer.step");
  const xg::optim::FlushDenormalsGuard flush_denormals;
  for (xg::optim::OptimizerParamGroup& group : param_groups()) {
    const auto& options = static_cast<const xg::optim::AdamWOptions&>(group.options());
    // With the group's current lr, so that a scheduler scales the decay too.
    const float decay_factor = adamw_decay_factor(options.lr(), options.weight_decay());
    for (xg::Tensor& p : group.params()) {
      if (!p.has_grad()) continue;
      xg::optim::OptimizerParamState& state = state_of(p);
      state.step += 1;
      const AdamConstants c = adam_constants(adam_options_of(options), state.step);
      float* m = state_buffer(state, "exp_avg", p).data();
      float* v = state_buffer(state, "exp_avg_sq", p).data();
      float* values = p.data().data();
      const float* grad = p.grad().data();
      for (std::size_t i = 0; i < p.numel(); ++i) adamw_update(values[i], grad[i], m[i], v[i], decay_factor, c);
    }
  }
}

}  // namespace course
