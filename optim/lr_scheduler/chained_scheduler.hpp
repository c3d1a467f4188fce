#pragma once
// ChainedScheduler (PyTorch 1.13): steps several schedulers of one optimizer together, each in turn,
// so that their changes to the lr compose (chainable rules multiply):
//
//   std::vector<std::unique_ptr<xg::optim::LRScheduler>> parts;
//   parts.push_back(std::make_unique<xg::optim::ConstantLR>(opt, 0.1, 2));
//   parts.push_back(std::make_unique<xg::optim::ExponentialLR>(opt, 0.9));
//   xg::optim::ChainedScheduler sched(std::move(parts));
//
// As in PyTorch it performs no initial step of its own (its schedulers did theirs when they were
// constructed); get_last_lr() is the groups' lrs after the last step. Its state holds its schedulers'
// states, in order. It owns them: step them only through it.
// Base lrs are each scheduler's own (the lrs it found when constructed); PyTorch gives every scheduler
// the lrs the first one found (group['initial_lr']), which differs for a later scheduler whose rule
// reads its base lr (LambdaLR, CosineAnnealingWarmRestarts): construct such a scheduler first.

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

#include <memory>

namespace xg::optim {

class ChainedScheduler final : public LRScheduler {
 public:
  // Throws xg::Error unless there is at least one scheduler, none is null, and all belong to the same
  // optimizer and were constructed for its current param groups.
  explicit ChainedScheduler(std::vector<std::unique_ptr<LRScheduler>> schedulers);

  void step() override;

  const char* name() const override { return "ChainedScheduler"; }
  std::size_t num_schedulers() const { return schedulers_.size(); }
  const LRScheduler& scheduler(std::size_t i) const { return *schedulers_.at(i); }

 private:
  // Never called: step() is overridden.
  double get_lr(std::size_t group) const override { return group_lr(group); }
  std::vector<LRScheduler*> sub_schedulers() const override;

  std::vector<std::unique_ptr<LRScheduler>> schedulers_;
};

}  // namespace xg::optim
