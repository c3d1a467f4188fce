#include <xgrad/optim/lr_scheduler/cyclic_lr.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>

namespace xg::optim {

namespace detail {

std::vector<double> per_group(const char* scheduler, const char* name, const std::vector<double>& values,
                              std::size_t groups) {
  if (values.size() != 1 && values.size() != groups) {
    throw Error(std::string(scheduler) + ": expected 1 or " + std::to_string(groups) + " values for " + name +
                ", got " + std::to_string(values.size()));
  }
  for (double value : values) {
    if (!std::isfinite(value)) {
      throw Error(std::string(scheduler) + ": " + name + " must be finite, got " + format_number(value));
    }
  }
  return values.size() == groups ? values : std::vector<double>(groups, values[0]);
}

std::string momentum_name(const char* scheduler, const Optimizer& optimizer, bool betas) {
  const auto has = [&](const std::string& name) {
    return std::all_of(optimizer.param_groups().begin(), optimizer.param_groups().end(), [&](const auto& group) {
      const auto all = group.options().hyperparameters();
      return std::any_of(all.begin(), all.end(), [&](const auto& entry) { return entry.first == name; });
    });
  };
  if (!optimizer.param_groups().empty() && has("momentum")) return "momentum";
  if (betas && !optimizer.param_groups().empty() && has("beta1")) return "beta1";
  throw Error(std::string(scheduler) + ": cycle_momentum needs an optimizer with a momentum" +
              (betas ? " or betas" : "") + " (" + optimizer.name() + " has none); pass cycle_momentum = false");
}

}  // namespace detail

CyclicLR::CyclicLR(Optimizer& optimizer, Options options)
    : LRScheduler(optimizer),
      mode_(options.mode()),
      gamma_(options.gamma()),
      scale_fn_(options.scale_fn()),
      scale_mode_(options.scale_mode()),
      cycle_momentum_(options.cycle_momentum()) {
  const std::size_t groups = num_groups();
  const std::vector<double> base_lrs = detail::per_group("CyclicLR", "base_lr", options.base_lrs(), groups);
  max_lrs_ = detail::per_group("CyclicLR", "max_lr", options.max_lrs(), groups);
  const double up = options.step_size_up(), down = options.step_size_down().value_or(up);
  if (!(up > 0) || !std::isfinite(up)) throw Error("CyclicLR: step_size_up must be positive, got " + format_number(up));
  if (!(down >= 0) || !std::isfinite(down)) {
    throw Error("CyclicLR: step_size_down must be non-negative, got " + format_number(down));
  }
  total_size_ = up + down;
  step_ratio_ = up / total_size_;
  if (!std::isfinite(gamma_)) throw Error("CyclicLR: gamma must be finite, got " + format_number(gamma_));
  if (cycle_momentum_) {
    detail::momentum_name("CyclicLR", optimizer, false);
    base_momentums_ = detail::per_group("CyclicLR", "base_momentum", options.base_momentums(), groups);
    max_momentums_ = detail::per_group("CyclicLR", "max_momentum", options.max_momentums(), groups);
  }
  // Every check passed: now the optimizer. PyTorch sets the lrs (and momentums) to the base values
  // first; the initial step then sets the momentums to max_momentum.
  set_lrs(base_lrs);
  set_base_lrs(base_lrs);
  for (std::size_t g = 0; g < base_momentums_.size(); ++g) {
    optimizer.param_groups()[g].options().set_hyperparameter("momentum", base_momentums_[g]);
  }
  initial_step();
}

double CyclicLR::scale_factor() const {
  const double t = static_cast<double>(last_epoch());
  const double cycle = std::floor(1 + t / total_size_);
  const double x = 1. + t / total_size_ - cycle;
  return x <= step_ratio_ ? x / step_ratio_ : (x - 1) / (step_ratio_ - 1);
}

double CyclicLR::scale() const {
  const double t = static_cast<double>(last_epoch());
  const double cycle = std::floor(1 + t / total_size_);
  if (scale_fn_) return scale_fn_(scale_mode_ == ScaleMode::cycle ? cycle : t);
  switch (mode_) {
    case Mode::triangular:
      return 1.;
    case Mode::triangular2:
      return 1 / std::pow(2., cycle - 1);
    case Mode::exp_range:
      return std::pow(gamma_, t);
  }
  return 1.;
}

double CyclicLR::get_lr(std::size_t group) const {
  const double base_lr = base_lrs()[group];
  const double base_height = (max_lrs_[group] - base_lr) * scale_factor();
  return base_lr + base_height * scale();
}

void CyclicLR::set_momentums() {
  if (!cycle_momentum_) return;
  for (std::size_t g = 0; g < num_groups(); ++g) {
    const double base_height = (max_momentums_[g] - base_momentums_[g]) * scale_factor();
    optimizer().param_groups()[g].options().set_hyperparameter("momentum", max_momentums_[g] - base_height * scale());
  }
}

}  // namespace xg::optim
