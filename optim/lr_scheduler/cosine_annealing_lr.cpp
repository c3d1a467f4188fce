#include <xgrad/optim/lr_scheduler/cosine_annealing_lr.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/math_constants.hpp>

#include <cmath>

namespace xg::optim {

namespace {
using detail::kPi;
}  // namespace

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min)
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  if (T_max <= 0) throw Error("CosineAnnealingLR: T_max must be positive, got " + std::to_string(T_max));
  if (!(eta_min >= 0) || !std::isfinite(eta_min)) {
    throw Error("CosineAnnealingLR: eta_min must be non-negative and finite, got " + format_number(eta_min));
  }
  initial_step();
}

// The operations and their order are PyTorch's, so that the doubles come out bit for bit the same.
double CosineAnnealingLR::get_lr(std::size_t group) const {
  const std::int64_t t = last_epoch();
  const double T = static_cast<double>(T_max_);
  const double lr = group_lr(group);
  if (t == 0) return lr;
  if ((t - 1 - T_max_) % (2 * T_max_) == 0) {
    return lr + (base_lrs()[group] - eta_min_) * (1 - std::cos(kPi / T)) / 2;
  }
  const double now = 1 + std::cos(kPi * static_cast<double>(t) / T);
  const double before = 1 + std::cos(kPi * static_cast<double>(t - 1) / T);
  return now / before * (lr - eta_min_) + eta_min_;
}

double CosineAnnealingLR::closed_form_lr(std::int64_t epoch, std::size_t group) const {
  const double T = static_cast<double>(T_max_);
  return eta_min_ + (base_lrs()[group] - eta_min_) * (1 + std::cos(kPi * static_cast<double>(epoch) / T)) / 2;
}

}  // namespace xg::optim
