// Exercise 05, the reference solution.
#include "schedules.hpp"

#include <cmath>

namespace course {
namespace {

const double kPi = std::acos(-1.0);

// Half a cosine from `high` (progress 0) down to `low` (progress 1).
double half_cosine(double high, double low, double progress) {
  return low + (high - low) * (1 + std::cos(kPi * progress)) / 2;
}

}  // namespace

double StepDecay::closed_form_lr(std::int64_t t, std::size_t group) const {
  // t / step_size_ in integers: how many boundaries have been passed.
  return base_lrs()[group] * std::pow(gamma_, static_cast<double>(t / step_size_));
}

double Cosine::closed_form_lr(std::int64_t t, std::size_t group) const {
  if (t >= total_steps_) return min_lr_;
  return half_cosine(base_lrs()[group], min_lr_, static_cast<double>(t) / static_cast<double>(total_steps_));
}

double WarmupCosine::closed_form_lr(std::int64_t t, std::size_t group) const {
  const double base_lr = base_lrs()[group];
  if (t < warmup_steps_) return base_lr * static_cast<double>(t) / static_cast<double>(warmup_steps_);
  if (t >= total_steps_) return min_lr_;
  // The cosine starts at the end of the warmup, at its top, where its slope is 0: no jump, no kink.
  return half_cosine(base_lr, min_lr_,
                     static_cast<double>(t - warmup_steps_) / static_cast<double>(total_steps_ - warmup_steps_));
}

}  // namespace course
