// Exercise 04's checks: one TEST per task in README.md, named as the task reads.
#include "adamw_optimizer.hpp"
#include "course_check.hpp"
#include "decay_analysis.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace {

using course_check::buffer;
using course_check::start_at;
using course_check::value;
using xg::optim::AdamWOptions;

TEST(AdamW, DecayFactorIsOneMinusLrTimesWeightDecay) {
  // lr 1e-3, lambda 0.1: every step keeps 0.9999 of the weight; at theta = 3 it takes 0.0003 away.
  const float factor = course::adamw_decay_factor(1e-3, 0.1);
  EXPECT_FLOAT_EQ(factor, 0.9999f) << "1 - lr * weight_decay";
  EXPECT_NEAR(3.0f - 3.0f * factor, 0.0003, 2.5e-7) << "the decay term theta * lr * lambda at theta = 3";
  EXPECT_EQ(course::adamw_decay_factor(1e-3, 0.0), 1.0f) << "no weight decay, no shrinking";
}

TEST(AdamW, FirstStepIsAdamsStepPlusTheDecoupledDecay) {
  // From 3 with gradient 6: decay to 3 * 0.9999 = 2.9997, then Adam's first step of lr: 2.9987.
  // (Adam + L2 would fold 0.1 * 3 into the gradient, 6.3, and still step by lr: 2.999.)
  float x = 3.0f;
  float m = 0.0f;
  float v = 0.0f;
  const course::AdamConstants c =
      course::adam_constants(course::adam_options_of(AdamWOptions(1e-3).weight_decay(0.1)), 1);
  course::adamw_update(x, 6.0f, m, v, course::adamw_decay_factor(1e-3, 0.1), c);
  EXPECT_FLOAT_EQ(x, 2.9987f) << "x after AdamW's first step";
  EXPECT_FLOAT_EQ(m, 0.6f) << "m sees the data gradient 6 only (0.63 would mean the decay went into it)";
  EXPECT_FLOAT_EQ(v, 0.036f) << "v sees the data gradient 6 only";
}

TEST(AdamW, ZeroGradientStillDecays) {
  xg::Tensor x = start_at(3.0f);
  course::AdamWOptimizer optimizer({x}, AdamWOptions(1e-3).weight_decay(0.1));
  float expected = 3.0f;
  for (int step = 1; step <= 10; ++step) {
    x.set_grad(xt::xarray<float>{0.0f});
    optimizer.step();
    expected *= 0.9999f;
    ASSERT_EQ(value(x), expected) << "x after " << step << " steps with a zero gradient: 3 * 0.9999^" << step;
  }
  EXPECT_EQ(buffer(optimizer, x, "exp_avg")(0), 0.0f) << "m stays 0 when the gradient is 0";
  EXPECT_EQ(buffer(optimizer, x, "exp_avg_sq")(0), 0.0f) << "v stays 0 when the gradient is 0";
}

// The largest difference between two sets of parameters.
float largest_gap(const std::vector<xg::Tensor>& a, const std::vector<xg::Tensor>& b) {
  float gap = 0.0f;
  for (std::size_t k = 0; k < a.size(); ++k) gap = std::max(gap, xt::amax(xt::abs(a[k].data() - b[k].data()))());
  return gap;
}

TEST(AdamW, AdamWithL2AndAdamWPartWays) {
  const course_check::SmallProblem problem;
  std::vector<xg::Tensor> l2 = problem.parameters();
  std::vector<xg::Tensor> decoupled = problem.parameters();
  xg::optim::Adam adam(l2, xg::optim::AdamOptions(1e-2).weight_decay(0.1));
  course::AdamWOptimizer adamw(decoupled, AdamWOptions(1e-2).weight_decay(0.1));
  float gap_at_10 = 0.0f;
  for (int step = 1; step <= 100; ++step) {
    problem.backward(l2);
    problem.backward(decoupled);
    adam.step();
    adamw.step();
    if (step == 1) {
      for (std::size_t k = 0; k < l2.size(); ++k) {
        EXPECT_NE(course_check::first_difference(decoupled[k].data(), l2[k].data()), "")
            << "after one step, parameter " << k << " should already differ from Adam + L2's";
      }
    }
    if (step == 10) gap_at_10 = largest_gap(l2, decoupled);
  }
  const float gap_at_100 = largest_gap(l2, decoupled);
  EXPECT_GT(gap_at_10, 1e-4f) << "the largest difference after 10 steps";
  EXPECT_GT(gap_at_100, 2.0f * gap_at_10) << "the trajectories keep parting: the largest difference after 100 steps";
}

TEST(AdamW, TwoHundredStepsEqualXgradsAdamWBitForBit) {
  course_check::expect_same_trajectories<course::AdamWOptimizer, xg::optim::AdamW, AdamWOptions>(
      {
          {"lr 1e-2, the default weight decay 0.01", AdamWOptions(1e-2)},
          {"weight decay 0.1", AdamWOptions(1e-2).weight_decay(0.1)},
          {"betas 0.8 and 0.99, weight decay 0.05", AdamWOptions(3e-3).betas({0.8, 0.99}).weight_decay(0.05)},
      },
      200, "AdamW");
}

TEST(AdamW, EffectiveDecayFollowsTheGradientsOnlyWithAdamPlusL2) {
  course::DecaySetup setup;
  setup.epochs = 10;
  const std::vector<course::DecayRun> runs = course::compare_weight_decay(setup);
  ASSERT_EQ(runs.size(), 2u);
  const course::DecayRun& l2 = runs[0];
  const course::DecayRun& adamw = runs[1];
  ASSERT_GT(adamw.weights.size(), 1000u) << "weights measured after training with your AdamW";
  const double expected = setup.lr * setup.weight_decay;
  for (const course::WeightRecord& w : adamw.weights) {
    ASSERT_NEAR(w.effective_decay, expected, 0.01 * expected)
        << "AdamW takes lr * lambda of every weight per step, whatever its gradients (rms " << w.rms << ")";
  }
  EXPECT_LT(course::decay_spread(adamw), 1.01) << "AdamW: largest effective decay / smallest";
  EXPECT_GT(course::decay_spread(l2), 10.0) << "Adam + L2: largest effective decay / smallest";
  EXPECT_LT(course::decay_follows_rms(l2), -0.9) << "Adam + L2: correlation of log decay with log rms";
}

}  // namespace
