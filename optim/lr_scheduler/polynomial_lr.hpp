#pragma once
// PolynomialLR (PyTorch 1.13): decays each group's lr to 0 over total_iters epochs along a polynomial,
// then keeps it there.
//   lr(t) = base_lr * (1 - min(t, total_iters) / total_iters) ^ power          (the closed form, lr_at)
// step() uses PyTorch's chainable form: for 1 <= t <= total_iters
//   lr(t) = lr(t-1) * ((1 - t / total_iters) / (1 - (t - 1) / total_iters)) ^ power
// and the group's lr unchanged at t = 0 and after total_iters.

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class PolynomialLR final : public LRScheduler {
 public:
  // Throws xg::Error unless total_iters > 0 and power is non-negative and finite. (PyTorch checks
  // neither; total_iters 0 divides by zero, a negative power raises 0 to it at total_iters.)
  explicit PolynomialLR(Optimizer& optimizer, std::int64_t total_iters = 5, double power = 1.0);

  const char* name() const override { return "PolynomialLR"; }
  bool has_closed_form() const override { return true; }
  std::int64_t total_iters() const { return total_iters_; }
  double power() const { return power_; }

 private:
  double get_lr(std::size_t group) const override;
  double closed_form_lr(std::int64_t epoch, std::size_t group) const override;

  std::int64_t total_iters_;
  double power_;
};

}  // namespace xg::optim
