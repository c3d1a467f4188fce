#include <xgrad/optim/lr_scheduler/constant_lr.hpp>

#include <xgrad/core/error.hpp>

namespace xg::optim {

ConstantLR::ConstantLR(Optimizer& optimizer, double factor, std::int64_t total_iters)
    : LRScheduler(optimizer), factor_(factor), total_iters_(total_iters) {
  if (!(factor > 0 && factor <= 1)) throw Error("ConstantLR: factor must be in (0, 1], got " + format_number(factor));
  if (total_iters <= 0) throw Error("ConstantLR: total_iters must be positive, got " + std::to_string(total_iters));
  initial_step();
}

double ConstantLR::get_lr(std::size_t group) const {
  const std::int64_t t = last_epoch();
  if (t == 0) return group_lr(group) * factor_;
  if (t != total_iters_) return group_lr(group);
  return group_lr(group) * (1.0 / factor_);
}

double ConstantLR::closed_form_lr(std::int64_t epoch, std::size_t group) const {
  // PyTorch multiplies a bool by (1 - factor): 0.0 before total_iters.
  return base_lrs()[group] * (factor_ + (epoch >= total_iters_ ? 1 - factor_ : 0.0));
}

}  // namespace xg::optim
