#pragma once
// CosineAnnealingWarmRestarts (PyTorch 1.13, SGDR): half a cosine from each group's base lr down to
// eta_min over T_i epochs, then a restart at the base lr; the first period is T_0 epochs, each next one
// T_mult times longer.
//   lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2
// where T_cur counts the epochs since the last restart. step(): T_cur += 1; at T_cur == T_i the period
// ends: T_cur = 0, T_i *= T_mult. T_cur and T_i are the state's scalars, as in PyTorch's state_dict.
// Not chainable: every step sets the formula's value (lrs set from outside are overwritten). PyTorch
// declares no closed form; step(epoch) with a fractional epoch (PyTorch's per-batch form) is not offered.

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class CosineAnnealingWarmRestarts final : public LRScheduler {
 public:
  // Throws xg::Error unless T_0 > 0, T_mult >= 1 and eta_min is non-negative and finite.
  CosineAnnealingWarmRestarts(Optimizer& optimizer, std::int64_t T_0, std::int64_t T_mult = 1, double eta_min = 0.0);

  const char* name() const override { return "CosineAnnealingWarmRestarts"; }
  std::int64_t T_0() const { return T_0_; }
  std::int64_t T_mult() const { return T_mult_; }
  double eta_min() const { return eta_min_; }
  // Epochs since the last restart, and the length of the current period.
  std::int64_t T_cur() const { return T_cur_; }
  std::int64_t T_i() const { return T_i_; }

  void step() override;

 private:
  double get_lr(std::size_t group) const override;
  // SequentialLR restarts it at its epoch 0 (PyTorch's step(epoch), integer epochs).
  void step_to(std::int64_t epoch) override;

  std::vector<std::pair<std::string, double>> scalars() const override;
  void check_scalars(const std::vector<std::pair<std::string, double>>& scalars,
                     const std::string& where) const override;
  void restore_scalars(const std::vector<std::pair<std::string, double>>& scalars) override;

  std::int64_t T_0_;
  std::int64_t T_mult_;
  double eta_min_;
  std::int64_t T_cur_ = 0;
  std::int64_t T_i_;
};

}  // namespace xg::optim
