#include <xgrad/optim/lr_scheduler/linear_lr.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>

namespace xg::optim {

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, std::int64_t total_iters)
    : LRScheduler(optimizer), start_factor_(start_factor), end_factor_(end_factor), total_iters_(total_iters) {
  if (!(start_factor > 0 && start_factor <= 1)) {
    throw Error("LinearLR: start_factor must be in (0, 1], got " + format_number(start_factor));
  }
  if (!(end_factor >= 0 && end_factor <= 1)) {
    throw Error("LinearLR: end_factor must be in [0, 1], got " + format_number(end_factor));
  }
  if (total_iters <= 0) throw Error("LinearLR: total_iters must be positive, got " + std::to_string(total_iters));
  initial_step();
}

double LinearLR::get_lr(std::size_t group) const {
  const std::int64_t t = last_epoch();
  const double lr = group_lr(group);
  if (t == 0) return lr * start_factor_;
  if (t > total_iters_) return lr;
  const double slope = end_factor_ - start_factor_;
  // The factor at t divided by the factor at t-1, in PyTorch's order of operations.
  return lr * (1. + slope / (static_cast<double>(total_iters_) * start_factor_ + static_cast<double>(t - 1) * slope));
}

double LinearLR::closed_form_lr(std::int64_t epoch, std::size_t group) const {
  const double done = static_cast<double>(std::min(total_iters_, epoch));
  return base_lrs()[group] * (start_factor_ + (end_factor_ - start_factor_) * done / static_cast<double>(total_iters_));
}

}  // namespace xg::optim
