// Exercise 02, the reference solution.
#include "sgd_momentum.hpp"

#include <cmath>

namespace course {

void momentum_update(float& param, float grad, float& velocity, bool first_step, const MomentumConstants& c) {
  float direction = with_weight_decay(param, grad, c);
  // The buffer starts at zero, so the first step leaves just the gradient: PyTorch sets it to the
  // gradient itself (no dampening on that step). Later: buf.mul_(momentum).add_(g, alpha=1-dampening).
  velocity = first_step ? direction : std::fma(direction, c.one_minus_dampening, velocity * c.momentum);
  // Nesterov steps along g + momentum * buf (g.add(buf, alpha=momentum)), plain momentum along buf.
  direction = c.nesterov ? std::fma(velocity, c.momentum, direction) : velocity;
  param = std::fma(direction, -c.lr, param);  // param.add_(direction, alpha=-lr)
}

void MomentumSGD::step() {
  check_step("MomentumSGD.step");
  const xg::optim::FlushDenormalsGuard flush_denormals;
  for (xg::optim::OptimizerParamGroup& group : param_groups()) {
    const MomentumConstants c = momentum_constants(static_cast<const xg::optim::SGDOptions&>(group.options()));
    for (xg::Tensor& p : group.params()) {
      if (!p.has_grad()) continue;
      xg::optim::OptimizerParamState& state = state_of(p);
      state.step += 1;
      float* values = p.data().data();
      const float* grad = p.grad().data();
      if (c.momentum == 0) {  // plain SGD needs no memory
        for (std::size_t i = 0; i < p.numel(); ++i) {
          values[i] = std::fma(with_weight_decay(values[i], grad[i], c), -c.lr, values[i]);
        }
        continue;
      }
      const bool first_step = state.buffers.count("momentum_buffer") == 0;
      float* velocity = state_buffer(state, "momentum_buffer", p).data();
      for (std::size_t i = 0; i < p.numel(); ++i) momentum_update(values[i], grad[i], velocity[i], first_step, c);
    }
  }
}

}  // namespace course
