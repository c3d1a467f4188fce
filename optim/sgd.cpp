#include <xgrad/optim/sgd.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<SGDOptions> SGDOptions::table = {
    {"lr", &SGDOptions::lr_},
    {"momentum", &SGDOptions::momentum_},
    {"dampening", &SGDOptions::dampening_},
    {"weight_decay", &SGDOptions::weight_decay_},
    {"nesterov", &SGDOptions::nesterov_},
    {"maximize", &SGDOptions::maximize_},
};

void SGDOptions::validate() const {
  detail::check_non_negative("SGD", {{"lr", lr()}, {"momentum", momentum()}, {"weight_decay", weight_decay()}});
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
