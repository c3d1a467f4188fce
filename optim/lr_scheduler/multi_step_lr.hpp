#pragma once
// MultiStepLR (PyTorch 1.13): multiplies each group's lr by gamma when the epoch reaches a milestone.
//   lr(t) = base_lr * gamma^(number of milestones <= t)

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class MultiStepLR final : public LRScheduler {
 public:
  // Throws xg::Error unless the milestones are non-negative and strictly increasing and gamma is
  // positive and finite. (PyTorch only documents "must be increasing" and, given a repeated
  // milestone, applies gamma twice at once; a list out of order is almost always a typo.)
  MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma = 0.1);

  const char* name() const override { return "MultiStepLR"; }
  bool has_closed_form() const override { return true; }
  const std::vector<std::int64_t>& milestones() const { return milestones_; }
  double gamma() const { return gamma_; }

 private:
  double get_lr(std::size_t group) const override;
  double closed_form_lr(std::int64_t epoch, std::size_t group) const override;

  std::vector<std::int64_t> milestones_;
  double gamma_;
};

}  // namespace xg::optim
