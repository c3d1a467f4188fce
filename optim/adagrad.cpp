#include <xgrad/optim/adagrad.hpp>

#include <xgrad/optim/detail/kernel_attributes.hpp>
#include <xgrad/optim/functional.hpp>

namespace xg::optim {

const HyperparameterTable<AdagradOptions> AdagradOptions::table = {
    {"lr", &AdagradOptions::lr_},
    {"lr_decay", &AdagradOptions::lr_decay_},
    {"weight_decay", &AdagradOptions::weight_decay_},
    {"initial_accumulator_value", &AdagradOptions::initial_accumulator_value_},
    {"eps", &AdagradOptions::eps_},
    {"maximize", &AdagradOptions::maximize_},
};

void AdagradOptions::validate() const {
  detail::check_non_negative("Adagrad", {{"lr", lr()},
                                         {"lr_decay", lr_decay()},
                                         {"weight_decay", weight_decay()},
                                         {"initial_accumulator_value", initial_accumulator_value()},
                                         {"eps", eps()}});
}

namespace {

XG_OPTIM_KERNEL void adagrad_loop(float* param, const float* grad, float* sum, std::size_t n,
                                  const functional::AdagradStepConstants& constants) {
  const functional::AdagradStepConstants c = constants;  // a local copy: the stores below cannot alias it
  for (std::size_t i = 0; i < n; ++i) functional::adagrad_update(param[i], grad[i], sum[i], c);
}

}  // namespace

void Adagrad::step() {
  for_each_parameter_with_grad<AdagradOptions>(
      [](const AdagradOptions& options, Tensor& p, OptimizerParamState& state) {
        const functional::AdagradStepConstants c = functional::adagrad_step_constants(
            options.lr(), options.lr_decay(), options.weight_decay(), options.eps(), options.maximize(), state.step);
        const auto initial = static_cast<float>(options.initial_accumulator_value());
        float* sum = state_buffer(state, "sum", p, initial).data();
        adagrad_loop(p.data().data(), p.grad().data(), sum, p.numel(), c);
      });
}

}  // namespace xg::optim
