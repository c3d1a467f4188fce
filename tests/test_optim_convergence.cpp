// How the optimizers behave on whole problems: convergence on a round bowl, a quadratic with condition
// number 100 and Rosenbrock's valley; numerical stability at tiny and huge gradients, over long runs
// and with zero gradients.

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <vector>

namespace {

using namespace xg::optim;

using Gradient = std::function<void(float x, float y, float& gx, float& gy)>;
using Factory = std::function<std::unique_ptr<Optimizer>(std::vector<xg::Tensor>)>;

// f = h1 (x - 1)^2 / 2 + h2 (y - 1)^2 / 2: condition number h2 / h1, minimum (1, 1).
Gradient quadratic(float h1, float h2) {
  return [=](float x, float y, float& gx, float& gy) {
    gx = h1 * (x - 1);
    gy = h2 * (y - 1);
  };
}

// f = (1 - x)^2 + 100 (y - x^2)^2, minimum (1, 1).
void rosenbrock(float x, float y, float& gx, float& gy) {
  gx = -2 * (1 - x) - 400 * x * (y - x * x);
  gy = 200 * (y - x * x);
}

struct RunResult {
  long steps_to_goal = -1;  // first step within 0.01 of (1, 1); -1 if never
  float x = 0, y = 0;       // where it ended
};

RunResult run(const Gradient& gradient, const Factory& make, float x0, float y0, long max_steps) {
  xg::Tensor p = xg::tensor(xt::xarray<float>{x0, y0}, true);
  std::unique_ptr<Optimizer> optimizer = make({p});
  RunResult result;
  for (long step = 0; step <= max_steps; ++step) {
    const float x = p.data()(0), y = p.data()(1);
    if (result.steps_to_goal < 0 && std::hypot(x - 1, y - 1) < 0.01f) result.steps_to_goal = step;
    if (step == max_steps) break;
    float gx, gy;
    gradient(x, y, gx, gy);
    p.mutable_grad()(0) = gx;
    p.mutable_grad()(1) = gy;
    optimizer->step();
  }
  result.x = p.data()(0);
  result.y = p.data()(1);
  return result;
}

Factory sgd(double lr, double momentum = 0, bool nesterov = false) {
  return [=](std::vector<xg::Tensor> p) {
    return std::make_unique<SGD>(p, SGDOptions(lr).momentum(momentum).nesterov(nesterov));
  };
}
Factory adam(double lr, double weight_decay = 0) {
  return
      [=](std::vector<xg::Tensor> p) { return std::make_unique<Adam>(p, AdamOptions(lr).weight_decay(weight_decay)); };
}
Factory adamw(double lr, double weight_decay) {
  return [=](std::vector<xg::Tensor> p) {
    return std::make_unique<AdamW>(p, AdamWOptions(lr).weight_decay(weight_decay));
  };
}

TEST(OptimConvergence, EveryOptimizerReachesTheBottomOfARoundBowl) {
  const std::vector<std::pair<const char*, Factory>> racers = {
      {"SGD", sgd(0.1)},
      {"momentum", sgd(0.05, 0.9)},
      {"nesterov", sgd(0.05, 0.9, true)},
      {"Adam", adam(0.05)},
      {"AdamW", adamw(0.05, 1e-4)},
      {"RMSprop", [](std::vector<xg::Tensor> p) { return std::make_unique<RMSprop>(p, RMSpropOptions(0.01)); }},
      {"Adagrad", [](std::vector<xg::Tensor> p) { return std::make_unique<Adagrad>(p, AdagradOptions(0.5)); }},
  };
  for (const auto& [name, make] : racers) {
    SCOPED_TRACE(name);
    const RunResult result = run(quadratic(1, 1), make, -1, 3, 2000);
    EXPECT_GE(result.steps_to_goal, 1);
    EXPECT_NEAR(result.x, 1.0f, 0.01f);
    EXPECT_NEAR(result.y, 1.0f, 0.01f);
  }
}

TEST(OptimConvergence, MomentumBeatsSGDOnAnIllConditionedQuadratic) {
  const Gradient kappa_100 = quadratic(1, 100);
  const long plain = run(kappa_100, sgd(0.01), -1, -1, 5000).steps_to_goal;
  const long heavy_ball = run(kappa_100, sgd(0.01, 0.9), -1, -1, 5000).steps_to_goal;
  const long nesterov = run(kappa_100, sgd(0.01, 0.9, true), -1, -1, 5000).steps_to_goal;
  // SGD's lr is capped by the steep direction (lr < 2 / 100) and the flat one then crawls.
  const long plain_best = run(kappa_100, sgd(0.019), -1, -1, 5000).steps_to_goal;
  ASSERT_GT(plain, 0);
  ASSERT_GT(heavy_ball, 0);
  ASSERT_GT(nesterov, 0);
  EXPECT_LT(heavy_ball * 3, plain);
  EXPECT_LT(nesterov * 3, plain);
  EXPECT_LT(heavy_ball, plain_best);
  EXPECT_EQ(run(kappa_100, sgd(0.021), -1, -1, 500).steps_to_goal, -1);  // past 2 / 100 it diverges
}

TEST(OptimConvergence, AdamShrugsOffTheConditioningSGDDoesNot) {
  // Same steepest curvature (100), condition number 1 or 100: SGD slows ~100x, Adam hardly at all,
  // because it scales each coordinate by its own gradient size.
  const long sgd_round = run(quadratic(100, 100), sgd(0.005), -1, -1, 20000).steps_to_goal;
  const long sgd_skewed = run(quadratic(1, 100), sgd(0.005), -1, -1, 20000).steps_to_goal;
  const long adam_round = run(quadratic(100, 100), adam(0.05), -1, -1, 20000).steps_to_goal;
  const long adam_skewed = run(quadratic(1, 100), adam(0.05), -1, -1, 20000).steps_to_goal;
  ASSERT_GT(sgd_round, 0);
  ASSERT_GT(sgd_skewed, 0);
  ASSERT_GT(adam_round, 0);
  ASSERT_GT(adam_skewed, 0);
  EXPECT_GT(sgd_skewed, 20 * sgd_round);
  EXPECT_LT(adam_skewed, 2 * adam_round);
  EXPECT_LT(adam_skewed, sgd_skewed);
}

TEST(OptimConvergence, MomentumAndAdamBeatSGDInRosenbrocksValley) {
  const long plain = run(rosenbrock, sgd(2e-3), -1.2f, 1, 20000).steps_to_goal;
  const long heavy_ball = run(rosenbrock, sgd(2e-3, 0.9), -1.2f, 1, 20000).steps_to_goal;
  const long adam_steps = run(rosenbrock, adam(0.1), -1.2f, 1, 20000).steps_to_goal;
  ASSERT_GT(plain, 0);
  ASSERT_GT(heavy_ball, 0);
  ASSERT_GT(adam_steps, 0);
  EXPECT_LT(heavy_ball * 3, plain);
  EXPECT_LT(adam_steps, plain);
}

TEST(OptimConvergence, AdamWithL2AndAdamWPartWays) {
  // Adam's L2 term joins the gradient and is divided by sqrt(v) with it: it ends at the minimum of
  // f + wd/2 |w|^2, pulling the flat coordinate 100x harder. AdamW shrinks both coordinates alike.
  const Gradient kappa_100 = quadratic(1, 100);
  const RunResult l2 = run(kappa_100, adam(0.01, 0.1), -1, -1, 3000);
  const RunResult decoupled = run(kappa_100, adamw(0.01, 0.1), -1, -1, 3000);
  EXPECT_NEAR(l2.x, 1 / 1.1, 1e-3);
  EXPECT_NEAR(l2.y, 100 / 100.1, 1e-3);
  EXPECT_GT(decoupled.x - l2.x, 0.05f);
  EXPECT_NEAR(decoupled.x, decoupled.y, 0.01f);
  // Without weight decay they are the same algorithm, bit for bit.
  const RunResult adam_plain = run(kappa_100, adam(0.01), -1, -1, 300);
  const RunResult adamw_plain = run(kappa_100, adamw(0.01, 0), -1, -1, 300);
  EXPECT_EQ(adam_plain.x, adamw_plain.x);
  EXPECT_EQ(adam_plain.y, adamw_plain.y);
}

// ---- stability ---------------------------------------------------------------------------------------

std::vector<std::pair<const char*, Factory>> all_optimizers() {
  return {
      {"SGD", sgd(0.01)},
      {"momentum", sgd(0.01, 0.9, true)},
      {"Adam", adam(1e-3, 0.01)},
      {"Adam amsgrad",
       [](std::vector<xg::Tensor> p) { return std::make_unique<Adam>(p, AdamOptions(1e-3).amsgrad(true)); }},
      {"AdamW", adamw(1e-3, 0.01)},
      {"RMSprop centered",
       [](std::vector<xg::Tensor> p) {
         return std::make_unique<RMSprop>(p, RMSpropOptions(1e-3).centered(true).momentum(0.9));
       }},
      {"Adagrad", [](std::vector<xg::Tensor> p) { return std::make_unique<Adagrad>(p, AdagradOptions(1e-3)); }},
  };
}

bool all_finite(const xg::Array& values) {
  for (float v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

TEST(OptimStability, TinyAndHugeGradientsStayFinite) {
  for (const float g : {1e-10f, 1e6f, -1e6f}) {
    for (const auto& [name, make] : all_optimizers()) {
      SCOPED_TRACE(std::string(name) + " at gradient " + std::to_string(g));
      xg::Tensor p = xg::ones({3}, true);
      std::unique_ptr<Optimizer> optimizer = make({p});
      for (int step = 0; step < 100; ++step) {
        p.mutable_grad().fill(g);
        optimizer->step();
      }
      EXPECT_TRUE(all_finite(p.data())) << p;
      for (const auto& [buffer, values] : optimizer->state(p)->buffers) EXPECT_TRUE(all_finite(values)) << buffer;
    }
  }
}

TEST(OptimStability, AdamStepIsAboutLrWhateverTheGradientScale) {
  for (const float g : {1e-3f, 1.0f, 1e6f}) {
    xg::Tensor p = xg::zeros({1}, true);
    Adam adam({p}, AdamOptions(0.01));
    p.mutable_grad().fill(g);
    adam.step();
    EXPECT_NEAR(p.data()(0), -0.01f, 1e-7f) << "gradient " << g;
  }
  // With g far below eps = 1e-8 the step shrinks: lr * g / (|g| + eps).
  xg::Tensor p = xg::zeros({1}, true);
  Adam adam({p}, AdamOptions(0.01));
  p.mutable_grad().fill(1e-10f);
  adam.step();
  EXPECT_NEAR(p.data()(0), -0.01 * 1e-10 / (1e-10 + 1e-8), 1e-9);
}

TEST(OptimStability, AfterTenThousandStepsAdamsBiasCorrectionIsOne) {
  xg::Tensor p = xg::tensor(xt::xarray<float>(0.0f), true);
  Adam adam({p}, AdamOptions(1e-3));
  float before = 0;
  for (int step = 0; step < 10000; ++step) {
    before = p.item();
    p.mutable_grad() = xt::xarray<float>(0.5f);
    adam.step();
  }
  const OptimizerParamState& state = *adam.state(p);
  EXPECT_EQ(state.step, 10000);
  const double correction1 = 1 - std::pow(0.9, 10000.0), correction2 = 1 - std::pow(0.999, 10000.0);
  EXPECT_EQ(correction1, 1.0);
  EXPECT_NEAR(correction2, 1.0, 5e-5);
  EXPECT_NEAR(state.buffers.at("exp_avg")(), 0.5, 1e-5);             // m has forgotten its zero start
  EXPECT_NEAR(state.buffers.at("exp_avg_sq")(), 0.25, 0.25 * 1e-4);  // v nearly so
  EXPECT_NEAR(before - p.item(), 1e-3, 1e-6);                        // so the step is lr * m / sqrt(v) = lr
}

TEST(OptimStability, ZeroGradientDoesNotMoveSGD) {
  for (const double momentum : {0.0, 0.9}) {
    xg::Tensor p = xg::full({4}, 2.5f, true);
    SGD sgd({p}, SGDOptions(0.1).momentum(momentum));
    for (int step = 0; step < 50; ++step) {
      p.mutable_grad().fill(0.0f);
      sgd.step();
    }
    EXPECT_EQ(p.data(), xt::xarray<float>({2.5f, 2.5f, 2.5f, 2.5f}));
  }
}

TEST(OptimStability, ZeroGradientDecaysAdamsMoments) {
  xg::Tensor p = xg::ones({1}, true);
  Adam adam({p}, AdamOptions(1e-3));
  p.mutable_grad().fill(1.0f);
  adam.step();
  float m = 0.1f, v = 0.001f;  // after one gradient of 1
  for (int step = 0; step < 20; ++step) {
    p.mutable_grad().fill(0.0f);
    adam.step();
    m = m * 0.9f;  // exactly what m * beta1 + 0 * (1 - beta1) gives in float
    v = v * 0.999f;
  }
  EXPECT_EQ(adam.state(p)->buffers.at("exp_avg")(0), m);
  EXPECT_EQ(adam.state(p)->buffers.at("exp_avg_sq")(0), v);
}

TEST(OptimStability, ZeroGradientStillDecaysAdamWWeights) {
  xg::Tensor p = xg::full({2}, 2.0f, true);
  AdamW adamw({p}, AdamWOptions(0.01).weight_decay(0.1));
  float expected = 2.0f;
  for (int step = 0; step < 100; ++step) {
    p.mutable_grad().fill(0.0f);
    adamw.step();
    expected = expected * static_cast<float>(1 - 0.01 * 0.1);  // m = v = 0, so only the decay acts
  }
  EXPECT_EQ(p.data()(0), expected);
  EXPECT_NEAR(expected, 2.0 * std::pow(0.999, 100), 1e-5);
}

}  // namespace
