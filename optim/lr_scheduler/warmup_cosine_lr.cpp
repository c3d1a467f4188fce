#include <xgrad/optim/lr_scheduler/warmup_cosine_lr.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/math_constants.hpp>

#include <cmath>

namespace xg::optim {

namespace {
using detail::kPi;
}  // namespace

WarmupCosineLR::WarmupCosineLR(Optimizer& optimizer, std::int64_t warmup_steps, std::int64_t total_steps, double min_lr)
    : LRScheduler(optimizer), warmup_steps_(warmup_steps), total_steps_(total_steps), min_lr_(min_lr) {
  if (warmup_steps < 0) {
    throw Error("WarmupCosineLR: warmup_steps must be non-negative, got " + std::to_string(warmup_steps));
  }
  if (total_steps <= 0) {
    throw Error("WarmupCosineLR: total_steps must be positive, got " + std::to_string(total_steps));
  }
  if (warmup_steps > total_steps) {
    throw Error("WarmupCosineLR: warmup_steps (" + std::to_string(warmup_steps) + ") must not exceed total_steps (" +
                std::to_string(total_steps) + ")");
  }
  if (!(min_lr >= 0) || !std::isfinite(min_lr)) {
    throw Error("WarmupCosineLR: min_lr must be non-negative and finite, got " + format_number(min_lr));
  }
  initial_step();
}

double WarmupCosineLR::get_lr(std::size_t group) const { return closed_form_lr(last_epoch(), group); }

double WarmupCosineLR::closed_form_lr(std::int64_t epoch, std::size_t group) const {
  const double base_lr = base_lrs()[group];
  if (epoch < warmup_steps_) return base_lr * static_cast<double>(epoch) / static_cast<double>(warmup_steps_);
  if (epoch >= total_steps_) return min_lr_;
  const double progress =
      kPi * static_cast<double>(epoch - warmup_steps_) / static_cast<double>(total_steps_ - warmup_steps_);
  return min_lr_ + (base_lr - min_lr_) * (1 + std::cos(progress)) / 2;
}

}  // namespace xg::optim
