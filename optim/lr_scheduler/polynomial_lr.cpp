#include <xgrad/optim/lr_scheduler/polynomial_lr.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>

namespace xg::optim {

PolynomialLR::PolynomialLR(Optimizer& optimizer, std::int64_t total_iters, double power)
    : LRScheduler(optimizer), total_iters_(total_iters), power_(power) {
  if (total_iters <= 0) throw Error("PolynomialLR: total_iters must be positive, got " + std::to_string(total_iters));
  if (!(power >= 0) || !std::isfinite(power)) {
    throw Error("PolynomialLR: power must be non-negative and finite, got " + format_number(power));
  }
  initial_step();
}

double PolynomialLR::get_lr(std::size_t group) const {
  const std::int64_t t = last_epoch();
  if (t == 0 || t > total_iters_) return group_lr(group);
  const double T = static_cast<double>(total_iters_);
  // Python's float ** float is C's pow, as std::pow.
  const double decay = std::pow((1.0 - static_cast<double>(t) / T) / (1.0 - static_cast<double>(t - 1) / T), power_);
  return group_lr(group) * decay;
}

double PolynomialLR::closed_form_lr(std::int64_t epoch, std::size_t group) const {
  const double T = static_cast<double>(total_iters_);
  return base_lrs()[group] * std::pow(1.0 - static_cast<double>(std::min(total_iters_, epoch)) / T, power_);
}

}  // namespace xg::optim
