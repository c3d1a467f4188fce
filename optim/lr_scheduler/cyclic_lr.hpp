#pragma once
// CyclicLR (PyTorch 1.13): the lr goes up from base_lr to max_lr in step_size_up steps and back down
// in step_size_down steps, again and again; meant to be stepped after every batch. The height of
// each cycle is scaled by a function of the cycle number (or of the step):
//   triangular:  1                          triangular2: 1 / 2^(cycle - 1)      (per cycle)
//   exp_range:   gamma^step                                                    (per step)
// or your own scale_fn with its scale_mode. With t = last_epoch(), T = step_size_up + step_size_down:
//   cycle = floor(1 + t / T),  x = 1 + t / T - cycle,  f = x / r (x <= r) or (x - 1) / (r - 1) with r = up / T
//   lr = base_lr + (max_lr - base_lr) * f * scale
// Momentum cycling (cycle_momentum, PyTorch's default) moves the group's "momentum" the other way,
// from max_momentum down to base_momentum as the lr goes up. PyTorch 1.13 requires the optimizer to
// have a momentum (SGD, RMSprop) and so do we; it does not cycle Adam's betas (OneCycleLR does).
// Construction sets each group's lr to base_lr and momentum to max_momentum. Not chainable (the lr is
// computed from base_lr), no closed form in PyTorch.

#include <xgrad/core/options.hpp>
#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

#include <functional>
#include <optional>

namespace xg::optim {

class CyclicLR final : public LRScheduler {
 public:
  enum class Mode { triangular, triangular2, exp_range };
  enum class ScaleMode { cycle, iterations };
  using ScaleFn = std::function<double(double x)>;

  // PyTorch's arguments and defaults, one XG_ARG each: CyclicLR::Options(0.01, 0.1).step_size_up(500).
  // A list of one value applies to every group.
  struct Options {
    Options(double base_lr, double max_lr) : base_lrs_{base_lr}, max_lrs_{max_lr} {}
    Options(std::vector<double> base, std::vector<double> max) : base_lrs_(std::move(base)), max_lrs_(std::move(max)) {}
    XG_ARG(std::vector<double>, base_lrs, {});
    XG_ARG(std::vector<double>, max_lrs, {});
    XG_ARG(double, step_size_up, 2000);
    XG_ARG(std::optional<double>, step_size_down, std::nullopt);  // unset: as step_size_up
    XG_ARG(Mode, mode, Mode::triangular);
    XG_ARG(double, gamma, 1.0);          // exp_range's base
    XG_ARG(ScaleFn, scale_fn, nullptr);  // when set, replaces mode's function and takes scale_mode
    XG_ARG(ScaleMode, scale_mode, ScaleMode::cycle);
    XG_ARG(bool, cycle_momentum, true);
    XG_ARG(std::vector<double>, base_momentums, {0.8});
    XG_ARG(std::vector<double>, max_momentums, {0.9});
  };

  // Throws xg::Error (changing nothing) unless every list has one value or one per group, the lrs and
  // momentums are finite, step_size_up > 0, step_size_down >= 0, and, with cycle_momentum, the
  // optimizer has a "momentum" hyperparameter.
  CyclicLR(Optimizer& optimizer, Options options);

  const char* name() const override { return "CyclicLR"; }
  const std::vector<double>& max_lrs() const { return max_lrs_; }

 private:
  double get_lr(std::size_t group) const override;
  void set_momentums() override;
  // PyTorch's scale_factor and scale of step last_epoch().
  double scale_factor() const;
  double scale() const;

  std::vector<double> max_lrs_;
  double total_size_;
  double step_ratio_;
  Mode mode_;
  double gamma_;
  ScaleFn scale_fn_;
  ScaleMode scale_mode_;
  bool cycle_momentum_;
  std::vector<double> base_momentums_;
  std::vector<double> max_momentums_;
};

namespace detail {
// `values` with one value per group: as given, or its one value repeated. Throws "<scheduler>: expected
// 1 or <groups> values for <name>, got <n>" otherwise, or when one is not finite.
std::vector<double> per_group(const char* scheduler, const char* name, const std::vector<double>& values,
                              std::size_t groups);
// The name of the hyperparameter that momentum cycling moves: "momentum", or "beta1" when `betas`
// allows it and the optimizer has no momentum. Throws the error PyTorch raises when there is none.
std::string momentum_name(const char* scheduler, const Optimizer& optimizer, bool betas);
}  // namespace detail

}  // namespace xg::optim
