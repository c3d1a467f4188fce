// The schedulers of issue 13 against PyTorch 1.13 (tests/reference/lr_scheduler_more.py: two param
// groups with lrs 0.1 and 0.03): LambdaLR, MultiplicativeLR, ConstantLR, PolynomialLR,
// CosineAnnealingWarmRestarts (also inside a SequentialLR), ChainedScheduler, CyclicLR and OneCycleLR
// (with their momentum or beta1 cycling, on SGD with momentum and on Adam). Every lr and momentum must
// be the same double as PyTorch's (EXPECT_EQ), the closed forms too. Each case is also stopped halfway, saved
// to a scheduler state file, loaded into a scheduler constructed again, and must go on with PyTorch's
// lrs; and every argument check has its message.

#include "error_message.hpp"
#include "reference_json.hpp"
#include "scheduler_test_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace optim = xg::optim;
using json = nlohmann::json;
using namespace xg_test;  // group_lrs, Lrs, PlainSGD, two_groups, read_reference

const json& reference() {
  static const json data = read_reference("lr_scheduler_more.json");
  return data;
}

// The reference script's LAMBDAS, computing the same doubles: Python's float ** int is pow, int // int
// floors (epochs are non-negative), int / int is a double division.
optim::LrLambda lambda_named(const std::string& name) {
  static const std::map<std::string, optim::LrLambda> lambdas = {
      {"pow_0.95", [](std::int64_t e) { return std::pow(0.95, static_cast<double>(e)); }},
      {"every_30", [](std::int64_t e) { return static_cast<double>(e / 30); }},
      {"warmup_10", [](std::int64_t e) { return std::min(1.0, static_cast<double>(e + 1) / 10); }},
      {"constant_0.95", [](std::int64_t) { return 0.95; }},
      {"slower", [](std::int64_t e) { return 1 - 0.001 * static_cast<double>(e); }},
  };
  return lambdas.at(name);
}

// The reference script's SCALE_FNS.
double half_life_3(double x) { return std::pow(0.5, x / 3); }

// A case's optimizer over two groups with lrs `lrs`: "SGD_momentum" (momentum 0.9), "Adam", "SGD", or
// (no "optimizer") the lr-only PlainSGD.
std::unique_ptr<optim::Optimizer> make_optimizer(const json& c, const Lrs& lrs = xg_test::kBaseLrs) {
  const std::string kind = c.value("optimizer", "plain");
  if (kind == "plain") return std::make_unique<PlainSGD>(xg_test::plain_groups(lrs), lrs[0]);
  std::vector<optim::OptimizerParamGroup> groups;
  for (double lr : lrs) {
    std::unique_ptr<optim::OptimizerOptions> options;
    if (kind == "Adam") {
      options = std::make_unique<optim::AdamOptions>(lr);
    } else {
      options = std::make_unique<optim::SGDOptions>(optim::SGDOptions(lr).momentum(kind == "SGD_momentum" ? 0.9 : 0));
    }
    groups.emplace_back(std::vector<xg::Tensor>{xg::zeros({2}, true)}, std::move(options));
  }
  if (kind == "Adam") return std::make_unique<optim::Adam>(std::move(groups), optim::AdamOptions(lrs[0]));
  return std::make_unique<optim::SGD>(std::move(groups), optim::SGDOptions(lrs[0]));
}

// Each group's momentum, or beta1 for Adam, as the reference records them.
Lrs momentums(const optim::Optimizer& opt) {
  Lrs values;
  for (const optim::OptimizerParamGroup& group : opt.param_groups()) {
    for (const auto& [name, value] : group.options().hyperparameters()) {
      if (name == "momentum" || name == "beta1") values.push_back(value);
    }
  }
  return values;
}

std::vector<double> doubles(const json& value) {
  return value.is_array() ? value.get<std::vector<double>>() : std::vector<double>{value.get<double>()};
}

std::unique_ptr<optim::LRScheduler> cyclic(optim::Optimizer& opt, const json& a) {
  optim::CyclicLR::Options options(doubles(a["base_lr"]), doubles(a["max_lr"]));
  options.step_size_up(a["step_size_up"]);
  if (a.contains("step_size_down")) options.step_size_down(a["step_size_down"].get<double>());
  const std::string mode = a.value("mode", "triangular");
  options.mode(mode == "triangular2" ? optim::CyclicLR::Mode::triangular2
               : mode == "exp_range" ? optim::CyclicLR::Mode::exp_range
                                     : optim::CyclicLR::Mode::triangular);
  options.gamma(a.value("gamma", 1.0));
  if (a.contains("scale_fn")) {
    options.scale_fn(half_life_3);
    options.scale_mode(a["scale_mode"] == "cycle" ? optim::CyclicLR::ScaleMode::cycle
                                                  : optim::CyclicLR::ScaleMode::iterations);
  }
  options.cycle_momentum(a.value("cycle_momentum", true));
  if (a.contains("base_momentum")) options.base_momentums(doubles(a["base_momentum"]));
  if (a.contains("max_momentum")) options.max_momentums(doubles(a["max_momentum"]));
  return std::make_unique<optim::CyclicLR>(opt, options);
}

std::unique_ptr<optim::LRScheduler> one_cycle(optim::Optimizer& opt, const json& a) {
  optim::OneCycleLR::Options options(doubles(a["max_lr"]));
  if (a.contains("total_steps")) options.total_steps(a["total_steps"].get<std::int64_t>());
  if (a.contains("epochs")) options.epochs(a["epochs"].get<std::int64_t>());
  if (a.contains("steps_per_epoch")) options.steps_per_epoch(a["steps_per_epoch"].get<std::int64_t>());
  options.pct_start(a.value("pct_start", 0.3));
  if (a.value("anneal_strategy", "cos") == "linear") options.anneal_strategy(optim::OneCycleLR::AnnealStrategy::linear);
  options.cycle_momentum(a.value("cycle_momentum", true));
  options.div_factor(a.value("div_factor", 25.0));
  options.final_div_factor(a.value("final_div_factor", 1e4));
  options.three_phase(a.value("three_phase", false));
  return std::make_unique<optim::OneCycleLR>(opt, options);
}

template <typename Scheduler>
std::unique_ptr<optim::LRScheduler> with_lambdas(optim::Optimizer& opt, const json& names) {
  if (!names.is_array()) return std::make_unique<Scheduler>(opt, lambda_named(names));
  std::vector<optim::LrLambda> lambdas;
  for (const json& name : names) lambdas.push_back(lambda_named(name));
  return std::make_unique<Scheduler>(opt, lambdas);
}

std::unique_ptr<optim::LRScheduler> build(optim::Optimizer& opt, const json& spec) {
  const std::string kind = spec["scheduler"];
  const json& a = spec["args"];
  if (kind == "LambdaLR") return with_lambdas<optim::LambdaLR>(opt, a["lr_lambda"]);
  if (kind == "MultiplicativeLR") return with_lambdas<optim::MultiplicativeLR>(opt, a["lr_lambda"]);
  if (kind == "ConstantLR") return std::make_unique<optim::ConstantLR>(opt, a["factor"], a["total_iters"]);
  if (kind == "PolynomialLR") return std::make_unique<optim::PolynomialLR>(opt, a["total_iters"], a["power"]);
  if (kind == "ExponentialLR") return std::make_unique<optim::ExponentialLR>(opt, a["gamma"]);
  if (kind == "LinearLR") {
    return std::make_unique<optim::LinearLR>(opt, a["start_factor"], a["end_factor"], a["total_iters"]);
  }
  if (kind == "CyclicLR") return cyclic(opt, a);
  if (kind == "OneCycleLR") return one_cycle(opt, a);
  if (kind == "CosineAnnealingWarmRestarts") {
    return std::make_unique<optim::CosineAnnealingWarmRestarts>(opt, a["T_0"], a["T_mult"], a["eta_min"]);
  }
  std::vector<std::unique_ptr<optim::LRScheduler>> parts;
  for (const json& sub : a["schedulers"]) parts.push_back(build(opt, sub));
  if (kind == "ChainedScheduler") return std::make_unique<optim::ChainedScheduler>(std::move(parts));
  if (kind == "SequentialLR") {
    return std::make_unique<optim::SequentialLR>(opt, std::move(parts),
                                                 a["milestones"].get<std::vector<std::int64_t>>());
  }
  throw std::runtime_error("unknown scheduler " + kind);
}

Lrs row(const json& c, std::size_t t) { return c["lrs"][t].get<Lrs>(); }

TEST(LRSchedulerMore, EveryCaseMatchesPyTorchBitForBit) {
  const json& cases = reference()["cases"];
  ASSERT_EQ(cases.size(), 25u);
  for (const json& c : cases) {
    SCOPED_TRACE(c["name"].get<std::string>());
    std::unique_ptr<optim::Optimizer> opt = make_optimizer(c);
    std::unique_ptr<optim::LRScheduler> sched = build(*opt, c);
    const bool cycled = c.contains("momentums");
    ASSERT_EQ(group_lrs(*opt), row(c, 0)) << "after construction";
    if (cycled) {
      ASSERT_EQ(momentums(*opt), c["momentums"][0].get<Lrs>()) << "after construction";
    }
    for (std::size_t t = 1; t < c["lrs"].size(); ++t) {
      opt->step();
      sched->step();
      ASSERT_EQ(group_lrs(*opt), row(c, t)) << "epoch " << t;
      ASSERT_EQ(sched->get_last_lr(), row(c, t)) << "epoch " << t;
      if (cycled) {
        ASSERT_EQ(momentums(*opt), c["momentums"][t].get<Lrs>()) << "epoch " << t;
      }
    }
    EXPECT_EQ(sched->has_closed_form(), c.contains("closed_form"));
    if (!c.contains("closed_form")) continue;
    for (std::size_t t = 0; t < c["closed_form"].size(); ++t) {
      ASSERT_EQ(sched->lrs_at(static_cast<std::int64_t>(t)), c["closed_form"][t].get<Lrs>()) << "epoch " << t;
    }
  }
}

// Stopped at several epochs (mid-warmup, mid-period, on a restart), saved to a file's bytes, loaded
// into a scheduler made again over an optimizer with other lrs: the run goes on with PyTorch's lrs.
TEST(LRSchedulerMore, EveryCaseResumedFromItsStateFileContinuesWithPyTorchsLrs) {
  for (const json& c : reference()["cases"]) {
    const std::size_t epochs = c["lrs"].size();
    for (std::size_t stop : {std::size_t{1}, std::size_t{4}, epochs / 3, epochs / 2}) {
      SCOPED_TRACE(c["name"].get<std::string>() + ", stopped at " + std::to_string(stop));
      std::unique_ptr<optim::Optimizer> opt = make_optimizer(c);
      std::unique_ptr<optim::LRScheduler> sched = build(*opt, c);
      for (std::size_t t = 1; t <= stop; ++t) {
        opt->step();
        sched->step();
      }
      const std::string bytes = optim::encode_scheduler_state(sched->state_dict());
      std::unique_ptr<optim::Optimizer> resumed_opt = make_optimizer(c, {1.0, 2.0});
      std::unique_ptr<optim::LRScheduler> resumed = build(*resumed_opt, c);
      resumed_opt->load_state_dict(opt->state_dict());  // the lrs and momentums
      resumed->load_state_dict(optim::decode_lr_scheduler_state(bytes));
      ASSERT_EQ(optim::encode_scheduler_state(resumed->state_dict()), bytes);
      for (std::size_t t = stop + 1; t < epochs; ++t) {
        resumed_opt->step();
        resumed->step();
        ASSERT_EQ(group_lrs(*resumed_opt), row(c, t)) << "epoch " << t;
        if (c.contains("momentums")) {
          ASSERT_EQ(momentums(*resumed_opt), c["momentums"][t].get<Lrs>()) << "epoch " << t;
        }
      }
    }
  }
}

TEST(CosineAnnealingWarmRestarts, PeriodsGrowByTMultAndTheStateHoldsTCurAndTi) {
  PlainSGD opt = two_groups();
  optim::CosineAnnealingWarmRestarts sched(opt, 2, 3);
  std::vector<std::int64_t> restarts;
  for (std::int64_t t = 1; t <= 30; ++t) {
    sched.step();
    if (sched.T_cur() == 0) restarts.push_back(t);
  }
  EXPECT_EQ(restarts, (std::vector<std::int64_t>{2, 8, 26}));  // periods of 2, 6, 18 epochs
  EXPECT_EQ(sched.T_i(), 54);
  EXPECT_EQ(sched.T_cur(), 4);
  const optim::LRSchedulerState state = sched.state_dict();
  EXPECT_EQ(state.scalars, (std::vector<std::pair<std::string, double>>{{"T_cur", 4.0}, {"T_i", 54.0}}));
  EXPECT_EQ(group_lrs(opt)[0], 0.1 * (1 + std::cos(3.141592653589793 * 4 / 54)) / 2);
}

TEST(CosineAnnealingWarmRestarts, AStateWithImpossibleTCurOrTiIsRefusedAndChangesNothing) {
  PlainSGD opt = two_groups();
  optim::CosineAnnealingWarmRestarts sched(opt, 5);
  sched.step();
  for (const auto& [cur, period] : std::vector<std::pair<double, double>>{{5, 5}, {-1, 5}, {1.5, 5}, {0, 0}}) {
    optim::LRSchedulerState bad = sched.state_dict();
    bad.scalars = {{"T_cur", cur}, {"T_i", period}};
    EXPECT_EQ(xg_test::error_message([&] { sched.load_state_dict(bad); }),
              "CosineAnnealingWarmRestarts::load_state_dict: expected whole numbers 0 <= T_cur < T_i, got T_cur " +
                  xg::format_number(cur) + " and T_i " + xg::format_number(period));
  }
  optim::LRSchedulerState swapped = sched.state_dict();
  std::swap(swapped.scalars[0], swapped.scalars[1]);
  EXPECT_EQ(xg_test::error_message([&] { sched.load_state_dict(swapped); }),
            "CosineAnnealingWarmRestarts::load_state_dict: the state holds the scalars [T_i, T_cur], expected "
            "[T_cur, T_i]");
  EXPECT_EQ(sched.T_cur(), 1);
  EXPECT_EQ(sched.T_i(), 5);
}

TEST(ChainedScheduler, StepsEverySchedulerAndHoldsTheirStates) {
  PlainSGD opt = two_groups();
  std::vector<std::unique_ptr<optim::LRScheduler>> parts;
  parts.push_back(std::make_unique<optim::ConstantLR>(opt, 0.5, 2));
  parts.push_back(std::make_unique<optim::ExponentialLR>(opt, 0.9));
  optim::ChainedScheduler chained(std::move(parts));
  EXPECT_EQ(chained.last_epoch(), 0);
  EXPECT_EQ(chained.get_last_lr(), (Lrs{0.05, 0.015}));  // its schedulers' initial steps; none of its own
  chained.step();
  chained.step();
  EXPECT_EQ(chained.scheduler(0).last_epoch(), 2);
  EXPECT_EQ(chained.scheduler(1).last_epoch(), 2);
  const optim::LRSchedulerState state = chained.state_dict();
  ASSERT_EQ(state.children.size(), 2u);
  EXPECT_EQ(state.children[0].scheduler, "ConstantLR");
  EXPECT_EQ(state.children[1].scheduler, "ExponentialLR");
}

TEST(OneCycleLR, TheStepAfterTheLastIsRefusedAndChangesNothing) {
  PlainSGD opt = two_groups();
  optim::OneCycleLR::Options options(0.1);
  options.total_steps(10);
  options.cycle_momentum(false);
  optim::OneCycleLR sched(opt, options);
  for (int t = 0; t < 10; ++t) sched.step();  // total_steps + 1 lrs, as in PyTorch
  const Lrs last = group_lrs(opt);
  EXPECT_EQ(xg_test::error_message([&] { sched.step(); }),
            "OneCycleLR: tried to step 12 times; total_steps is 10 (construction counts as the first)");
  EXPECT_EQ(sched.last_epoch(), 10);
  EXPECT_EQ(group_lrs(opt), last);
}

TEST(CyclicLR, MomentumCyclingNeedsAMomentumAsInPyTorch) {
  std::vector<xg::Tensor> params{xg::zeros({2}, true)};
  optim::Adam adam(params, optim::AdamOptions(0.1));
  EXPECT_EQ(xg_test::error_message([&] { optim::CyclicLR(adam, optim::CyclicLR::Options(0.01, 0.1)); }),
            "CyclicLR: cycle_momentum needs an optimizer with a momentum (Adam has none); pass cycle_momentum = false");
  EXPECT_EQ(adam.param_groups()[0].options().get_lr(), 0.1);  // refused before touching it
  PlainSGD plain = two_groups();
  optim::OneCycleLR::Options options(0.1);
  options.total_steps(10);
  EXPECT_EQ(xg_test::error_message([&] { optim::OneCycleLR(plain, options); }),
            "OneCycleLR: cycle_momentum needs an optimizer with a momentum or betas (PlainSGD has none); pass "
            "cycle_momentum = false");
}

// ---- bad arguments ----

TEST(LRSchedulerMore, BadArgumentsThrowNamingTheValue) {
  PlainSGD opt = two_groups();
  PlainSGD other = two_groups();
  const auto message = [](auto&& body) { return xg_test::error_message(body); };
  EXPECT_EQ(message([&] { optim::ConstantLR(opt, 0.0); }), "ConstantLR: factor must be in (0, 1], got 0");
  EXPECT_EQ(message([&] { optim::ConstantLR(opt, 1.5); }), "ConstantLR: factor must be in (0, 1], got 1.5");
  EXPECT_EQ(message([&] { optim::ConstantLR(opt, 0.5, 0); }), "ConstantLR: total_iters must be positive, got 0");
  EXPECT_EQ(message([&] { optim::PolynomialLR(opt, 0); }), "PolynomialLR: total_iters must be positive, got 0");
  EXPECT_EQ(message([&] { optim::PolynomialLR(opt, 5, -1.0); }),
            "PolynomialLR: power must be non-negative and finite, got -1");
  EXPECT_EQ(message([&] { optim::LambdaLR(opt, std::vector<optim::LrLambda>{lambda_named("pow_0.95")}); }),
            "LambdaLR: expected 2 lr_lambdas (one per param group), got 1");
  EXPECT_EQ(message([&] { optim::MultiplicativeLR(opt, optim::LrLambda()); }),
            "MultiplicativeLR: lr_lambda 0 is empty");
  EXPECT_EQ(message([&] { optim::CosineAnnealingWarmRestarts(opt, 0); }),
            "CosineAnnealingWarmRestarts: T_0 must be positive, got 0");
  EXPECT_EQ(message([&] { optim::CosineAnnealingWarmRestarts(opt, 5, 0); }),
            "CosineAnnealingWarmRestarts: T_mult must be >= 1, got 0");
  EXPECT_EQ(message([&] { optim::CosineAnnealingWarmRestarts(opt, 5, 1, -0.1); }),
            "CosineAnnealingWarmRestarts: eta_min must be non-negative and finite, got -0.1");
  EXPECT_EQ(message([&] { optim::ChainedScheduler(std::vector<std::unique_ptr<optim::LRScheduler>>{}); }),
            "ChainedScheduler: expected at least one scheduler, got none");
  EXPECT_EQ(message([&] {
              std::vector<std::unique_ptr<optim::LRScheduler>> parts;
              parts.push_back(std::make_unique<optim::ExponentialLR>(opt, 0.9));
              parts.push_back(std::make_unique<optim::ExponentialLR>(other, 0.9));
              optim::ChainedScheduler chained(std::move(parts));
            }),
            "ChainedScheduler: scheduler 1 belongs to a different optimizer than scheduler 0");
  EXPECT_EQ(message([&] {
              std::vector<std::unique_ptr<optim::LRScheduler>> inner;
              inner.push_back(std::make_unique<optim::ExponentialLR>(opt, 0.9));
              std::vector<std::unique_ptr<optim::LRScheduler>> parts;
              parts.push_back(std::make_unique<optim::ChainedScheduler>(std::move(inner)));
              optim::SequentialLR sequential(opt, std::move(parts), {});
            }),
            "SequentialLR: scheduler 0 is a ChainedScheduler; nesting one in a SequentialLR is not supported");
}

}  // namespace
