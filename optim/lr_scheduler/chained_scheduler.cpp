#include <xgrad/optim/lr_scheduler/chained_scheduler.hpp>

#include <xgrad/core/error.hpp>

namespace xg::optim {

namespace {

Optimizer& optimizer_of(const std::vector<std::unique_ptr<LRScheduler>>& schedulers) {
  if (schedulers.empty()) throw Error("ChainedScheduler: expected at least one scheduler, got none");
  if (schedulers[0] == nullptr) throw Error("ChainedScheduler: scheduler 0 is null");
  return schedulers[0]->optimizer();
}

}  // namespace

ChainedScheduler::ChainedScheduler(std::vector<std::unique_ptr<LRScheduler>> schedulers)
    : LRScheduler(optimizer_of(schedulers)), schedulers_(std::move(schedulers)) {
  for (std::size_t i = 0; i < schedulers_.size(); ++i) {
    const std::string which = "ChainedScheduler: scheduler " + std::to_string(i);
    if (schedulers_[i] == nullptr) throw Error(which + " is null");
    if (&schedulers_[i]->optimizer() != &optimizer()) {
      throw Error(which + " belongs to a different optimizer than scheduler 0");
    }
    if (schedulers_[i]->num_groups() != num_groups()) {
      throw Error(which + " was constructed for " + std::to_string(schedulers_[i]->num_groups()) +
                  " param groups but the optimizer has " + std::to_string(num_groups()));
    }
  }
  last_epoch_ = 0;  // no initial step: the lrs are those its schedulers left
}

void ChainedScheduler::step() {
  check_param_groups();
  ++last_epoch_;
  for (const std::unique_ptr<LRScheduler>& sub : schedulers_) sub->step();
  std::vector<double> lrs(num_groups());
  for (std::size_t g = 0; g < lrs.size(); ++g) lrs[g] = group_lr(g);
  last_lr_ = lrs;
}

std::vector<LRScheduler*> ChainedScheduler::sub_schedulers() const {
  std::vector<LRScheduler*> subs;
  for (const auto& sub : schedulers_) subs.push_back(sub.get());
  return subs;
}

}  // namespace xg::optim
