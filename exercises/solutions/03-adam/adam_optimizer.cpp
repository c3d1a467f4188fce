// Exercise 03, the reference solution.
#include "adam_optimizer.hpp"

#include <cmath>
#include <tuple>

namespace course {

AdamConstants adam_constants(const xg::optim::AdamOptions& options, std::int64_t t) {
  const auto [beta1, beta2] = options.betas();
  // In double, as PyTorch's Python arithmetic; rounded to float when stored.
  const double bias_correction1 = 1.0 - std::pow(beta1, static_cast<double>(t));
  const double bias_correction2 = 1.0 - std::pow(beta2, static_cast<double>(t));
  AdamConstants c;
  c.beta1 = static_cast<float>(beta1);
  c.one_minus_beta1 = static_cast<float>(1.0 - beta1);
  c.beta2 = static_cast<float>(beta2);
  c.one_minus_beta2 = static_cast<float>(1.0 - beta2);
  c.step_size = static_cast<float>(options.lr() / bias_correction1);
  c.bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  c.eps = static_cast<float>(options.eps());
  c.weight_decay = static_cast<float>(options.weight_decay());
  return c;
}

void adam_update(float& param, float grad, float& m, float& v, const AdamConstants& c) {
  if (c.weight_decay != 0) grad = std::fma(param, c.weight_decay, grad);  // grad.add(param, alpha=wd)
  m = std::fma(grad, c.one_minus_beta1, m * c.beta1);                     // m.mul_(b1).add_(g, alpha=1-b1)
  v = std::fma(c.one_minus_beta2 * grad, grad, v * c.beta2);              // v.mul_(b2).addcmul_(g, g, value=1-b2)
  const float denom = std::sqrt(v) / c.bias_correction2_sqrt + c.eps;     // (v.sqrt() / bc2_sqrt).add_(eps)
  param = param + (-c.step_size * m) / denom;                             // param.addcdiv_(m, denom, value=-step_size)
}

void AdamOptimizer::step() {
  check_step("AdamOptimizer.step");
  const xg::optim::FlushDenormalsGuard flush_denormals;
  for (xg::optim::OptimizerParamGroup& group : param_groups()) {
    const auto& options = static_cast<const xg::optim::AdamOptions&>(group.options());
    for (xg::Tensor& p : group.params()) {
      if (!p.has_grad()) continue;
      xg::optim::OptimizerParamState& state = state_of(p);
      state.step += 1;  // each parameter counts its own steps, so its bias correction is its own
      const AdamConstants c = adam_constants(options, state.step);
      float* m = state_buffer(state, "exp_avg", p).data();
      float* v = state_buffer(state, "exp_avg_sq", p).data();
      float* values = p.data().data();
      const float* grad = p.grad().data();
      for (std::size_t i = 0; i < p.numel(); ++i) adam_update(values[i], grad[i], m[i], v[i], c);
    }
  }
}

}  // namespace course
