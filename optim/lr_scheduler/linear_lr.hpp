#pragma once
// LinearLR (PyTorch 1.13): scales each group's lr by a factor that moves linearly from start_factor
// to end_factor over total_iters epochs, then stays there; the usual warmup.
//   lr(t) = base_lr * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)
// step() uses PyTorch's chainable form: lr(0) = lr * start_factor, then for 1 <= t <= total_iters
//   lr(t) = lr(t-1) * (1 + (end - start) / (total_iters * start + (t - 1) * (end - start)))
// and lr(t) = lr(t-1) after.

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class LinearLR final : public LRScheduler {
 public:
  // Throws xg::Error unless 0 < start_factor <= 1, 0 <= end_factor <= 1 and total_iters > 0.
  // (PyTorch 1.13 accepts start_factor 0 and then divides by zero at the first step; later PyTorch
  // rejects it too. PyTorch does not check total_iters; 0 divides by zero in its closed form.)
  explicit LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0,
                    std::int64_t total_iters = 5);

  const char* name() const override { return "LinearLR"; }
  bool has_closed_form() const override { return true; }
  double start_factor() const { return start_factor_; }
  double end_factor() const { return end_factor_; }
  std::int64_t total_iters() const { return total_iters_; }

 private:
  double get_lr(std::size_t group) const override;
  double closed_form_lr(std::int64_t epoch, std::size_t group) const override;

  double start_factor_;
  double end_factor_;
  std::int64_t total_iters_;
};

}  // namespace xg::optim
