#pragma once
// ConstantLR (PyTorch 1.13): keeps each group's lr at factor * base_lr for the first total_iters epochs,
// then at base_lr.
//   lr(t) = base_lr * factor          for t <  total_iters
//   lr(t) = base_lr                   for t >= total_iters
// step() uses PyTorch's chainable form: lr(0) = lr * factor, lr(total_iters) = lr * (1 / factor), the
// group's lr otherwise. lr_at() is PyTorch's closed form, base_lr * (factor + [t >= total_iters] * (1 - factor)).

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class ConstantLR final : public LRScheduler {
 public:
  // Throws xg::Error unless 0 < factor <= 1 and total_iters > 0. (PyTorch accepts factor 0 and then
  // divides by zero at total_iters; it does not check total_iters.)
  explicit ConstantLR(Optimizer& optimizer, double factor = 1.0 / 3, std::int64_t total_iters = 5);

  const char* name() const override { return "ConstantLR"; }
  bool has_closed_form() const override { return true; }
  double factor() const { return factor_; }
  std::int64_t total_iters() const { return total_iters_; }

 private:
  double get_lr(std::size_t group) const override;
  double closed_form_lr(std::int64_t epoch, std::size_t group) const override;

  double factor_;
  std::int64_t total_iters_;
};

}  // namespace xg::optim
