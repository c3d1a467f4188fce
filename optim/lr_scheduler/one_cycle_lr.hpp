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

#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

namespace xg::optim {

class OneCycleLR final : public LRScheduler {
 public:
  enum class AnnealStrategy { cos, linear };

  // PyTorch's arguments and defaults. A list of one value applies to every group. Give total_steps,
  // or epochs and steps_per_epoch (total_steps = their product).
  struct Options {
    explicit Options(double max_lr) : max_lrs{max_lr} {}
    explicit Options(std::vector<double> max_lrs_) : max_lrs(std::move(max_lrs_)) {}
    std::vector<double> max_lrs;
    std::int64_t total_steps = 0;
    std::int64_t epochs = 0;
    std::int64_t steps_per_epoch = 0;
    double pct_start = 0.3;
    AnnealStrategy anneal_strategy = AnnealStrategy::cos;
    bool cycle_momentum = true;
    std::vector<double> base_momentums{0.85};
    std::vector<double> max_momentums{0.95};
    double div_factor = 25.;
    double final_div_factor = 1e4;
    bool three_phase = false;
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
