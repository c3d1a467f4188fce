// Learning-rate schedulers: every lr sequence against PyTorch 1.13's torch.optim.lr_scheduler (golden
// values from tests/reference/lr_scheduler.py, two param groups with lrs 0.1 and 0.03), the closed
// forms against PyTorch's _get_closed_form_lr() and against our own stepped sequences, WarmupCosineLR
// against the formula it documents, and every argument check's message.

#include "error_message.hpp"
#include "reference_json.hpp"
#include "scheduler_test_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace optim = xg::optim;
using json = nlohmann::json;
using Lrs = std::vector<double>;

using xg_test::group_lrs;
using xg_test::kBaseLrs;
using xg_test::PlainSGD;
using xg_test::two_groups;

const json& reference() {
  static const json data = xg_test::read_reference("lr_scheduler.json");
  return data;
}

std::vector<json> cases_of(const std::string& scheduler) {
  std::vector<json> cases;
  for (const json& c : reference()["cases"]) {
    if (c["scheduler"] == scheduler) cases.push_back(c);
  }
  return cases;
}

// Builds a scheduler from a case's "scheduler" and "args", as the reference script does.
std::unique_ptr<optim::LRScheduler> build(optim::Optimizer& opt, const json& spec) {
  const std::string kind = spec["scheduler"];
  const json& a = spec["args"];
  if (kind == "StepLR") return std::make_unique<optim::StepLR>(opt, a["step_size"], a["gamma"]);
  if (kind == "MultiStepLR") {
    return std::make_unique<optim::MultiStepLR>(opt, a["milestones"].get<std::vector<std::int64_t>>(), a["gamma"]);
  }
  if (kind == "ExponentialLR") return std::make_unique<optim::ExponentialLR>(opt, a["gamma"]);
  if (kind == "CosineAnnealingLR") return std::make_unique<optim::CosineAnnealingLR>(opt, a["T_max"], a["eta_min"]);
  if (kind == "LinearLR") {
    return std::make_unique<optim::LinearLR>(opt, a["start_factor"], a["end_factor"], a["total_iters"]);
  }
  if (kind == "WarmupCosineLR") {
    return std::make_unique<optim::WarmupCosineLR>(opt, a["warmup_steps"], a["total_steps"], a["min_lr"]);
  }
  if (kind == "SequentialLR") {
    std::vector<std::unique_ptr<optim::LRScheduler>> parts(a["schedulers"].size());
    for (std::size_t i : a["construction_order"].get<std::vector<std::size_t>>())
      parts[i] = build(opt, a["schedulers"][i]);
    return std::make_unique<optim::SequentialLR>(opt, std::move(parts),
                                                 a["milestones"].get<std::vector<std::int64_t>>());
  }
  throw std::runtime_error("unknown scheduler " + kind);
}

constexpr double kRelativeTolerance = 1e-12;

double relative_difference(double a, double b) {
  return a == b ? 0.0 : std::abs(a - b) / std::max(std::abs(a), std::abs(b));
}

// Compares lrs to a reference row within kRelativeTolerance; returns the largest relative difference.
double expect_lrs_near(const Lrs& actual, const Lrs& expected, const std::string& what) {
  double worst = 0;
  EXPECT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t g = 0; g < std::min(actual.size(), expected.size()); ++g) {
    const double difference = relative_difference(actual[g], expected[g]);
    worst = std::max(worst, difference);
    EXPECT_LE(difference, kRelativeTolerance)
        << what << ", group " << g << ": got " << actual[g] << ", expected " << expected[g];
  }
  return worst;
}

// Steps every case of `scheduler` as the reference script did and compares: the stepped lrs with
// PyTorch's step(), lr_at() with PyTorch's closed form, and lr_at() with our stepped lrs.
void expect_matches_reference(const std::string& scheduler) {
  const std::vector<json> cases = cases_of(scheduler);
  ASSERT_FALSE(cases.empty()) << "no reference cases for " << scheduler;
  double worst_step = 0, worst_closed = 0, worst_self = 0;
  for (const json& c : cases) {
    SCOPED_TRACE(c["name"].get<std::string>());
    PlainSGD opt = two_groups();
    std::unique_ptr<optim::LRScheduler> sched = build(opt, c);
    const auto expected = c["lrs"].get<std::vector<Lrs>>();
    std::vector<Lrs> stepped;
    for (std::size_t t = 0; t < expected.size(); ++t) {
      if (t > 0) {
        opt.step();
        sched->step();
      }
      ASSERT_EQ(sched->last_epoch(), static_cast<std::int64_t>(t));
      ASSERT_EQ(sched->get_last_lr(), group_lrs(opt)) << "get_last_lr() must be what was set, epoch " << t;
      stepped.push_back(sched->get_last_lr());
      worst_step =
          std::max(worst_step, expect_lrs_near(stepped.back(), expected[t], "step() at epoch " + std::to_string(t)));
    }
    ASSERT_TRUE(sched->has_closed_form());
    if (c.contains("closed_form")) {
      const auto closed = c["closed_form"].get<std::vector<Lrs>>();
      for (std::size_t t = 0; t < closed.size(); ++t) {
        worst_closed =
            std::max(worst_closed, expect_lrs_near(sched->lrs_at(static_cast<std::int64_t>(t)), closed[t],
                                                   "lr_at vs PyTorch's closed form at " + std::to_string(t)));
      }
    }
    for (std::size_t t = 0; t < stepped.size(); ++t) {
      worst_self = std::max(worst_self, expect_lrs_near(sched->lrs_at(static_cast<std::int64_t>(t)), stepped[t],
                                                        "lr_at vs step() at " + std::to_string(t)));
    }
  }
  std::printf(
      "[ %s ] largest relative difference: step() vs PyTorch %.3g, lr_at vs PyTorch closed form %.3g, "
      "lr_at vs step() %.3g\n",
      scheduler.c_str(), worst_step, worst_closed, worst_self);
}

// Runs `construct` and expects xg::Error with exactly `message`.
void expect_error(const std::function<void()>& construct, const std::string& message) {
  EXPECT_EQ(xg_test::error_message(construct), message);
}

// ---- golden sequences ----

TEST(StepLR, MatchesPyTorch) { expect_matches_reference("StepLR"); }
TEST(MultiStepLR, MatchesPyTorch) { expect_matches_reference("MultiStepLR"); }
TEST(ExponentialLR, MatchesPyTorch) { expect_matches_reference("ExponentialLR"); }
TEST(CosineAnnealingLR, MatchesPyTorchRecursiveStepsAndClosedForm) { expect_matches_reference("CosineAnnealingLR"); }
TEST(LinearLR, MatchesPyTorch) { expect_matches_reference("LinearLR"); }
TEST(SequentialLR, MatchesPyTorch) { expect_matches_reference("SequentialLR"); }
TEST(WarmupCosineLR, MatchesThePythonFormula) { expect_matches_reference("WarmupCosineLR"); }

TEST(ReduceLROnPlateau, MatchesPyTorch) {
  const std::vector<json> cases = cases_of("ReduceLROnPlateau");
  ASSERT_FALSE(cases.empty());
  double worst = 0;
  for (const json& c : cases) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const json& a = c["args"];
    const auto mode = a["mode"] == "min" ? optim::ReduceLROnPlateau::Mode::min : optim::ReduceLROnPlateau::Mode::max;
    const auto threshold_mode = a["threshold_mode"] == "rel" ? optim::ReduceLROnPlateau::ThresholdMode::rel
                                                             : optim::ReduceLROnPlateau::ThresholdMode::abs;
    const Lrs min_lrs =
        a["min_lr"].is_array() ? a["min_lr"].get<Lrs>() : Lrs(kBaseLrs.size(), a["min_lr"].get<double>());
    PlainSGD opt = two_groups();
    optim::ReduceLROnPlateau sched(opt, mode, a["factor"], a["patience"], a["threshold"], threshold_mode, a["cooldown"],
                                   min_lrs, a["eps"]);
    const auto expected = c["lrs"].get<std::vector<Lrs>>();
    const auto metrics = c["metrics"].get<std::vector<double>>();
    worst = std::max(worst, expect_lrs_near(sched.get_last_lr(), expected[0], "after construction"));
    for (std::size_t t = 0; t < metrics.size(); ++t) {
      opt.step();
      sched.step(metrics[t]);
      ASSERT_EQ(sched.get_last_lr(), group_lrs(opt));
      EXPECT_EQ(sched.last_epoch(), static_cast<std::int64_t>(t + 1));
      worst = std::max(worst, expect_lrs_near(sched.get_last_lr(), expected[t + 1], "step " + std::to_string(t + 1)));
    }
  }
  std::printf("[ ReduceLROnPlateau ] largest relative difference vs PyTorch %.3g\n", worst);
}

// ---- behaviour ----

TEST(LRScheduler, ConstructionPerformsTheInitialStepOnEveryGroup) {
  PlainSGD opt = two_groups();
  optim::LinearLR warmup(opt, 0.5, 1.0, 4);
  EXPECT_EQ(warmup.last_epoch(), 0);
  EXPECT_EQ(warmup.base_lrs(), kBaseLrs);
  EXPECT_EQ(group_lrs(opt), (Lrs{0.1 * 0.5, 0.03 * 0.5}));
  EXPECT_EQ(warmup.get_last_lr(), group_lrs(opt));
}

TEST(LRScheduler, StepChainsFromAnLrSetFromOutsideLikePyTorch) {
  PlainSGD opt = two_groups();
  optim::StepLR sched(opt, 2, 0.5);
  sched.step();                                  // epoch 1: unchanged
  opt.param_groups()[1].options().set_lr(0.25);  // e.g. a user's manual change
  sched.step();                                  // epoch 2: both groups times gamma
  EXPECT_EQ(sched.get_last_lr(), (Lrs{0.05, 0.125}));
  EXPECT_EQ(sched.lr_at(2, 1), 0.015);  // the closed form ignores the change
}

TEST(LRScheduler, LrAtChangesNothing) {
  PlainSGD opt = two_groups();
  optim::CosineAnnealingLR sched(opt, 10);
  sched.step();
  const Lrs before = group_lrs(opt);
  EXPECT_EQ(sched.lr_at(10, 0), 0.0);
  EXPECT_EQ(sched.lrs_at(0), kBaseLrs);
  EXPECT_EQ(group_lrs(opt), before);
  EXPECT_EQ(sched.get_last_lr(), before);
  EXPECT_EQ(sched.last_epoch(), 1);
}

TEST(LRScheduler, LrAtRejectsANegativeStepAndAMissingGroup) {
  PlainSGD opt = two_groups();
  optim::ExponentialLR sched(opt, 0.9);
  expect_error([&] { sched.lr_at(-1); }, "ExponentialLR::lr_at: step must be non-negative, got -1");
  expect_error([&] { sched.lr_at(3, 2); },
               "ExponentialLR::lr_at: group 2 is out of range for a scheduler of 2 param groups");
}

TEST(LRScheduler, StepRefusesAnOptimizerWhoseParamGroupsChanged) {
  PlainSGD opt = two_groups();
  optim::StepLR sched(opt, 3);
  opt.add_param_group(optim::OptimizerParamGroup({xg::zeros({1}, true)}));
  expect_error([&] { sched.step(); },
               "StepLR: the optimizer has 3 param groups but the scheduler was constructed for 2; construct "
               "schedulers after adding every param group");
  EXPECT_EQ(sched.last_epoch(), 0);
}

TEST(LRScheduler, TheOptimizerStepsWithTheScheduledLr) {
  xg::Tensor p = xg::zeros({1}, true);
  std::vector<optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<xg::Tensor>{p});
  PlainSGD opt(std::move(groups), 0.5);
  optim::StepLR sched(opt, 1, 0.5);
  p.set_grad(xt::xarray<float>{1.0f});
  opt.step();  // lr 0.5
  sched.step();
  opt.step();  // lr 0.25
  EXPECT_EQ(p.data()(0), -0.75f);
}

TEST(CosineAnnealingLR, DoesNotStopAtTMaxButRisesBackWithPeriodTwoTMax) {
  PlainSGD opt = two_groups();
  optim::CosineAnnealingLR sched(opt, 10);
  std::vector<Lrs> lrs = {sched.get_last_lr()};
  for (int t = 1; t <= 20; ++t) {
    sched.step();
    lrs.push_back(sched.get_last_lr());
  }
  EXPECT_EQ(lrs[10], (Lrs{0.0, 0.0}));  // eta_min at T_max
  EXPECT_GT(lrs[11][0], lrs[10][0]);    // and up again
  expect_lrs_near(lrs[20], kBaseLrs, "back at the base lr at 2 T_max");
  EXPECT_EQ(sched.lrs_at(20), kBaseLrs);  // exactly, in the closed form
}

TEST(SequentialLR, SubSchedulersShareTheLrsFromBeforeTheFirstWasConstructed) {
  PlainSGD opt = two_groups();
  auto warmup = std::make_unique<optim::LinearLR>(opt, 0.1, 1.0, 5);
  auto cosine = std::make_unique<optim::CosineAnnealingLR>(opt, 20);
  EXPECT_EQ(cosine->base_lrs(), (Lrs{0.1 * 0.1, 0.03 * 0.1}));  // it saw the warmed-down lrs
  std::vector<std::unique_ptr<optim::LRScheduler>> parts;
  parts.push_back(std::move(warmup));
  parts.push_back(std::move(cosine));
  optim::SequentialLR sched(opt, std::move(parts), {5});
  EXPECT_EQ(sched.scheduler(1).base_lrs(), kBaseLrs);
  EXPECT_EQ(sched.base_lrs(), kBaseLrs);
  EXPECT_EQ(sched.last_epoch(), 0);
  EXPECT_EQ(sched.scheduler(0).last_epoch(), 0);
  EXPECT_EQ(sched.scheduler(1).last_epoch(), -1);
  EXPECT_EQ(group_lrs(opt), (Lrs{0.1 * 0.1, 0.03 * 0.1}));  // only the warmup's initial step
}

TEST(SequentialLR, RestartsTheNextSchedulerAtItsMilestoneFromTheBaseLr) {
  PlainSGD opt = two_groups();
  std::vector<std::unique_ptr<optim::LRScheduler>> parts;
  parts.push_back(std::make_unique<optim::LinearLR>(opt, 0.1, 1.0, 5));
  parts.push_back(std::make_unique<optim::CosineAnnealingLR>(opt, 20));
  optim::SequentialLR sched(opt, std::move(parts), {5});
  for (int t = 1; t <= 5; ++t) sched.step();
  EXPECT_EQ(sched.get_last_lr(), kBaseLrs);  // cosine's epoch 0: the closed form, exactly the base lr
  EXPECT_EQ(sched.scheduler(1).last_epoch(), 0);
  EXPECT_EQ(sched.scheduler(0).last_epoch(), 4);  // the warmup stopped at 0.82 of the base lr
}

TEST(WarmupCosineLR, ExactAtTheBoundariesAndContinuousWhereTheWarmupEnds) {
  PlainSGD opt = two_groups();
  const std::int64_t warmup = 5, total = 30;
  const double min_lr = 1e-4;
  optim::WarmupCosineLR sched(opt, warmup, total, min_lr);
  EXPECT_EQ(sched.get_last_lr(), (Lrs{0.0, 0.0}));
  for (std::int64_t t = 1; t <= 40; ++t) {
    sched.step();
    EXPECT_EQ(sched.get_last_lr(), sched.lrs_at(t)) << t;
  }
  EXPECT_EQ(sched.lrs_at(warmup), kBaseLrs);
  EXPECT_EQ(sched.lrs_at(total), (Lrs{min_lr, min_lr}));
  for (std::int64_t t = total; t <= total + 10; ++t) EXPECT_EQ(sched.lr_at(t, 1), min_lr) << t;
  for (std::size_t g = 0; g < kBaseLrs.size(); ++g) {
    const double base = kBaseLrs[g];
    const double warmup_increment = base / static_cast<double>(warmup);
    EXPECT_NEAR(sched.lr_at(warmup, g) - sched.lr_at(warmup - 1, g), warmup_increment, 1e-15);
    // The cosine starts flat: its first step down is far smaller than a warmup step up.
    const double first_decay = sched.lr_at(warmup, g) - sched.lr_at(warmup + 1, g);
    EXPECT_GT(first_decay, 0.0);
    EXPECT_LT(first_decay, warmup_increment / 10);
    EXPECT_DOUBLE_EQ(
        sched.lr_at(warmup + 1, g),
        min_lr + (base - min_lr) * (1 + std::cos(3.141592653589793 / static_cast<double>(total - warmup))) / 2);
  }
}

TEST(WarmupCosineLR, WithoutWarmupStartsAtTheBaseLr) {
  PlainSGD opt = two_groups();
  optim::WarmupCosineLR sched(opt, 0, 10);
  EXPECT_EQ(sched.get_last_lr(), kBaseLrs);
  EXPECT_EQ(sched.lrs_at(10), (Lrs{0.0, 0.0}));
}

TEST(ReduceLROnPlateau, ConstructionChangesNoLr) {
  PlainSGD opt = two_groups();
  optim::ReduceLROnPlateau sched(opt);
  EXPECT_EQ(group_lrs(opt), kBaseLrs);
  EXPECT_EQ(sched.get_last_lr(), kBaseLrs);
  EXPECT_EQ(sched.last_epoch(), 0);
  EXPECT_EQ(sched.best(), HUGE_VAL);
  EXPECT_EQ(sched.min_lrs(), (Lrs{0.0, 0.0}));
}

TEST(ReduceLROnPlateau, CooldownIgnoresBadEpochsThenPatienceCountsAgain) {
  PlainSGD opt = two_groups();
  optim::ReduceLROnPlateau sched(opt, optim::ReduceLROnPlateau::Mode::min, 0.5, /*patience=*/1, 0.0,
                                 optim::ReduceLROnPlateau::ThresholdMode::abs, /*cooldown=*/2);
  sched.step(1.0);  // best
  sched.step(1.0);  // bad 1
  sched.step(1.0);  // bad 2 > patience: halve, cooldown 2
  EXPECT_EQ(group_lrs(opt), (Lrs{0.05, 0.015}));
  EXPECT_TRUE(sched.in_cooldown());
  sched.step(1.0);  // cooldown 1
  sched.step(1.0);  // cooldown 0
  EXPECT_FALSE(sched.in_cooldown());
  sched.step(1.0);  // bad 1
  EXPECT_EQ(group_lrs(opt), (Lrs{0.05, 0.015}));
  EXPECT_EQ(sched.num_bad_epochs(), 1);
  sched.step(1.0);  // bad 2: halve again
  EXPECT_EQ(group_lrs(opt), (Lrs{0.025, 0.0075}));
}

// ---- resuming: state_dict() / load_state_dict() ----

// Every reference case, stopped halfway: a new optimizer and scheduler, as a restarted program makes
// them (here with other lrs: the states must bring back the lrs and the base lrs), loaded from the
// states, continue with exactly the lrs of the run that never stopped.
TEST(LRScheduler, AScheduleResumedFromItsStateContinuesBitForBit) {
  for (const char* kind :
       {"StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "SequentialLR", "WarmupCosineLR"}) {
    for (const json& c : cases_of(kind)) {
      SCOPED_TRACE(c["name"].get<std::string>());
      const std::size_t epochs = c["lrs"].size(), stop = epochs / 2;
      PlainSGD opt = two_groups();
      std::unique_ptr<optim::LRScheduler> sched = build(opt, c);
      for (std::size_t t = 1; t <= stop; ++t) {
        opt.step();
        sched->step();
      }
      PlainSGD resumed_opt = two_groups({1.0, 2.0});
      std::unique_ptr<optim::LRScheduler> resumed = build(resumed_opt, c);
      resumed_opt.load_state_dict(opt.state_dict());
      resumed->load_state_dict(sched->state_dict());
      ASSERT_EQ(resumed->last_epoch(), static_cast<std::int64_t>(stop));
      ASSERT_EQ(resumed->get_last_lr(), sched->get_last_lr());
      ASSERT_EQ(resumed->base_lrs(), kBaseLrs);
      for (std::size_t t = stop + 1; t < epochs; ++t) {
        opt.step();
        sched->step();
        resumed_opt.step();
        resumed->step();
        ASSERT_EQ(group_lrs(resumed_opt), group_lrs(opt)) << "epoch " << t;
        ASSERT_EQ(resumed->get_last_lr(), sched->get_last_lr()) << "epoch " << t;
      }
    }
  }
}

TEST(LRScheduler, AStateThatDoesNotFitIsRefusedAndChangesNothing) {
  PlainSGD opt = two_groups();
  optim::StepLR step_lr(opt, 2, 0.5);
  step_lr.step();
  const optim::LRSchedulerState good = step_lr.state_dict();
  EXPECT_EQ(good.scheduler, "StepLR");
  EXPECT_EQ(good.last_epoch, 1);
  EXPECT_EQ(good.base_lrs, kBaseLrs);

  PlainSGD other = two_groups();
  optim::ExponentialLR exponential(other, 0.9);
  expect_error([&] { exponential.load_state_dict(good); },
               "ExponentialLR::load_state_dict: the state was saved by a StepLR");
  optim::LRSchedulerState one_group = good;
  one_group.base_lrs.pop_back();
  expect_error([&] { step_lr.load_state_dict(one_group); },
               "StepLR::load_state_dict: the state holds lrs for 1 and 2 param groups, the scheduler has 2");
  optim::LRSchedulerState negative = good;
  negative.last_epoch = -3;
  expect_error([&] { step_lr.load_state_dict(negative); }, "StepLR::load_state_dict: last_epoch must be >= 0, got -3");
  EXPECT_EQ(step_lr.last_epoch(), 1);

  // A SequentialLR checks its sub-schedulers' states before it changes anything.
  std::vector<std::unique_ptr<optim::LRScheduler>> parts;
  parts.push_back(std::make_unique<optim::LinearLR>(opt, 0.5, 1.0, 2));
  parts.push_back(std::make_unique<optim::ExponentialLR>(opt, 0.9));
  optim::SequentialLR sequential(opt, std::move(parts), {2});
  optim::LRSchedulerState wrong_child = sequential.state_dict();
  wrong_child.last_epoch = 5;
  wrong_child.children[1] = good;
  expect_error([&] { sequential.load_state_dict(wrong_child); },
               "ExponentialLR::load_state_dict: the state was saved by a StepLR");
  EXPECT_EQ(sequential.last_epoch(), 0);
  EXPECT_EQ(sequential.scheduler(0).last_epoch(), 0);
}

TEST(ReduceLROnPlateau, ResumedFromItsStateContinuesBitForBit) {
  const std::vector<double> metrics = {1.0, 0.9, 0.95, 0.97, 0.99, 0.8, 0.85, 0.86, 0.9, 0.9, 0.9, 0.7, 0.75, 0.8};
  auto make = [](optim::Optimizer& opt) {
    return std::make_unique<optim::ReduceLROnPlateau>(opt, optim::ReduceLROnPlateau::Mode::min, 0.5, /*patience=*/1,
                                                      1e-4, optim::ReduceLROnPlateau::ThresholdMode::rel,
                                                      /*cooldown=*/1);
  };
  PlainSGD opt = two_groups();
  auto sched = make(opt);
  for (std::size_t t = 0; t < 6; ++t) sched->step(metrics[t]);
  PlainSGD resumed_opt = two_groups();
  auto resumed = make(resumed_opt);
  resumed_opt.load_state_dict(opt.state_dict());
  resumed->load_state_dict(sched->state_dict());
  for (std::size_t t = 6; t < metrics.size(); ++t) {
    sched->step(metrics[t]);
    resumed->step(metrics[t]);
    ASSERT_EQ(group_lrs(resumed_opt), group_lrs(opt)) << "step " << t;
    ASSERT_EQ(resumed->best(), sched->best());
    ASSERT_EQ(resumed->num_bad_epochs(), sched->num_bad_epochs());
  }
  EXPECT_LT(group_lrs(opt)[0], kBaseLrs[0] / 4);  // the sequence did reduce the lr, more than once

  optim::ReduceLROnPlateauState bad = sched->state_dict();
  bad.last_lr = {0.1};
  expect_error([&] { resumed->load_state_dict(bad); },
               "ReduceLROnPlateau::load_state_dict: the state holds lrs for 1 param groups, the optimizer has 2");
  bad = sched->state_dict();
  bad.cooldown_counter = -1;
  expect_error([&] { resumed->load_state_dict(bad); },
               "ReduceLROnPlateau::load_state_dict: expected last_epoch, num_bad_epochs and cooldown_counter >= 0, "
               "got 14, 0 and -1");
}

// ---- bad arguments ----

TEST(LRScheduler, BadArgumentsThrowNamingTheValueAndChangeNothing) {
  PlainSGD opt = two_groups();
  expect_error([&] { optim::StepLR(opt, 0); }, "StepLR: step_size must be positive, got 0");
  expect_error([&] { optim::StepLR(opt, 5, -0.5); }, "StepLR: gamma must be positive and finite, got -0.5");
  expect_error([&] { optim::StepLR(opt, 5, 0.0); }, "StepLR: gamma must be positive and finite, got 0");
  expect_error(
      [&] {
        optim::MultiStepLR(opt, {3, 8, 8});
      },
      "MultiStepLR: milestones must be strictly increasing, got [3, 8, 8]");
  expect_error(
      [&] {
        optim::MultiStepLR(opt, {5, 2});
      },
      "MultiStepLR: milestones must be strictly increasing, got [5, 2]");
  expect_error([&] { optim::MultiStepLR(opt, {-1, 2}); }, "MultiStepLR: milestones must be non-negative, got [-1, 2]");
  expect_error([&] { optim::MultiStepLR(opt, {2}, HUGE_VAL); },
               "MultiStepLR: gamma must be positive and finite, got inf");
  expect_error([&] { optim::ExponentialLR(opt, -1); }, "ExponentialLR: gamma must be positive and finite, got -1");
  expect_error([&] { optim::CosineAnnealingLR(opt, 0); }, "CosineAnnealingLR: T_max must be positive, got 0");
  expect_error([&] { optim::CosineAnnealingLR(opt, 10, -1e-08); },
               "CosineAnnealingLR: eta_min must be non-negative and finite, got -1e-08");
  expect_error([&] { optim::LinearLR(opt, 0.0); }, "LinearLR: start_factor must be in (0, 1], got 0");
  expect_error([&] { optim::LinearLR(opt, 1.5); }, "LinearLR: start_factor must be in (0, 1], got 1.5");
  expect_error([&] { optim::LinearLR(opt, 0.5, 1.25); }, "LinearLR: end_factor must be in [0, 1], got 1.25");
  expect_error([&] { optim::LinearLR(opt, 0.5, 1.0, 0); }, "LinearLR: total_iters must be positive, got 0");
  expect_error([&] { optim::WarmupCosineLR(opt, 12, 10); },
               "WarmupCosineLR: warmup_steps (12) must not exceed total_steps (10)");
  expect_error([&] { optim::WarmupCosineLR(opt, -1, 10); },
               "WarmupCosineLR: warmup_steps must be non-negative, got -1");
  expect_error([&] { optim::WarmupCosineLR(opt, 0, 0); }, "WarmupCosineLR: total_steps must be positive, got 0");
  expect_error([&] { optim::WarmupCosineLR(opt, 2, 10, -0.1); },
               "WarmupCosineLR: min_lr must be non-negative and finite, got -0.1");
  EXPECT_EQ(group_lrs(opt), kBaseLrs);
}

TEST(ReduceLROnPlateau, BadArgumentsThrowNamingTheValue) {
  using Plateau = optim::ReduceLROnPlateau;
  PlainSGD opt = two_groups();
  expect_error([&] { Plateau(opt, Plateau::Mode::min, 1.0); }, "ReduceLROnPlateau: factor must be in (0, 1), got 1");
  expect_error([&] { Plateau(opt, Plateau::Mode::min, 0.0); }, "ReduceLROnPlateau: factor must be in (0, 1), got 0");
  expect_error([&] { Plateau(opt, Plateau::Mode::min, 0.1, -1); },
               "ReduceLROnPlateau: patience must be non-negative, got -1");
  expect_error([&] { Plateau(opt, Plateau::Mode::max, 0.1, 10, -1e-4); },
               "ReduceLROnPlateau: threshold must be non-negative and finite, got -0.0001");
  expect_error([&] { Plateau(opt, Plateau::Mode::max, 0.1, 10, 1e-4, Plateau::ThresholdMode::abs, -2); },
               "ReduceLROnPlateau: cooldown must be non-negative, got -2");
  expect_error([&] { Plateau(opt, Plateau::Mode::min, 0.1, 10, 1e-4, Plateau::ThresholdMode::rel, 0, -0.001); },
               "ReduceLROnPlateau: min_lr must be non-negative and finite, got -0.001");
  expect_error(
      [&] {
        Plateau(opt, Plateau::Mode::min, 0.1, 10, 1e-4, Plateau::ThresholdMode::rel, 0, Lrs{0.0, 0.1, 0.2});
      },
      "ReduceLROnPlateau: expected 2 min_lrs (one per param group), got 3");
  expect_error([&] { Plateau(opt, Plateau::Mode::min, 0.1, 10, 1e-4, Plateau::ThresholdMode::rel, 0, 0.0, -1.0); },
               "ReduceLROnPlateau: eps must be non-negative and finite, got -1");
  EXPECT_EQ(group_lrs(opt), kBaseLrs);
}

TEST(SequentialLR, BadArgumentsThrowNamingTheValueAndChangeNoLr) {
  using Parts = std::vector<std::unique_ptr<optim::LRScheduler>>;
  PlainSGD opt = two_groups();
  PlainSGD other = two_groups();
  const auto warmup_then_cosine = [&](optim::Optimizer& second) {
    Parts parts;
    parts.push_back(std::make_unique<optim::LinearLR>(opt, 0.5));
    parts.push_back(std::make_unique<optim::CosineAnnealingLR>(second, 10));
    return parts;
  };
  expect_error([&] { optim::SequentialLR(opt, Parts{}, {}); },
               "SequentialLR: expected at least one scheduler, got none");
  expect_error(
      [&] {
        optim::SequentialLR(opt, warmup_then_cosine(opt), {5, 7});
      },
      "SequentialLR: expected one milestone fewer than schedulers, got 2 schedulers and 2 milestones");
  expect_error([&] { optim::SequentialLR(opt, warmup_then_cosine(opt), {0}); },
               "SequentialLR: milestones must be positive and strictly increasing, got [0]");
  expect_error([&] { optim::SequentialLR(opt, warmup_then_cosine(other), {5}); },
               "SequentialLR: scheduler 1 belongs to a different optimizer than the one passed in");
  expect_error(
      [&] {
        Parts parts = warmup_then_cosine(opt);
        parts[0].reset();
        optim::SequentialLR(opt, std::move(parts), {5});
      },
      "SequentialLR: scheduler 0 is null");
  expect_error(
      [&] {
        Parts parts;
        parts.push_back(
            std::make_unique<optim::SequentialLR>(opt, warmup_then_cosine(opt), std::vector<std::int64_t>{5}));
        parts.push_back(std::make_unique<optim::StepLR>(opt, 3));
        optim::SequentialLR(opt, std::move(parts), {20});
      },
      "SequentialLR: scheduler 0 is a SequentialLR; nesting is not supported");

  // A failed SequentialLR leaves the lrs as its sub-schedulers' construction left them.
  opt.param_groups()[0].options().set_lr(0.1);
  opt.param_groups()[1].options().set_lr(0.03);
  Parts parts = warmup_then_cosine(opt);
  const Lrs after_parts = group_lrs(opt);
  EXPECT_EQ(after_parts, (Lrs{0.1 * 0.5, 0.03 * 0.5}));
  opt.add_param_group(optim::OptimizerParamGroup({xg::zeros({1}, true)}));
  expect_error([&] { optim::SequentialLR(opt, std::move(parts), {5}); },
               "SequentialLR: scheduler 0 was constructed for 2 param groups but the optimizer has 3");
  EXPECT_EQ(group_lrs(opt), (Lrs{0.05, 0.015, 0.1}));
}

}  // namespace
