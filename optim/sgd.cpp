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

void SGD::update(const SGDOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const {
  const functional::SGDStepConstants c =
      functional::sgd_step_constants(options.lr(), options.momentum(), options.dampening(), options.weight_decay(),
                                     options.nesterov(), options.maximize());
  float* param = p.data().data();
  const float* grad = p.grad().data();
  if (options.momentum() == 0) {
    auto sgd = [c](float& w, float g) { functional::sgd_update(w, g, c); };
    detail::for_each_value(values, sgd, param, grad);
    return;
  }
  // PyTorch creates the buffer from the first gradient that meets a nonzero momentum.
  const bool first_step = state.buffers.count("momentum_buffer") == 0;
  auto sgd_momentum = [c, first_step](float& w, float g, float& buf) {
    functional::sgd_momentum_update(w, g, buf, first_step, c);
  };
  detail::for_each_value(values, sgd_momentum, param, grad, state_buffer(state, "momentum_buffer", p).data());
}

}  // namespace xg::optim
