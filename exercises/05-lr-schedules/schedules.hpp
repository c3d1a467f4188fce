#pragma once
// Exercise 05: learning-rate schedules as xgrad schedulers (README.md). Given: this header. You write
// the three closed_form_lr() bodies in schedules.cpp: the lr at step t from the group's base lr.
//
// Each is an xg::optim::LRScheduler: it records each param group's lr as its base lr when constructed,
// sets the step-0 lr at once, and step() sets every group's lr to the schedule's next value; the
// optimizer then steps with it. lr_at(t) is the value at step t, without touching the optimizer.

#include <xgrad/core/error.hpp>
#include <xgrad/optim/lr_scheduler/lr_scheduler.hpp>

#include <cstdint>

namespace course {

// The lr at step t, from the base lr alone: the same for stepping and for lr_at().
class ClosedFormScheduler : public xg::optim::LRScheduler {
 public:
  bool has_closed_form() const override { return true; }

 protected:
  using LRScheduler::LRScheduler;

 private:
  double get_lr(std::size_t group) const override { return closed_form_lr(last_epoch(), group); }
};

// Step decay: the base lr, multiplied by gamma every step_size steps.
class StepDecay final : public ClosedFormScheduler {
 public:
  StepDecay(xg::optim::Optimizer& optimizer, std::int64_t step_size, double gamma)
      : ClosedFormScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
    if (step_size <= 0) throw xg::Error("StepDecay: step_size must be > 0, got " + std::to_string(step_size));
    initial_step();
  }
  const char* name() const override { return "StepDecay"; }

 private:
  double closed_form_lr(std::int64_t t, std::size_t group) const override;  // yours
  std::int64_t step_size_;
  double gamma_;
};

// Cosine: from the base lr down to min_lr along half a cosine over total_steps, then min_lr.
class Cosine final : public ClosedFormScheduler {
 public:
  Cosine(xg::optim::Optimizer& optimizer, std::int64_t total_steps, double min_lr = 0.0)
      : ClosedFormScheduler(optimizer), total_steps_(total_steps), min_lr_(min_lr) {
    if (total_steps <= 0) throw xg::Error("Cosine: total_steps must be > 0, got " + std::to_string(total_steps));
    initial_step();
  }
  const char* name() const override { return "Cosine"; }

 private:
  double closed_form_lr(std::int64_t t, std::size_t group) const override;  // yours
  std::int64_t total_steps_;
  double min_lr_;
};

// Warmup + cosine: from 0 up to the base lr in a straight line over warmup_steps, then Cosine's half
// cosine from the base lr to min_lr, ending at total_steps, then min_lr.
class WarmupCosine final : public ClosedFormScheduler {
 public:
  WarmupCosine(xg::optim::Optimizer& optimizer, std::int64_t warmup_steps, std::int64_t total_steps,
               double min_lr = 0.0)
      : ClosedFormScheduler(optimizer), warmup_steps_(warmup_steps), total_steps_(total_steps), min_lr_(min_lr) {
    if (warmup_steps < 0 || warmup_steps >= total_steps) {
      throw xg::Error("WarmupCosine: expected 0 <= warmup_steps < total_steps, got " + std::to_string(warmup_steps) +
                      " and " + std::to_string(total_steps));
    }
    initial_step();
  }
  const char* name() const override { return "WarmupCosine"; }

 private:
  double closed_form_lr(std::int64_t t, std::size_t group) const override;  // yours
  std::int64_t warmup_steps_;
  std::int64_t total_steps_;
  double min_lr_;
};

}  // namespace course
