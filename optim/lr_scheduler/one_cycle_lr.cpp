#include <xgrad/optim/lr_scheduler/one_cycle_lr.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/math_constants.hpp>
#include <xgrad/optim/lr_scheduler/cyclic_lr.hpp>

#include <cmath>

namespace xg::optim {

namespace {

using detail::kPi;

std::string text_of(const std::optional<std::int64_t>& value) { return value ? std::to_string(*value) : "none"; }

std::int64_t total_steps_of(const OneCycleLR::Options& options) {
  if (options.total_steps()) {
    if (*options.total_steps() <= 0) {
      throw Error("OneCycleLR: total_steps must be positive, got " + std::to_string(*options.total_steps()));
    }
    return *options.total_steps();
  }
  if (options.epochs().value_or(0) <= 0 || options.steps_per_epoch().value_or(0) <= 0) {
    throw Error("OneCycleLR: give a positive total_steps, or positive epochs and steps_per_epoch; got epochs " +
                text_of(options.epochs()) + " and steps_per_epoch " + text_of(options.steps_per_epoch()));
  }
  return *options.epochs() * *options.steps_per_epoch();
}

void check_positive(const char* what, double value) {
  if (!(value > 0) || !std::isfinite(value)) {
    throw Error(std::string("OneCycleLR: ") + what + " must be positive and finite, got " + format_number(value));
  }
}

}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, Options options)
    : LRScheduler(optimizer), total_steps_(total_steps_of(options)), anneal_strategy_(options.anneal_strategy()) {
  const double T = static_cast<double>(total_steps_), pct = options.pct_start();
  if (!(pct >= 0 && pct <= 1)) throw Error("OneCycleLR: pct_start must be in [0, 1], got " + format_number(pct));
  check_positive("div_factor", options.div_factor());
  check_positive("final_div_factor", options.final_div_factor());
  if (options.three_phase()) {
    phases_ = {{pct * T - 1, Value::initial_lr, Value::max_lr, Value::max_momentum, Value::base_momentum},
               {2 * pct * T - 2, Value::max_lr, Value::initial_lr, Value::base_momentum, Value::max_momentum},
               {T - 1, Value::initial_lr, Value::min_lr, Value::max_momentum, Value::max_momentum}};
  } else {
    phases_ = {{pct * T - 1, Value::initial_lr, Value::max_lr, Value::max_momentum, Value::base_momentum},
               {T - 1, Value::max_lr, Value::min_lr, Value::base_momentum, Value::max_momentum}};
  }
  const std::size_t groups = num_groups();
  max_lrs_ = detail::per_group("OneCycleLR", "max_lr", options.max_lrs(), groups);
  for (double max_lr : max_lrs_) {
    initial_lrs_.push_back(max_lr / options.div_factor());
    min_lrs_.push_back(initial_lrs_.back() / options.final_div_factor());
  }
  if (options.cycle_momentum()) {
    momentum_name_ = detail::momentum_name("OneCycleLR", optimizer, true);
    max_momentums_ = detail::per_group("OneCycleLR", "max_momentum", options.max_momentums(), groups);
    base_momentums_ = detail::per_group("OneCycleLR", "base_momentum", options.base_momentums(), groups);
  }
  position(0);  // throws now if PyTorch's first step would divide by zero
  // Every check passed: now the optimizer. PyTorch sets the momentum to max_momentum, then steps.
  for (std::size_t g = 0; g < max_momentums_.size(); ++g) {
    optimizer.param_groups()[g].options().set_hyperparameter(momentum_name_, max_momentums_[g]);
  }
  set_base_lrs(initial_lrs_);  // PyTorch's group['initial_lr']
  initial_step();
}

void OneCycleLR::step() {
  const std::int64_t next = last_epoch() + 1;
  if (next > total_steps_) {
    throw Error("OneCycleLR: tried to step " + std::to_string(next + 1) + " times; total_steps is " +
                std::to_string(total_steps_) + " (construction counts as the first)");
  }
  position(next);  // a phase of zero length throws before anything changes
  LRScheduler::step();
}

OneCycleLR::Position OneCycleLR::position(std::int64_t step_num) const {
  const double t = static_cast<double>(step_num);
  double start_step = 0;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    const double end_step = phases_[i].end_step;
    if (t <= end_step || i + 1 == phases_.size()) {
      if (end_step == start_step) {
        throw Error("OneCycleLR: phase " + std::to_string(i) + " has zero length at step " + std::to_string(step_num) +
                    " (pct_start * total_steps makes it end where it starts)");
      }
      return {&phases_[i], (t - start_step) / (end_step - start_step)};
    }
    start_step = end_step;
  }
  return {&phases_.back(), 0};  // not reached: the last phase always matches
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (anneal_strategy_ == AnnealStrategy::linear) return (end - start) * pct + start;
  const double cos_out = std::cos(kPi * pct) + 1;
  return end + (start - end) / 2.0 * cos_out;
}

double OneCycleLR::value(Value which, std::size_t group) const {
  switch (which) {
    case Value::initial_lr:
      return initial_lrs_[group];
    case Value::max_lr:
      return max_lrs_[group];
    case Value::min_lr:
      return min_lrs_[group];
    case Value::max_momentum:
      return max_momentums_[group];
    case Value::base_momentum:
      return base_momentums_[group];
  }
  return 0;
}

double OneCycleLR::get_lr(std::size_t group) const {
  const Position at = position(last_epoch());
  return anneal(value(at.phase->start_lr, group), value(at.phase->end_lr, group), at.pct);
}

void OneCycleLR::set_momentums() {
  if (momentum_name_.empty()) return;
  const Position at = position(last_epoch());
  for (std::size_t g = 0; g < num_groups(); ++g) {
    const double momentum = anneal(value(at.phase->start_momentum, g), value(at.phase->end_momentum, g), at.pct);
    optimizer().param_groups()[g].options().set_hyperparameter(momentum_name_, momentum);
  }
}

}  // namespace xg::optim
