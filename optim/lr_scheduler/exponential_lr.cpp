#include <xgrad/optim/lr_scheduler/exponential_lr.hpp>

#include <xgrad/core/error.hpp>

#include <cmath>

namespace xg::optim {

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma) : LRScheduler(optimizer), gamma_(gamma) {
  if (!(gamma > 0) || !std::isfinite(gamma)) {
    throw Error("ExponentialLR: gamma must be positive and finite, got " + format_number(gamma));
  }
  initial_step();
}

double ExponentialLR::get_lr(std::size_t group) const {
  return last_epoch() == 0 ? group_lr(group) : group_lr(group) * gamma_;
}

double ExponentialLR::closed_form_lr(std::int64_t epoch, std::size_t group) const {
  return base_lrs()[group] * std::pow(gamma_, static_cast<double>(epoch));
}

}  // namespace xg::optim
