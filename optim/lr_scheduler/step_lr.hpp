#pragma once
// StepLR (PyTorch 1.13): multiplies each group's lr by gamma every step_size epochs.
//   lr(t) = base_lr * gamma^floor(t / step_size)

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class StepLR final : public LRScheduler {
 public:
  // Throws xg::Error unless step_size > 0 and gamma is positive and finite.
  StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);

  const char* name() const override { return "StepLR"; }
  bool has_closed_form() const override { return true; }
  std::int64_t step_size() const { return step_size_; }
  double gamma() const { return gamma_; }

 private:
  double get_lr(std::size_t group) const override;
  double closed_form_lr(std::int64_t epoch, std::size_t group) const override;

  std::int64_t step_size_;
  double gamma_;
};

}  // namespace xg::optim
