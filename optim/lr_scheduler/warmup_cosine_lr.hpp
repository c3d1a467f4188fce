#pragma once
// WarmupCosineLR (xgrad's own; PyTorch spells it SequentialLR([LinearLR, CosineAnnealingLR], [W])):
// a linear warmup from 0 to each group's base lr over warmup_steps, then half a cosine from the base
// lr down to min_lr at total_steps, then min_lr for good. With t = last_epoch(), W = warmup_steps,
// T = total_steps:
//   t <  W:        lr(t) = base_lr * t / W
//   W <= t < T:    lr(t) = min_lr + (base_lr - min_lr) * (1 + cos(pi * (t - W) / (T - W))) / 2
//   t >= T:        lr(t) = min_lr
// so lr(0) = 0, lr(W) = base_lr exactly (the two pieces meet there), lr(T) = min_lr exactly, and the
// cosine starts flat where the warmup ends. With W = 0 there is no warmup; with W = T no cosine (the
// lr rises to base_lr * (W-1)/W and drops to min_lr at T). Unlike PyTorch's SequentialLR version,
// the lr does not jump at the end of the warmup and does not rise again after T.
//
// step() sets the closed form itself (it is not chainable: lrs set from outside are overwritten).
// Note lr(0) = 0: the first optimizer step, taken before the first scheduler step, does nothing.

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class WarmupCosineLR final : public LRScheduler {
 public:
  // Throws xg::Error unless 0 <= warmup_steps <= total_steps, total_steps > 0 and min_lr is
  // non-negative and finite.
  WarmupCosineLR(Optimizer& optimizer, std::int64_t warmup_steps, std::int64_t total_steps, double min_lr = 0.0);

  const char* name() const override { return "WarmupCosineLR"; }
  bool has_closed_form() const override { return true; }
  std::int64_t warmup_steps() const { return warmup_steps_; }
  std::int64_t total_steps() const { return total_steps_; }
  double min_lr() const { return min_lr_; }

 private:
  double get_lr(std::size_t group) const override;
  double closed_form_lr(std::int64_t epoch, std::size_t group) const override;

  std::int64_t warmup_steps_;
  std::int64_t total_steps_;
  double min_lr_;
};

}  // namespace xg::optim
