// Exercise 05's checks: one TEST per task in README.md, named as the task reads.
#include "schedules.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

namespace {

using xg::optim::SGD;
using xg::optim::SGDOptions;

// An optimizer for the schedulers to drive: one parameter, lr 0.1.
struct Driven {
  xg::Tensor x = xg::tensor(xt::xarray<float>{1.0f}, true);
  SGD optimizer{{x}, SGDOptions(0.1)};
};

// (Each scheduler gets its own optimizer: a scheduler takes the lrs it finds as its base lrs, and the
// first one constructed has already set its step-0 lr.)
// The student's schedule and xgrad's agree at every step 0..last, to 1e-12 of the base lr: the formulas
// have several equally good spellings, which round differently in the last digits of a double (most
// where the cosine nears its end: 1 + cos(x) is then a difference of nearly equal numbers).
void expect_same_schedule(const xg::optim::LRScheduler& mine, const xg::optim::LRScheduler& xgrad, std::int64_t last,
                          const char* what) {
  for (std::int64_t t = 0; t <= last; ++t) {
    ASSERT_NEAR(mine.lr_at(t), xgrad.lr_at(t), 1e-12 * xgrad.base_lrs()[0]) << what << ": the lr at step " << t;
  }
}

TEST(Schedules, StepDecayDropsByGammaAtEachBoundary) {
  Driven d;
  const course::StepDecay decay(d.optimizer, /*step_size=*/10, /*gamma=*/0.5);
  for (std::int64_t t = 0; t < 10; ++t) EXPECT_DOUBLE_EQ(decay.lr_at(t), 0.1) << "the lr at step " << t;
  EXPECT_DOUBLE_EQ(decay.lr_at(10), 0.05) << "the lr at step 10, the first boundary";
  EXPECT_DOUBLE_EQ(decay.lr_at(19), 0.05) << "the lr at step 19";
  EXPECT_DOUBLE_EQ(decay.lr_at(20), 0.025) << "the lr at step 20";
  for (std::int64_t k = 1; k <= 5; ++k) {
    EXPECT_DOUBLE_EQ(decay.lr_at(10 * k) / decay.lr_at(10 * k - 1), 0.5) << "the drop at step " << 10 * k;
  }
}

TEST(Schedules, StepDecayEqualsXgradsStepLR) {
  for (const auto& [step_size, gamma] : std::vector<std::pair<std::int64_t, double>>{{10, 0.5}, {3, 0.1}, {1, 0.9}}) {
    Driven for_mine;
    Driven for_xgrad;
    const course::StepDecay mine(for_mine.optimizer, step_size, gamma);
    const xg::optim::StepLR xgrad(for_xgrad.optimizer, step_size, gamma);
    expect_same_schedule(mine, xgrad, 100, "StepDecay against StepLR");
  }
}

TEST(Schedules, CosineGoesFromTheBaseLrToMinLr) {
  Driven d;
  const course::Cosine cosine(d.optimizer, /*total_steps=*/100, /*min_lr=*/0.001);
  EXPECT_DOUBLE_EQ(cosine.lr_at(0), 0.1) << "the lr at step 0: the base lr";
  EXPECT_DOUBLE_EQ(cosine.lr_at(50), 0.0505) << "half way: the mean of base and min, (0.1 + 0.001) / 2";
  EXPECT_DOUBLE_EQ(cosine.lr_at(100), 0.001) << "at total_steps: min_lr";
  EXPECT_DOUBLE_EQ(cosine.lr_at(150), 0.001) << "after total_steps: min_lr for good";
  for (std::int64_t t = 1; t <= 100; ++t) {
    EXPECT_LT(cosine.lr_at(t), cosine.lr_at(t - 1)) << "the cosine falls at every step; step " << t;
  }
}

TEST(Schedules, CosineEqualsXgradsCosineAnnealing) {
  Driven for_mine;
  Driven for_annealing;
  Driven for_warmup_cosine;
  const course::Cosine mine(for_mine.optimizer, 40, 0.002);
  // PyTorch's CosineAnnealingLR agrees up to T_max (after it, it rises again: a period of 2 T_max) ...
  const xg::optim::CosineAnnealingLR annealing(for_annealing.optimizer, 40, 0.002);
  expect_same_schedule(mine, annealing, 40, "Cosine against CosineAnnealingLR");
  // ... and xgrad's WarmupCosineLR without a warmup agrees everywhere.
  const xg::optim::WarmupCosineLR no_warmup(for_warmup_cosine.optimizer, 0, 40, 0.002);
  expect_same_schedule(mine, no_warmup, 80, "Cosine against WarmupCosineLR with no warmup");
}

TEST(Schedules, WarmupRisesInAStraightLineFromZero) {
  Driven d;
  const course::WarmupCosine schedule(d.optimizer, /*warmup_steps=*/10, /*total_steps=*/100);
  EXPECT_EQ(schedule.lr_at(0), 0.0) << "the lr at step 0: the warmup starts at 0";
  for (std::int64_t t = 1; t < 10; ++t) {
    EXPECT_DOUBLE_EQ(schedule.lr_at(t), 0.1 * static_cast<double>(t) / 10) << "the lr at warmup step " << t;
  }
}

TEST(Schedules, NoJumpWhereTheWarmupEnds) {
  Driven d;
  const course::WarmupCosine schedule(d.optimizer, 10, 100, 0.001);
  EXPECT_DOUBLE_EQ(schedule.lr_at(10), 0.1) << "the lr at step 10, where the warmup ends: the base lr";
  // The warmup climbs 0.01 a step; the cosine starts flat: its first step down is far smaller.
  EXPECT_LT(schedule.lr_at(10) - schedule.lr_at(11), 0.001) << "the first step of the cosine";
  EXPECT_GT(schedule.lr_at(10), schedule.lr_at(11)) << "the cosine falls after the warmup";
  EXPECT_DOUBLE_EQ(schedule.lr_at(100), 0.001) << "the lr at total_steps: min_lr";
  EXPECT_DOUBLE_EQ(schedule.lr_at(120), 0.001) << "the lr after total_steps: min_lr";
}

TEST(Schedules, WarmupCosineEqualsXgradsWarmupCosineLR) {
  for (const auto& [warmup, total, min_lr] :
       std::vector<std::tuple<std::int64_t, std::int64_t, double>>{{10, 100, 0.0}, {5, 30, 1e-4}, {0, 20, 0.01}}) {
    Driven for_mine;
    Driven for_xgrad;
    const course::WarmupCosine mine(for_mine.optimizer, warmup, total, min_lr);
    const xg::optim::WarmupCosineLR xgrad(for_xgrad.optimizer, warmup, total, min_lr);
    expect_same_schedule(mine, xgrad, total + 20, "WarmupCosine against WarmupCosineLR");
  }
}

TEST(Schedules, SchedulersDriveTheOptimizersLearningRate) {
  // Two param groups with their own base lrs; each follows the schedule from its own.
  xg::Tensor a = xg::tensor(xt::xarray<float>{0.0f}, true);
  xg::Tensor b = xg::tensor(xt::xarray<float>{0.0f}, true);
  SGD optimizer(
      {xg::optim::OptimizerParamGroup({a}), xg::optim::OptimizerParamGroup({b}, std::make_unique<SGDOptions>(0.01))},
      SGDOptions(0.1));
  course::WarmupCosine schedule(optimizer, 5, 20);
  double moved_a = 0.0;
  for (std::int64_t t = 0; t < 25; ++t) {
    const double lr_a = optimizer.param_groups()[0].options().get_lr();
    const double lr_b = optimizer.param_groups()[1].options().get_lr();
    ASSERT_DOUBLE_EQ(lr_a, schedule.lr_at(t, 0)) << "group 0's lr at step " << t;
    ASSERT_DOUBLE_EQ(lr_b, schedule.lr_at(t, 1)) << "group 1's lr at step " << t;
    ASSERT_DOUBLE_EQ(lr_b, lr_a / 10) << "group 1 follows the schedule from its own base lr, a tenth of group 0's";
    // The optimizer steps with the lr the scheduler set: gradient -1 moves a up by lr.
    a.set_grad(xt::xarray<float>{-1.0f});
    b.set_grad(xt::xarray<float>{-1.0f});
    optimizer.step();
    moved_a += static_cast<float>(lr_a);
    schedule.step();
  }
  EXPECT_NEAR(a.data()(0), moved_a, 1e-6) << "a moved by the sum of the scheduled lrs";
}

}  // namespace
