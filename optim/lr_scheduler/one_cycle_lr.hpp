#pragma once
// OneCycleLR (PyTorch 1.13, the 1cycle policy): one warmup from max_lr / div_factor up to max_lr over
// the first pct_start of total_steps, then annealing down to that / final_div_factor; meant to be
// stepped after every batch. three_phase: up, back down to the initial lr symmetrically, then down to
// the minimum. Annealing is a half cosine (cos) or a straight line (linear):
//   cos:    end + (start - end) / 2 * (cos(pi * pct) + 1)        linear: (end - start) * pct + start
// where phase p ends at step e_p (pct_start * total_steps - 1, [2 * pct_start * total_steps - 2,]
// total_steps - 1) and pct = (t - e_{p-1}) / (e_p - e_{p-1}). With cycle_momentum the group's
// "momentum" (SGD, RMSprop) or else beta1 (the Adam family) moves the other way, between
// max_momentum and base_momentum.
// As in PyTorch there are total_steps + 1 lrs (construction's, then one per step) and the step after
// them throws; unlike PyTorch the refused step changes nothing. Not chainable, no closed form.

#include <xgrad/core/options.hpp>
#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

#include <optional>

namespace xg::optim {

class OneCycleLR final : public LRScheduler {
 public:
  enum class AnnealStrategy { cos, linear };

  // PyTorch's arguments and defaults, one XG_ARG each: OneCycleLR::Options(0.1).total_steps(1000). A list
  // of one value applies to every group. Give total_steps, or epochs and steps_per_epoch (total_steps =
  // their product).
  struct Options {
    explicit Options(double max_lr) : max_lrs_{max_lr} {}
    explicit Options(std::vector<double> max) : max_lrs_(std::move(max)) {}
    XG_ARG(std::vector<double>, max_lrs, {});
    XG_ARG(std::optional<std::int64_t>, total_steps, std::nullopt);
    XG_ARG(std::optional<std::int64_t>, epochs, std::nullopt);
    XG_ARG(std::optional<std::int64_t>, steps_per_epoch, std::nullopt);
    XG_ARG(double, pct_start, 0.3);
    XG_ARG(AnnealStrategy, anneal_strategy, AnnealStrategy::cos);
    XG_ARG(bool, cycle_momentum, true);
    XG_ARG(std::vector<double>, base_momentums, {0.85});
    XG_ARG(std::vector<double>, max_momentums, {0.95});
    XG_ARG(double, div_factor, 25.);
    XG_ARG(double, final_div_factor, 1e4);
    XG_ARG(bool, three_phase, false);
  };

  // Throws xg::Error (changing nothing) unless total_steps (or epochs and steps_per_epoch) are positive,
  // 0 <= pct_start <= 1, the factors positive and finite, every list has one value or one per group,
  // and, with cycle_momentum, the optimizer has a momentum or betas.
  OneCycleLR(Optimizer& optimizer, Options options);

  void step() override;

  const char* name() const override { return "OneCycleLR"; }
  std::int64_t total_steps() const { return total_steps_; }

 private:
  // Which of a group's values a phase starts or ends at.
  enum class Value { initial_lr, max_lr, min_lr, max_momentum, base_momentum };
  struct Phase {
    double end_step;
    Value start_lr, end_lr, start_momentum, end_momentum;
  };
  struct Position {
    const Phase* phase;
    double pct;
  };

  double get_lr(std::size_t group) const override;
  void set_momentums() override;
  // The phase of step `step_num` and how far into it, as PyTorch finds them; throws on a phase of
  // zero length (PyTorch divides by zero there).
  Position position(std::int64_t step_num) const;
  double anneal(double start, double end, double pct) const;
  double value(Value which, std::size_t group) const;

  std::int64_t total_steps_;
  std::vector<Phase> phases_;
  AnnealStrategy anneal_strategy_;
  std::vector<double> initial_lrs_, max_lrs_, min_lrs_;
  std::string momentum_name_;  // empty: no momentum cycling
  std::vector<double> base_momentums_, max_momentums_;
};

}  // namespace xg::optim
