#pragma once
// ExponentialLR (PyTorch 1.13): multiplies each group's lr by gamma every epoch.
//   lr(t) = base_lr * gamma^t

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class ExponentialLR final : public LRScheduler {
 public:
  // Throws xg::Error unless gamma is positive and finite (gamma > 1 grows the lr, as in PyTorch).
  ExponentialLR(Optimizer& optimizer, double gamma);

  const char* name() const override { return "ExponentialLR"; }
  bool has_closed_form() const override { return true; }
  double gamma() const { return gamma_; }

 private:
  double get_lr(std::size_t group) const override;
  double closed_form_lr(std::int64_t epoch, std::size_t group) const override;

  double gamma_;
};

}  // namespace xg::optim
