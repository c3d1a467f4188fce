#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

#include <xgrad/core/error.hpp>

#include <atomic>

namespace xg::optim {

namespace {
std::atomic<std::uint64_t> schedulers_constructed{0};
}  // namespace

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer), construction_index_(schedulers_constructed++) {
  for (const OptimizerParamGroup& group : optimizer_.param_groups()) base_lrs_.push_back(group.options().get_lr());
  last_lr_ = base_lrs_;
}

void LRScheduler::step() {
  check_param_groups();
  ++last_epoch_;
  std::vector<double> lrs(num_groups());
  for (std::size_t g = 0; g < lrs.size(); ++g) lrs[g] = get_lr(g);
  set_lrs(lrs);
  set_momentums();
}

void LRScheduler::step_to(std::int64_t epoch) {
  check_param_groups();
  last_epoch_ = epoch;
  std::vector<double> lrs(num_groups());
  for (std::size_t g = 0; g < lrs.size(); ++g) lrs[g] = has_closed_form() ? closed_form_lr(epoch, g) : get_lr(g);
  set_lrs(lrs);
  set_momentums();
}

double LRScheduler::lr_at(std::int64_t step, std::size_t group) const {
  const std::string where = std::string(name()) + "::lr_at: ";
  if (!has_closed_form()) throw Error(where + "this scheduler has no closed form");
  if (step < 0) throw Error(where + "step must be non-negative, got " + std::to_string(step));
  if (group >= num_groups()) {
    throw Error(where + "group " + std::to_string(group) + " is out of range for a scheduler of " +
                std::to_string(num_groups()) + " param groups");
  }
  return closed_form_lr(step, group);
}

std::vector<double> LRScheduler::lrs_at(std::int64_t step) const {
  std::vector<double> lrs(num_groups());
  for (std::size_t g = 0; g < lrs.size(); ++g) lrs[g] = lr_at(step, g);
  return lrs;
}

double LRScheduler::closed_form_lr(std::int64_t, std::size_t) const {
  throw Error(std::string(name()) + "::lr_at: this scheduler has no closed form");
}

double LRScheduler::group_lr(std::size_t group) const { return optimizer_.param_groups()[group].options().get_lr(); }

void LRScheduler::set_lrs(const std::vector<double>& lrs) {
  for (std::size_t g = 0; g < lrs.size(); ++g) optimizer_.param_groups()[g].options().set_lr(lrs[g]);
  last_lr_ = lrs;
}

void LRScheduler::check_param_groups() const {
  const std::size_t groups = optimizer_.param_groups().size();
  if (groups != num_groups()) {
    throw Error(std::string(name()) + ": the optimizer has " + std::to_string(groups) +
                " param groups but the scheduler was constructed for " + std::to_string(num_groups()) +
                "; construct schedulers after adding every param group");
  }
}

LRSchedulerState LRScheduler::state_dict() const {
  LRSchedulerState state{name(), last_epoch_, base_lrs_, last_lr_, scalars(), {}};
  for (const LRScheduler* sub : sub_schedulers()) state.children.push_back(sub->state_dict());
  return state;
}

void LRScheduler::load_state_dict(const LRSchedulerState& state) {
  check_state_dict(state);
  restore(state);
}

void LRScheduler::check_state(const LRSchedulerState& state, std::int64_t min_last_epoch) const {
  const std::string where = std::string(name()) + "::load_state_dict: ";
  if (state.scheduler != name()) throw Error(where + "the state was saved by a " + state.scheduler);
  if (state.base_lrs.size() != num_groups() || state.last_lr.size() != num_groups()) {
    throw Error(where + "the state holds lrs for " + std::to_string(state.base_lrs.size()) + " and " +
                std::to_string(state.last_lr.size()) + " param groups, the scheduler has " +
                std::to_string(num_groups()));
  }
  if (state.last_epoch < min_last_epoch) {
    throw Error(where + "last_epoch must be >= " + std::to_string(min_last_epoch) + ", got " +
                std::to_string(state.last_epoch));
  }
  const auto names = [](const std::vector<std::pair<std::string, double>>& list) {
    return "[" + join_with(list, [](const auto& entry) { return entry.first; }) + "]";
  };
  const std::vector<std::pair<std::string, double>> expected = scalars();
  bool same_names = expected.size() == state.scalars.size();
  for (std::size_t i = 0; same_names && i < expected.size(); ++i)
    same_names = expected[i].first == state.scalars[i].first;
  if (!same_names) {
    throw Error(where + "the state holds the scalars " + names(state.scalars) + ", expected " + names(expected));
  }
  check_scalars(state.scalars, where);
  const std::vector<LRScheduler*> subs = sub_schedulers();
  if (state.children.size() != subs.size()) {
    throw Error(where + "the state holds " + std::to_string(state.children.size()) +
                " sub-scheduler states, expected " + std::to_string(subs.size()));
  }
  for (std::size_t i = 0; i < subs.size(); ++i) subs[i]->check_state(state.children[i], -1);
}

void LRScheduler::restore(const LRSchedulerState& state) {
  last_epoch_ = state.last_epoch;
  base_lrs_ = state.base_lrs;
  last_lr_ = state.last_lr;
  restore_scalars(state.scalars);
  const std::vector<LRScheduler*> subs = sub_schedulers();
  for (std::size_t i = 0; i < subs.size(); ++i) subs[i]->restore(state.children[i]);
}

namespace detail {

std::string format_list(const std::vector<std::int64_t>& values) {
  return "[" + join_with(values, [](std::int64_t value) { return std::to_string(value); }) + "]";
}

}  // namespace detail

}  // namespace xg::optim
