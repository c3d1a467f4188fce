#include <xgrad/optim/lr_scheduler/multi_step_lr.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>

namespace xg::optim {

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma)
    : LRScheduler(optimizer), milestones_(std::move(milestones)), gamma_(gamma) {
  for (std::size_t i = 0; i < milestones_.size(); ++i) {
    if (milestones_[i] < 0) {
      throw Error("MultiStepLR: milestones must be non-negative, got " + detail::format_list(milestones_));
    }
    if (i > 0 && milestones_[i] <= milestones_[i - 1]) {
      throw Error("MultiStepLR: milestones must be strictly increasing, got " + detail::format_list(milestones_));
    }
  }
  if (!(gamma > 0) || !std::isfinite(gamma)) {
    throw Error("MultiStepLR: gamma must be positive and finite, got " + format_number(gamma));
  }
  initial_step();
}

double MultiStepLR::get_lr(std::size_t group) const {
  const bool at_milestone = std::binary_search(milestones_.begin(), milestones_.end(), last_epoch());
  return at_milestone ? group_lr(group) * gamma_ : group_lr(group);
}

double MultiStepLR::closed_form_lr(std::int64_t epoch, std::size_t group) const {
  const auto passed = std::upper_bound(milestones_.begin(), milestones_.end(), epoch) - milestones_.begin();
  return base_lrs()[group] * std::pow(gamma_, static_cast<double>(passed));
}

}  // namespace xg::optim
