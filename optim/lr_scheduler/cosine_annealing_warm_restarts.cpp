#include <xgrad/optim/lr_scheduler/cosine_annealing_warm_restarts.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/detail/math_constants.hpp>

#include <cmath>

namespace xg::optim {

namespace {
using detail::kPi;
}  // namespace

CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(Optimizer& optimizer, std::int64_t T_0, std::int64_t T_mult,
                                                         double eta_min)
    : LRScheduler(optimizer), T_0_(T_0), T_mult_(T_mult), eta_min_(eta_min), T_i_(T_0) {
  if (T_0 <= 0) throw Error("CosineAnnealingWarmRestarts: T_0 must be positive, got " + std::to_string(T_0));
  if (T_mult < 1) throw Error("CosineAnnealingWarmRestarts: T_mult must be >= 1, got " + std::to_string(T_mult));
  if (!(eta_min >= 0) || !std::isfinite(eta_min)) {
    throw Error("CosineAnnealingWarmRestarts: eta_min must be non-negative and finite, got " + format_number(eta_min));
  }
  // PyTorch's first step is step(epoch=0): T_cur = 0 in the first period.
  step_to(0);
}

void CosineAnnealingWarmRestarts::step() {
  // PyTorch's step() before any epoch (a SequentialLR's rewound first scheduler) is step(epoch=0).
  if (last_epoch() < 0) {
    step_to(0);
    return;
  }
  check_param_groups();  // before T_cur moves: a refused step changes nothing
  T_cur_ += 1;
  if (T_cur_ >= T_i_) {
    T_cur_ -= T_i_;
    T_i_ *= T_mult_;
  }
  LRScheduler::step();
}

void CosineAnnealingWarmRestarts::step_to(std::int64_t epoch) {
  if (epoch >= T_0_) {
    if (T_mult_ == 1) {
      T_cur_ = epoch % T_0_;
    } else {
      // The period epoch falls in, as PyTorch finds it: n = int(log(epoch / T_0 * (T_mult - 1) + 1, T_mult)).
      const double e = static_cast<double>(epoch), m = static_cast<double>(T_mult_);
      const auto n = static_cast<std::int64_t>(std::log(e / static_cast<double>(T_0_) * (m - 1) + 1) / std::log(m));
      std::int64_t power = 1;
      for (std::int64_t i = 0; i < n; ++i) power *= T_mult_;
      T_cur_ = epoch - T_0_ * (power - 1) / (T_mult_ - 1);
      T_i_ = T_0_ * power;
    }
  } else {
    T_i_ = T_0_;
    T_cur_ = epoch;
  }
  LRScheduler::step_to(epoch);
}

double CosineAnnealingWarmRestarts::get_lr(std::size_t group) const {
  const double base_lr = base_lrs()[group];
  return eta_min_ +
         (base_lr - eta_min_) * (1 + std::cos(kPi * static_cast<double>(T_cur_) / static_cast<double>(T_i_))) / 2;
}

std::vector<std::pair<std::string, double>> CosineAnnealingWarmRestarts::scalars() const {
  return {{"T_cur", static_cast<double>(T_cur_)}, {"T_i", static_cast<double>(T_i_)}};
}

void CosineAnnealingWarmRestarts::check_scalars(const std::vector<std::pair<std::string, double>>& scalars,
                                                const std::string& where) const {
  const double cur = scalars[0].second, period = scalars[1].second;
  // Whole numbers below 2^53, where doubles still count every integer.
  const auto whole = [](double x) { return x >= 0 && x < 9007199254740992.0 && std::floor(x) == x; };
  if (!whole(cur) || !whole(period) || period < 1 || cur >= period) {
    throw Error(where + "expected whole numbers 0 <= T_cur < T_i, got T_cur " + format_number(cur) + " and T_i " +
                format_number(period));
  }
}

void CosineAnnealingWarmRestarts::restore_scalars(const std::vector<std::pair<std::string, double>>& scalars) {
  T_cur_ = static_cast<std::int64_t>(scalars[0].second);
  T_i_ = static_cast<std::int64_t>(scalars[1].second);
}

}  // namespace xg::optim
