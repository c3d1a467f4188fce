#pragma once
// Exercise 02: SGD with momentum and Nesterov as an xgrad optimizer (README.md). Given: this header.
// You write momentum_update() and MomentumSGD::step() in sgd_momentum.cpp.

#include <xgrad/core/error.hpp>
#include <xgrad/optim/optimizer.hpp>
#include <xgrad/optim/sgd.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace course {

// The hyperparameters as the update uses them: rounded to float once per step, the way PyTorch turns
// its Python (double) numbers into float32 scalars. 1 - dampening is computed in double first.
struct MomentumConstants {
  float lr = 0;
  float momentum = 0;
  float one_minus_dampening = 1;
  float weight_decay = 0;
  bool nesterov = false;
};

inline MomentumConstants momentum_constants(const xg::optim::SGDOptions& options) {
  MomentumConstants c;
  c.lr = static_cast<float>(options.lr());
  c.momentum = static_cast<float>(options.momentum());
  c.one_minus_dampening = static_cast<float>(1.0 - options.dampening());
  c.weight_decay = static_cast<float>(options.weight_decay());
  c.nesterov = options.nesterov();
  return c;
}

// The gradient with the L2 term added: grad + weight_decay * param (PyTorch: grad.add(param,
// alpha=weight_decay), one fused multiply-add).
inline float with_weight_decay(float param, float grad, const MomentumConstants& c) {
  return c.weight_decay != 0 ? std::fma(param, c.weight_decay, grad) : grad;
}

// One element's momentum step (yours): updates `velocity` (the momentum buffer) from the gradient,
// then `param`. `first_step` is true on the parameter's first step with momentum, when the buffer has
// just been created.
void momentum_update(float& param, float grad, float& velocity, bool first_step, const MomentumConstants& c);

// SGD with momentum, dampening, Nesterov and weight decay, as torch.optim.SGD. Its options are xgrad's
// own SGDOptions; its state lives in the Optimizer base (state_of, state_buffer).
class MomentumSGD : public xg::optim::Optimizer {
 public:
  MomentumSGD(std::vector<xg::Tensor> params, const xg::optim::SGDOptions& options)
      : Optimizer(std::vector<xg::optim::OptimizerParamGroup>{xg::optim::OptimizerParamGroup(std::move(params))},
                  std::make_unique<xg::optim::SGDOptions>(options)) {
    if (options.maximize()) throw xg::Error("MomentumSGD: maximize is not part of exercise 02");
  }

  // One update of every parameter that has a gradient (yours).
  void step() override;

  std::string name() const override { return "SGD"; }
  std::vector<std::string> state_buffer_names() const override { return {"momentum_buffer"}; }
};

}  // namespace course
