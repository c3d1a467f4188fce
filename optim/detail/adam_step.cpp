#include <xgrad/optim/detail/adam_step.hpp>
#include <xgrad/optim/detail/kernel_attributes.hpp>

namespace xg::optim::detail {

// Four loops, so that no loop's body branches on the options.
XG_OPTIM_KERNEL void adam_kernel(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                                 float* max_exp_avg_sq, bool decoupled_weight_decay, std::size_t n,
                                 const functional::AdamStepConstants& constants) {
  const functional::AdamStepConstants c = constants;  // a local copy: the stores below cannot alias it
  using functional::adam_amsgrad_update, functional::adam_update;
  using functional::adamw_amsgrad_update, functional::adamw_update;
  if (!decoupled_weight_decay && max_exp_avg_sq == nullptr) {
    for (std::size_t i = 0; i < n; ++i) adam_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], c);
  } else if (!decoupled_weight_decay) {
    for (std::size_t i = 0; i < n; ++i) {
      adam_amsgrad_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], max_exp_avg_sq[i], c);
    }
  } else if (max_exp_avg_sq == nullptr) {
    for (std::size_t i = 0; i < n; ++i) adamw_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], c);
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      adamw_amsgrad_update(param[i], grad[i], exp_avg[i], exp_avg_sq[i], max_exp_avg_sq[i], c);
    }
  }
}

}  // namespace xg::optim::detail
