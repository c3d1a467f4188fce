#pragma once
// LRScheduler: the base of the epoch-driven learning-rate schedulers, after PyTorch 1.13's
// torch.optim.lr_scheduler._LRScheduler. Usage, as in PyTorch:
//
//   xg::optim::StepLR sched(opt, /*step_size=*/10, /*gamma=*/0.1);   // sets the epoch-0 lrs now
//   for (int epoch = 0; epoch < 100; ++epoch) { train_one_epoch(opt); sched.step(); }
//
// Semantics that decide exact reproduction of PyTorch's numbers:
// - The base lrs are the groups' lrs when the scheduler is constructed (PyTorch's `initial_lr`).
// - Constructing a scheduler performs the initial step: last_epoch() goes from -1 to 0 and every
//   group's lr is set to the epoch-0 value (StepLR leaves it, LinearLR multiplies it by start_factor).
// - step() uses the *chainable* rule (PyTorch's get_lr()): the new lr is computed from the group's
//   current lr, so changes made to the lr from outside carry on. Every step sets EVERY group's lr.
//   (WarmupCosineLR, which is ours, sets its closed form instead.)
// - lr_at(step) is the closed form (PyTorch's _get_closed_form_lr()): the lr at an epoch from the base
//   lr alone, for plotting a schedule without touching the optimizer. If only the scheduler changes the
//   lr, it equals the stepped sequence up to rounding (measured: at most 1.6e-14 relative, in
//   CosineAnnealingLR after a few periods; bit-identical or a few ulps for the others).
//
// Differences from PyTorch, all deliberate:
// - no `last_epoch` constructor argument (resume with state_dict() / load_state_dict() instead), no
//   `verbose`, and no deprecated step(epoch) in the public API;
// - PyTorch stores `initial_lr` in the param group, so a second scheduler on the same optimizer takes
//   the first one's base lrs. Our param groups have no such slot: each scheduler records the lrs it
//   finds. SequentialLR restores PyTorch's behaviour for its sub-schedulers (see sequential_lr.hpp).
// - a scheduler constructed for N param groups refuses to step an optimizer that now has another
//   number (PyTorch silently zips the shorter list).

#include <xgrad/optim/optimizer.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace xg::optim {

class SequentialLR;
class ChainedScheduler;

// A scheduler's progress (PyTorch's scheduler.state_dict() without the hyperparameters, which the
// scheduler it is loaded into got from its own constructor): enough to resume a schedule where it
// stopped. optim/lr_scheduler/scheduler_state.hpp writes it to a file, or into a checkpoint.
struct LRSchedulerState {
  std::string scheduler;  // name() of the scheduler that made it
  std::int64_t last_epoch = 0;
  std::vector<double> base_lrs;
  std::vector<double> last_lr;
  // What a scheduler remembers beyond the epoch count, by name and in the scheduler's order
  // (CosineAnnealingWarmRestarts: "T_cur", "T_i"); empty for most.
  std::vector<std::pair<std::string, double>> scalars;
  std::vector<LRSchedulerState> children;  // SequentialLR, ChainedScheduler: their schedulers' states, in order
};

class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  // A scheduler refers to its optimizer and to the schedule's progress: copying one would fork both.
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  // Advances last_epoch() by one and sets every group's lr to the schedule's value there.
  virtual void step();

  // The lrs the last step (or the construction) set, one per param group.
  std::vector<double> get_last_lr() const { return last_lr_; }
  // 0 after construction, +1 per step().
  std::int64_t last_epoch() const { return last_epoch_; }
  // Each group's lr when the scheduler was constructed (PyTorch's base_lrs / initial_lr).
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  Optimizer& optimizer() const { return optimizer_; }
  // "StepLR", ...: names the scheduler in error messages.
  virtual const char* name() const = 0;

  // The closed form: group `group`'s lr at epoch `step` >= 0, computed from the base lr alone. Changes
  // nothing. Throws xg::Error for a negative step, a group out of range, or a scheduler without one.
  double lr_at(std::int64_t step, std::size_t group = 0) const;
  // lr_at(step, g) for every group g.
  std::vector<double> lrs_at(std::int64_t step) const;
  virtual bool has_closed_form() const { return false; }

  // A copy of the progress. To resume (as in PyTorch): construct the optimizer and the same scheduler
  // again, restore the optimizer (its lrs are part of its state: Optimizer::load_state_dict or load),
  // then this scheduler with load_state_dict(). It does not touch the optimizer's lrs.
  LRSchedulerState state_dict() const;
  // Throws xg::Error, changing nothing, unless check_state_dict(state) passes.
  void load_state_dict(const LRSchedulerState& state);
  // Throws xg::Error unless `state` comes from a scheduler of the same kind over as many param groups,
  // with the same named scalars, sensible values and, for SequentialLR and ChainedScheduler, as many
  // sub-scheduler states of the same kinds. Changes nothing: a checkpoint checks every part first.
  void check_state_dict(const LRSchedulerState& state) const { check_state(state, 0); }

 protected:
  // Records the base lrs. It cannot perform the initial step: a base constructor cannot call the
  // derived get_lr(). Every concrete scheduler checks its arguments, then calls initial_step() last.
  explicit LRScheduler(Optimizer& optimizer);
  void initial_step() { step(); }
  // PyTorch's deprecated step(epoch): jumps to `epoch`, using the closed form when there is one.
  // SequentialLR restarts its schedulers with it; CosineAnnealingWarmRestarts moves its period too.
  virtual void step_to(std::int64_t epoch);

  // The chainable rule (PyTorch's get_lr()) for one group: its new lr at last_epoch(), which step()
  // has already advanced, from the group's current lr group_lr(group) and base_lrs()[group].
  virtual double get_lr(std::size_t group) const = 0;
  // The closed form (PyTorch's _get_closed_form_lr()) for one group; only called when
  // has_closed_form(), with epoch >= 0 and a valid group.
  virtual double closed_form_lr(std::int64_t epoch, std::size_t group) const;

  // CyclicLR and OneCycleLR cycle the momentum (or beta1) with the lr: called by every step, after
  // the lrs are set.
  virtual void set_momentums() {}
  // CyclicLR and OneCycleLR choose their base lrs instead of taking the groups' lrs.
  void set_base_lrs(const std::vector<double>& lrs) { base_lrs_ = lrs; }

  double group_lr(std::size_t group) const;
  std::size_t num_groups() const { return base_lrs_.size(); }
  // Sets every group's lr and remembers them as get_last_lr().
  void set_lrs(const std::vector<double>& lrs);
  // Throws unless the optimizer still has as many param groups as when the scheduler was made.
  void check_param_groups() const;

  // The progress a scheduler keeps beyond last_epoch (LRSchedulerState::scalars), by name; the base
  // class checks that a loaded state has the same names in the same order.
  virtual std::vector<std::pair<std::string, double>> scalars() const { return {}; }
  // Throws unless loaded scalars (names already matched) make sense; "where" starts the message.
  virtual void check_scalars(const std::vector<std::pair<std::string, double>>& /*scalars*/,
                             const std::string& /*where*/) const {}
  // Takes checked scalars.
  virtual void restore_scalars(const std::vector<std::pair<std::string, double>>& /*scalars*/) {}
  // The schedulers this one drives (SequentialLR, ChainedScheduler), whose states are its children.
  virtual std::vector<LRScheduler*> sub_schedulers() const { return {}; }

 private:
  // SequentialLR rewinds its sub-schedulers, restarts them at milestones and shares base lrs;
  // ChainedScheduler steps them.
  friend class SequentialLR;
  friend class ChainedScheduler;
  // check_state_dict, for a scheduler whose last_epoch may be as low as `min_last_epoch`: a
  // SequentialLR's later sub-schedulers sit at -1 until their milestone.
  void check_state(const LRSchedulerState& state, std::int64_t min_last_epoch) const;
  // Takes the progress from a checked state, the sub-schedulers' too.
  void restore(const LRSchedulerState& state);

  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  std::int64_t last_epoch_ = -1;
  // Counts constructions, so SequentialLR can tell which sub-scheduler saw the untouched lrs.
  std::uint64_t construction_index_;
};

namespace detail {
// "[3, 8, 8]".
std::string format_list(const std::vector<std::int64_t>& values);
}  // namespace detail

}  // namespace xg::optim
