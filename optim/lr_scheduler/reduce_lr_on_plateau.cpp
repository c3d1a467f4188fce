#include <xgrad/optim/lr_scheduler/reduce_lr_on_plateau.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace xg::optim {

namespace {

void check_non_negative(const char* what, double value) {
  if (!(value >= 0) || !std::isfinite(value)) {
    throw Error(std::string("ReduceLROnPlateau: ") + what + " must be non-negative and finite, got " +
                format_number(value));
  }
}

void check_non_negative(const char* what, std::int64_t value) {
  if (value < 0)
    throw Error(std::string("ReduceLROnPlateau: ") + what + " must be non-negative, got " + std::to_string(value));
}

}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, Mode mode, double factor, std::int64_t patience,
                                     double threshold, ThresholdMode threshold_mode, std::int64_t cooldown,
                                     double min_lr, double eps)
    : ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, threshold_mode, cooldown,
                        std::vector<double>(optimizer.param_groups().size(), min_lr), eps) {}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, Mode mode, double factor, std::int64_t patience,
                                     double threshold, ThresholdMode threshold_mode, std::int64_t cooldown,
                                     std::vector<double> min_lrs, double eps)
    : optimizer_(optimizer),
      mode_(mode),
      factor_(factor),
      patience_(patience),
      threshold_(threshold),
      threshold_mode_(threshold_mode),
      cooldown_(cooldown),
      min_lrs_(std::move(min_lrs)),
      eps_(eps),
      best_(mode == Mode::min ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity()) {
  if (!(factor > 0 && factor < 1)) {
    throw Error("ReduceLROnPlateau: factor must be in (0, 1), got " + format_number(factor));
  }
  check_non_negative("patience", patience);
  check_non_negative("threshold", threshold);
  check_non_negative("cooldown", cooldown);
  const std::size_t groups = optimizer.param_groups().size();
  if (min_lrs_.size() != groups) {
    throw Error("ReduceLROnPlateau: expected " + std::to_string(groups) + " min_lrs (one per param group), got " +
                std::to_string(min_lrs_.size()));
  }
  for (double min_lr : min_lrs_) check_non_negative("min_lr", min_lr);
  check_non_negative("eps", eps);
  for (const OptimizerParamGroup& group : optimizer.param_groups()) last_lr_.push_back(group.options().get_lr());
}

ReduceLROnPlateauState ReduceLROnPlateau::state_dict() const {
  return {last_epoch_, best_, num_bad_epochs_, cooldown_counter_, last_lr_};
}

void ReduceLROnPlateau::load_state_dict(const ReduceLROnPlateauState& state) {
  check_state_dict(state);
  last_epoch_ = state.last_epoch;
  best_ = state.best;
  num_bad_epochs_ = state.num_bad_epochs;
  cooldown_counter_ = state.cooldown_counter;
  last_lr_ = state.last_lr;
}

void ReduceLROnPlateau::check_state_dict(const ReduceLROnPlateauState& state) const {
  const std::string where = "ReduceLROnPlateau::load_state_dict: ";
  const std::size_t groups = optimizer_.param_groups().size();
  if (state.last_lr.size() != groups) {
    throw Error(where + "the state holds lrs for " + std::to_string(state.last_lr.size()) +
                " param groups, the optimizer has " + std::to_string(groups));
  }
  if (state.last_epoch < 0 || state.num_bad_epochs < 0 || state.cooldown_counter < 0) {
    throw Error(where + "expected last_epoch, num_bad_epochs and cooldown_counter >= 0, got " +
                std::to_string(state.last_epoch) + ", " + std::to_string(state.num_bad_epochs) + " and " +
                std::to_string(state.cooldown_counter));
  }
}

void ReduceLROnPlateau::step(double metric) {
  const std::size_t groups = optimizer_.param_groups().size();
  if (groups != min_lrs_.size()) {
    throw Error("ReduceLROnPlateau: the optimizer has " + std::to_string(groups) +
                " param groups but the scheduler was constructed for " + std::to_string(min_lrs_.size()) +
                "; construct schedulers after adding every param group");
  }
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (in_cooldown()) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs during cooldown do not count
  }
  if (num_bad_epochs_ > patience_) {
    reduce_lr();
    cooldown_counter_ = cooldown_;
    num_bad_epochs_ = 0;
  }
  last_lr_.clear();
  for (const OptimizerParamGroup& group : optimizer_.param_groups()) last_lr_.push_back(group.options().get_lr());
}

bool ReduceLROnPlateau::is_better(double metric) const {
  if (mode_ == Mode::min) {
    return threshold_mode_ == ThresholdMode::rel ? metric < best_ * (1. - threshold_) : metric < best_ - threshold_;
  }
  return threshold_mode_ == ThresholdMode::rel ? metric > best_ * (threshold_ + 1.) : metric > best_ + threshold_;
}

void ReduceLROnPlateau::reduce_lr() {
  for (std::size_t g = 0; g < min_lrs_.size(); ++g) {
    OptimizerOptions& options = optimizer_.param_groups()[g].options();
    const double old_lr = options.get_lr();
    const double new_lr = std::max(old_lr * factor_, min_lrs_[g]);
    // A change smaller than eps is not worth making (PyTorch's rule).
    if (old_lr - new_lr > eps_) options.set_lr(new_lr);
  }
}

}  // namespace xg::optim
