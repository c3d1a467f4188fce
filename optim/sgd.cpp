#include <xgrad/optim/sgd.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

void SGDOptions::validate() const {
  // Written as !(x >= 0) so that NaN is refused too.
  if (!(lr() >= 0)) throw Error("SGD: invalid learning rate " + format_number(lr()) + " (expected lr >= 0)");
  if (!(momentum() >= 0)) {
    throw Error("SGD: invalid momentum " + format_number(momentum()) + " (expected momentum >= 0)");
  }
  if (!(weight_decay() >= 0)) {
    throw Error("SGD: invalid weight_decay " + format_number(weight_decay()) + " (expected weight_decay >= 0)");
  }
  if (nesterov() && (momentum() <= 0 || dampening() != 0)) {
    throw Error("SGD: nesterov momentum requires momentum > 0 and dampening 0, got momentum " +
                format_number(momentum()) + " and dampening " + format_number(dampening()));
  }
}

namespace {

XG_OPTIM_KERNEL void sgd_loop(float* param, const float* grad, std::size_t n,
                              const functional::SGDStepConstants& constants) {
  const functional::SGDStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::sgd_update(param[i], grad[i], c);
}

XG_OPTIM_KERNEL void sgd_momentum_loop(float* param, const float* grad, float* momentum_buffer, bool first_step,
                                       std::size_t n, const functional::SGDStepConstants& constants) {
  const functional::SGDStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) {
    functional::sgd_momentum_update(param[i], grad[i], momentum_buffer[i], first_step, c);
  }
}

}  // namespace

SGD::SGD(std::vector<Tensor> params, SGDOptions defaults)
    : Optimizer(std::move(params), std::make_unique<SGDOptions>(std::move(defaults))) {}

SGD::SGD(std::vector<OptimizerParamGroup> groups, SGDOptions defaults)
    : Optimizer(std::move(groups), std::make_unique<SGDOptions>(std::move(defaults))) {}

void SGD::step() {
  for_each_parameter_with_grad<SGDOptions>([](const SGDOptions& options, Tensor& p, OptimizerParamState& state) {
    const functional::SGDStepConstants c =
        functional::sgd_step_constants(options.lr(), options.momentum(), options.dampening(), options.weight_decay(),
                                       options.nesterov(), options.maximize());
    if (options.momentum() == 0) {
      sgd_loop(p.data().data(), p.grad().data(), p.numel(), c);
      return;
    }
    // PyTorch creates the buffer from the first gradient that meets a nonzero momentum.
    const bool first_step = state.buffers.count("momentum_buffer") == 0;
    float* buffer = state_buffer(state, "momentum_buffer", p).data();
    sgd_momentum_loop(p.data().data(), p.grad().data(), buffer, first_step, p.numel(), c);
  });
}

}  // namespace xg::optim
