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

void Adagrad::update(const AdagradOptions& options, Tensor& p, OptimizerParamState& state, ValueRange values) const {
  const functional::AdagradStepConstants c = functional::adagrad_step_constants(
      options.lr(), options.lr_decay(), options.weight_decay(), options.eps(), options.maximize(), state.step);
  const auto initial = static_cast<float>(options.initial_accumulator_value());
  auto adagrad = [c](float& w, float g, float& sum) { functional::adagrad_update(w, g, sum, c); };
  detail::for_each_value(values, adagrad, p.data().data(), p.grad().data(),
                         state_buffer(state, "sum", p, initial).data());
}

}  // namespace xg::optim
