#pragma once
// SequentialLR (PyTorch 1.13): hands the optimizer from one scheduler to the next at milestones. The
// PyTorch way to write warmup then cosine decay:
//
//   std::vector<std::unique_ptr<xg::optim::LRScheduler>> parts;
//   parts.push_back(std::make_unique<xg::optim::LinearLR>(opt, 0.1, 1.0, 5));
//   parts.push_back(std::make_unique<xg::optim::CosineAnnealingLR>(opt, 95));
//   xg::optim::SequentialLR sched(opt, std::move(parts), {5});
//
// Ownership: SequentialLR owns its sub-schedulers (std::unique_ptr). They must be stepped only through
// it (stepping one directly would put the sequence out of step) and live exactly as long as it does;
// scheduler(i) lets you read them.
//
// What PyTorch 1.13 does, and so do we:
// - Construction. Each sub-scheduler already performed its own initial step when it was constructed
//   (LinearLR scaled the lr by start_factor, ...). SequentialLR undoes that: it sets every group's lr
//   back to its initial lr, moves every sub-scheduler's last_epoch back by one, and performs the
//   initial step of the first sub-scheduler only. last_epoch() is then 0.
// - step(): last_epoch += 1; the active scheduler is number i = (how many milestones are <= last_epoch).
//   On its milestone it is restarted at its epoch 0 with its closed form (PyTorch's deprecated
//   step(0)), so a CosineAnnealingLR restarts at exactly its base lr; afterwards it steps normally.
// - Base lrs. PyTorch keeps each group's initial lr in group['initial_lr'], written by the first
//   scheduler constructed on the optimizer and read by all later ones, so a CosineAnnealingLR
//   constructed after a LinearLR still decays from the untouched lr. Our groups have no such slot:
//   SequentialLR takes the base lrs of the sub-scheduler constructed first (whatever its position) and
//   gives them to all of them.
// A PyTorch 1.13 gotcha, reproduced: with LinearLR(total_iters = W) and milestone W the warmup never
// reaches its end factor, since epoch W is already the next scheduler's epoch 0.
//
// Not in PyTorch: lr_at(t) composes the closed forms, lr_at(t) = scheduler(i).lr_at(t - milestone[i-1]),
// when every sub-scheduler has one.

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

#include <memory>

namespace xg::optim {

class SequentialLR final : public LRScheduler {
 public:
  // Throws xg::Error (changing nothing) unless there is at least one scheduler, none is null or a
  // SequentialLR, all belong to `optimizer` and were constructed for its current param groups, and
  // there is one milestone fewer than schedulers, positive and strictly increasing.
  SequentialLR(Optimizer& optimizer, std::vector<std::unique_ptr<LRScheduler>> schedulers,
               std::vector<std::int64_t> milestones);

  void step() override;

  const char* name() const override { return "SequentialLR"; }
  bool has_closed_form() const override;
  std::size_t num_schedulers() const { return schedulers_.size(); }
  const LRScheduler& scheduler(std::size_t i) const { return *schedulers_.at(i); }
  const std::vector<std::int64_t>& milestones() const { return milestones_; }

 private:
  // Never called: step() is overridden, and a SequentialLR cannot be a sub-scheduler.
  double get_lr(std::size_t group) const override { return group_lr(group); }
  double closed_form_lr(std::int64_t epoch, std::size_t group) const override;
  std::vector<LRScheduler*> sub_schedulers() const override;
  // The index of the scheduler in charge at `epoch`.
  std::size_t active(std::int64_t epoch) const;

  std::vector<std::unique_ptr<LRScheduler>> schedulers_;
  std::vector<std::int64_t> milestones_;
};

}  // namespace xg::optim
