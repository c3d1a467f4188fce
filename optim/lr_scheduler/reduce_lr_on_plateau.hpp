#pragma once
// ReduceLROnPlateau (PyTorch 1.13): multiplies every group's lr by `factor` when a metric has stopped
// improving for more than `patience` steps. Driven by the metric, not by the epoch:
//
//   xg::optim::ReduceLROnPlateau sched(opt, xg::optim::ReduceLROnPlateau::Mode::min, 0.5, /*patience=*/2);
//   for (...) { train(opt); sched.step(validation_loss); }
//
// Each step(metric), exactly as PyTorch:
// - the metric is "better" if, in min mode, metric < best * (1 - threshold) (rel) or
//   metric < best - threshold (abs); in max mode metric > best * (1 + threshold) or best + threshold.
//   best starts at +inf (min) or -inf (max). A better metric becomes best and resets the count of bad
//   epochs, any other adds one.
// - during cooldown (the `cooldown` steps after a reduction) bad epochs are not counted.
// - when the count exceeds patience: lr = max(lr * factor, min_lr) in each group, skipped in a group
//   where that changes the lr by no more than eps; then the cooldown starts and the count is reset.
// Construction changes no lr (there is no initial step). Not an LRScheduler: there is no schedule to
// compute ahead, so no lr_at().

#include <xgrad/optim/optimizer.hpp>

#include <cstdint>
#include <vector>

namespace xg::optim {

// ReduceLROnPlateau's progress (PyTorch's state_dict() without the hyperparameters).
struct ReduceLROnPlateauState {
  std::int64_t last_epoch = 0;
  double best = 0;
  std::int64_t num_bad_epochs = 0;
  std::int64_t cooldown_counter = 0;
  std::vector<double> last_lr;
};

class ReduceLROnPlateau {
 public:
  enum class Mode { min, max };
  enum class ThresholdMode { rel, abs };

  // PyTorch's defaults. Throws xg::Error unless 0 < factor < 1 (PyTorch checks factor < 1), patience,
  // cooldown, threshold, min_lr and eps are non-negative (and the doubles finite).
  explicit ReduceLROnPlateau(Optimizer& optimizer, Mode mode = Mode::min, double factor = 0.1,
                             std::int64_t patience = 10, double threshold = 1e-4,
                             ThresholdMode threshold_mode = ThresholdMode::rel, std::int64_t cooldown = 0,
                             double min_lr = 0.0, double eps = 1e-8);
  // The same with one min_lr per param group (PyTorch's list form); throws unless there are as many
  // min_lrs as groups.
  ReduceLROnPlateau(Optimizer& optimizer, Mode mode, double factor, std::int64_t patience, double threshold,
                    ThresholdMode threshold_mode, std::int64_t cooldown, std::vector<double> min_lrs,
                    double eps = 1e-8);
  ReduceLROnPlateau(const ReduceLROnPlateau&) = delete;
  ReduceLROnPlateau& operator=(const ReduceLROnPlateau&) = delete;

  void step(double metric);

  // Every group's lr after the last step (at construction: the lrs then).
  std::vector<double> get_last_lr() const { return last_lr_; }
  // The number of step() calls so far.
  std::int64_t last_epoch() const { return last_epoch_; }
  double best() const { return best_; }
  std::int64_t num_bad_epochs() const { return num_bad_epochs_; }
  bool in_cooldown() const { return cooldown_counter_ > 0; }
  const std::vector<double>& min_lrs() const { return min_lrs_; }
  Optimizer& optimizer() const { return optimizer_; }

  // A copy of the progress, and its restoration into a ReduceLROnPlateau constructed again (after the
  // optimizer's own state, which holds the lrs; the optimizer is not touched). load_state_dict throws
  // xg::Error, changing nothing, unless check_state_dict(state) passes: one lr per param group and no
  // negative count. optim/lr_scheduler/scheduler_state.hpp writes the state to a file, or into a checkpoint.
  ReduceLROnPlateauState state_dict() const;
  void load_state_dict(const ReduceLROnPlateauState& state);
  void check_state_dict(const ReduceLROnPlateauState& state) const;

 private:
  bool is_better(double metric) const;
  void reduce_lr();

  Optimizer& optimizer_;
  Mode mode_;
  double factor_;
  std::int64_t patience_;
  double threshold_;
  ThresholdMode threshold_mode_;
  std::int64_t cooldown_;
  std::vector<double> min_lrs_;
  double eps_;

  double best_;
  std::int64_t num_bad_epochs_ = 0;
  std::int64_t cooldown_counter_ = 0;
  std::int64_t last_epoch_ = 0;
  std::vector<double> last_lr_;
};

}  // namespace xg::optim
