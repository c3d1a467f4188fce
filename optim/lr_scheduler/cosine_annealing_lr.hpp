#pragma once
// CosineAnnealingLR (PyTorch 1.13): anneals each group's lr from its base lr to eta_min along half a
// cosine over T_max epochs,
//   lr(t) = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2        (the closed form)
// and does NOT stop at T_max: the cosine goes on, back up to base_lr at 2*T_max, and so on with
// period 2*T_max. For warmup then a single decay use SequentialLR or WarmupCosineLR.
//
// step() reproduces PyTorch's recursive (chainable) form, which is what PyTorch users see:
//   t == 0:                       lr(0) = the group's lr
//   (t - 1 - T_max) % (2 T_max) == 0:  lr(t) = lr(t-1) + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2
//   otherwise:  lr(t) = (1 + cos(pi t / T_max)) / (1 + cos(pi (t-1) / T_max)) * (lr(t-1) - eta_min) + eta_min
// (the middle case is the step out of a trough, where the ratio would be 0/0). Mathematically both
// forms agree; in doubles the recursive one drifts by rounding, a little more after each trough: over
// three periods of T_max = 10 it ends 1.5e-14 (relative) above the closed form, and lr(2 T_max) is
// 0.10000000000000044 rather than 0.1 for a base lr of 0.1. lr_at() gives the closed form.

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class CosineAnnealingLR final : public LRScheduler {
 public:
  // Throws xg::Error unless T_max > 0 and eta_min is non-negative and finite.
  CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min = 0.0);

  const char* name() const override { return "CosineAnnealingLR"; }
  bool has_closed_form() const override { return true; }
  std::int64_t T_max() const { return T_max_; }
  double eta_min() const { return eta_min_; }

 private:
  double get_lr(std::size_t group) const override;
  double closed_form_lr(std::int64_t epoch, std::size_t group) const override;

  std::int64_t T_max_;
  double eta_min_;
};

}  // namespace xg::optim
