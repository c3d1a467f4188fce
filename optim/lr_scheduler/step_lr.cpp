#include <xgrad/optim/lr_scheduler/step_lr.hpp>

#include <xgrad/core/error.hpp>

#include <cmath>

namespace xg::optim {

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size <= 0) throw Error("StepLR: step_size must be positive, got " + std::to_string(step_size));
  if (!(gamma > 0) || !std::isfinite(gamma)) {
    throw Error("StepLR: gamma must be positive and finite, got " + format_number(gamma));
  }
  initial_step();
}

double StepLR::get_lr(std::size_t group) const {
  const std::int64_t t = last_epoch();
  if (t == 0 || t % step_size_ != 0) return group_lr(group);
  return group_lr(group) * gamma_;
}

double StepLR::closed_form_lr(std::int64_t epoch, std::size_t group) const {
  // gamma^k through std::pow, as Python's float ** int does; the chained form multiplies k times, so
  // the two can differ in the last bits.
  return base_lrs()[group] * std::pow(gamma_, static_cast<double>(epoch / step_size_));
}

}  // namespace xg::optim
