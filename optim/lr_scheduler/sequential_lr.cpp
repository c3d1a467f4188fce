#include <xgrad/optim/lr_scheduler/sequential_lr.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/lr_scheduler/chained_scheduler.hpp>

#include <algorithm>

namespace xg::optim {

SequentialLR::SequentialLR(Optimizer& optimizer, std::vector<std::unique_ptr<LRScheduler>> schedulers,
                           std::vector<std::int64_t> milestones)
    : LRScheduler(optimizer), schedulers_(std::move(schedulers)), milestones_(std::move(milestones)) {
  if (schedulers_.empty()) throw Error("SequentialLR: expected at least one scheduler, got none");
  for (std::size_t i = 0; i < schedulers_.size(); ++i) {
    const std::string which = "SequentialLR: scheduler " + std::to_string(i);
    const LRScheduler* sub = schedulers_[i].get();
    if (sub == nullptr) throw Error(which + " is null");
    // PyTorch 1.13 cannot restart a SequentialLR at a milestone (its step() takes no epoch), nor
    // rewind one correctly as a first scheduler; we refuse instead of going wrong.
    if (dynamic_cast<const SequentialLR*>(sub) != nullptr) {
      throw Error(which + " is a SequentialLR; nesting is not supported");
    }
    // Nor can it take a ChainedScheduler, which has no last_epoch in PyTorch 1.13.
    if (dynamic_cast<const ChainedScheduler*>(sub) != nullptr) {
      throw Error(which + " is a ChainedScheduler; nesting one in a SequentialLR is not supported");
    }
    if (&sub->optimizer() != &optimizer) {
      throw Error(which + " belongs to a different optimizer than the one passed in");
    }
    if (sub->num_groups() != num_groups()) {
      throw Error(which + " was constructed for " + std::to_string(sub->num_groups()) +
                  " param groups but the optimizer has " + std::to_string(num_groups()));
    }
  }
  if (milestones_.size() + 1 != schedulers_.size()) {
    throw Error("SequentialLR: expected one milestone fewer than schedulers, got " +
                std::to_string(schedulers_.size()) + " schedulers and " + std::to_string(milestones_.size()) +
                " milestones");
  }
  for (std::size_t i = 0; i < milestones_.size(); ++i) {
    if (milestones_[i] <= 0 || (i > 0 && milestones_[i] <= milestones_[i - 1])) {
      throw Error("SequentialLR: milestones must be positive and strictly increasing, got " +
                  detail::format_list(milestones_));
    }
  }

  // Every check passed: only now touch the optimizer. The sub-scheduler constructed first saw the
  // untouched lrs; all of them take those as base lrs, like PyTorch's shared group['initial_lr'].
  const auto built_first = std::min_element(schedulers_.begin(), schedulers_.end(), [](const auto& a, const auto& b) {
    return a->construction_index_ < b->construction_index_;
  });
  const std::vector<double> initial_lrs = (*built_first)->base_lrs_;
  base_lrs_ = initial_lrs;
  // Undo the sub-schedulers' own initial steps, as PyTorch does: the initial lrs back in the groups,
  // every sub-scheduler one epoch back, and the initial step of the first one only.
  set_lrs(initial_lrs);
  for (const std::unique_ptr<LRScheduler>& sub : schedulers_) {
    sub->base_lrs_ = initial_lrs;
    sub->last_epoch_ -= 1;
  }
  schedulers_[0]->initial_step();
  last_lr_ = schedulers_[0]->last_lr_;
  last_epoch_ = 0;
}

void SequentialLR::step() {
  check_param_groups();
  ++last_epoch_;
  const std::size_t i = active(last_epoch_);
  LRScheduler& sub = *schedulers_[i];
  if (i > 0 && milestones_[i - 1] == last_epoch_) {
    sub.step_to(0);  // its first epoch: the closed form at 0, from its base lrs
  } else {
    sub.step();
  }
  last_lr_ = sub.last_lr_;
}

std::vector<LRScheduler*> SequentialLR::sub_schedulers() const {
  std::vector<LRScheduler*> subs;
  for (const auto& sub : schedulers_) subs.push_back(sub.get());
  return subs;
}

bool SequentialLR::has_closed_form() const {
  return std::all_of(schedulers_.begin(), schedulers_.end(), [](const auto& sub) { return sub->has_closed_form(); });
}

double SequentialLR::closed_form_lr(std::int64_t epoch, std::size_t group) const {
  const std::size_t i = active(epoch);
  const std::int64_t start = i == 0 ? 0 : milestones_[i - 1];
  return schedulers_[i]->closed_form_lr(epoch - start, group);
}

std::size_t SequentialLR::active(std::int64_t epoch) const {
  return static_cast<std::size_t>(std::upper_bound(milestones_.begin(), milestones_.end(), epoch) -
                                  milestones_.begin());
}

}  // namespace xg::optim
