// Exercise 03's checks: one TEST per task in README.md, named as the task reads.
#include "adam_optimizer.hpp"
#include "course_check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace {

using course_check::buffer;
using course_check::start_at;
using course_check::value;
using xg::optim::AdamOptions;

TEST(Adam, ConstantsCorrectTheBiasOfTheFirstSteps) {
  // Step 1 with the defaults (lr 1e-3, betas 0.9 and 0.999): m and v start at 0, so after one step
  // they hold 0.1 g and 0.001 g^2; dividing by 1 - 0.9 and 1 - 0.999 undoes that.
  const course::AdamConstants first = course::adam_constants(AdamOptions(1e-3), 1);
  EXPECT_FLOAT_EQ(first.step_size, 0.01f) << "lr / (1 - 0.9^1)";
  EXPECT_FLOAT_EQ(first.bias_correction2_sqrt, 0.0316227749f) << "sqrt(1 - 0.999^1)";
  EXPECT_FLOAT_EQ(first.beta1, 0.9f);
  EXPECT_FLOAT_EQ(first.one_minus_beta1, 0.1f);
  EXPECT_FLOAT_EQ(first.beta2, 0.999f);
  EXPECT_FLOAT_EQ(first.one_minus_beta2, 0.001f);
  EXPECT_FLOAT_EQ(first.eps, 1e-8f);
  EXPECT_EQ(first.weight_decay, 0.0f);
  const course::AdamConstants second = course::adam_constants(AdamOptions(1e-3), 2);
  EXPECT_FLOAT_EQ(second.step_size, 0.00526315812f) << "lr / (1 - 0.9^2) = 1e-3 / 0.19";
  EXPECT_FLOAT_EQ(second.bias_correction2_sqrt, 0.0447101779f) << "sqrt(1 - 0.999^2)";
  EXPECT_FLOAT_EQ(course::adam_constants(AdamOptions(1e-3).weight_decay(0.1), 1).weight_decay, 0.1f);
}

TEST(Adam, AfterTenThousandStepsTheCorrectionsAreOne) {
  // 0.9^10000 is far below float precision: the first correction is exactly 1, step_size is lr.
  const course::AdamConstants late = course::adam_constants(AdamOptions(1e-3), 10000);
  EXPECT_EQ(late.step_size, 1e-3f) << "lr / (1 - 0.9^10000)";
  // 0.999^10000 = 4.5e-5 still shows: sqrt(1 - 4.5e-5) = 0.99997741. It rounds to 1 in float from
  // step 16,621 on (0.999^t < 6e-8).
  EXPECT_FLOAT_EQ(late.bias_correction2_sqrt, 0.99997741f) << "sqrt(1 - 0.999^10000)";
  const course::AdamConstants later = course::adam_constants(AdamOptions(1e-3), 100000);
  EXPECT_EQ(later.step_size, 1e-3f) << "lr / (1 - 0.9^100000)";
  EXPECT_EQ(later.bias_correction2_sqrt, 1.0f) << "sqrt(1 - 0.999^100000)";
}

TEST(Adam, FirstStepFromThreeWithGradientSixGoesTo2_999) {
  // m = 0.1 * 6 = 0.6, v = 0.001 * 36 = 0.036; corrected: 6 and 36; x = 3 - 0.001 * 6 / (6 + 1e-8).
  float x = 3.0f;
  float m = 0.0f;
  float v = 0.0f;
  course::adam_update(x, 6.0f, m, v, course::adam_constants(AdamOptions(1e-3), 1));
  EXPECT_FLOAT_EQ(m, 0.6f) << "the first moment m after one step";
  EXPECT_FLOAT_EQ(v, 0.036f) << "the second moment v after one step";
  EXPECT_FLOAT_EQ(x, 2.999f) << "x after one step";
}

// Steps one element `steps` times with the same gradient; checks that each step moves x by `move`.
void expect_steady_moves(float x0, float grad, double move, double tolerance, int steps) {
  float x = x0;
  float m = 0.0f;
  float v = 0.0f;
  for (int t = 1; t <= steps; ++t) {
    const float before = x;
    course::adam_update(x, grad, m, v, course::adam_constants(AdamOptions(1e-3), t));
    ASSERT_TRUE(std::isfinite(x) && std::isfinite(m) && std::isfinite(v))
        << "step " << t << ": x = " << x << ", m = " << m << ", v = " << v;
    ASSERT_NEAR(x - before, move, tolerance) << "how far step " << t << " moved x (gradient " << grad << ")";
  }
}

TEST(Adam, TinyGradientsStayFinite) {
  // g = 1e-10: sqrt(v) is about 1e-10, and eps = 1e-8 keeps the division tame; each step moves x by
  // lr * 1e-10 / (1e-10 + 1e-8) = 9.90e-6.
  expect_steady_moves(0.01f, 1e-10f, -1e-3 * 1e-10 / (1e-10 + 1e-8), 2e-8, 100);
}

TEST(Adam, HugeGradientsMoveByAboutLr) {
  // g = 1e6: m / sqrt(v) is about 1 whatever the gradient's size, so each step moves x by lr.
  expect_steady_moves(3.0f, 1e6f, -1e-3, 1e-6, 10);
}

// The classic mistakes, each caught by what it means rather than by a bit-for-bit difference.

TEST(Adam, FirstStepMovesByLrWhateverTheGradient) {
  // m and v start at 0, so after one step they are (1 - beta) times too small; the bias corrections
  // undo that, and the first step moves x by lr * g / |g|: by lr for any gradient's size. Without
  // them it moves by 3.16 lr (neither), 0.1 lr (no first correction) or 31.6 lr (no second).
  for (const float grad : {1e-2f, 1.0f, 1e3f}) {
    float x = 0.0f;
    float m = 0.0f;
    float v = 0.0f;
    course::adam_update(x, grad, m, v, course::adam_constants(AdamOptions(1e-3), 1));
    EXPECT_NEAR(x / -1e-3, 1.0, 1e-5) << "the first step, in units of lr, with gradient " << grad;
  }
}

TEST(Adam, EpsIsAddedOutsideTheSquareRoot) {
  // eps = 0.01 and g = 1: the corrected sqrt(v) is 1, so the step is lr / (1 + 0.01) = 9.9009901e-4.
  // eps under the root would give lr / sqrt(1.01) = 9.9503719e-4.
  float x = 0.0f;
  float m = 0.0f;
  float v = 0.0f;
  course::adam_update(x, 1.0f, m, v, course::adam_constants(AdamOptions(1e-3).eps(1e-2), 1));
  EXPECT_NEAR(x, -1e-3 / 1.01, 1e-10) << "x after one step with eps = 0.01";
}

TEST(Adam, WeightDecayIsL2AndEntersTheGradient) {
  // Adam's weight_decay is L2: the gradient becomes g + weight_decay * x before the moments see it.
  // From x = 3 with g = 1 and weight_decay 0.1: g' = 1.3, so m = 0.13 and v = 0.00169. Decaying x
  // directly (AdamW's way, exercise 04) leaves m = 0.1.
  float x = 3.0f;
  float m = 0.0f;
  float v = 0.0f;
  course::adam_update(x, 1.0f, m, v, course::adam_constants(AdamOptions(1e-3).weight_decay(0.1), 1));
  EXPECT_FLOAT_EQ(m, 0.13f) << "m after one step: (1 - beta1) * (g + weight_decay * x)";
  EXPECT_FLOAT_EQ(v, 0.00169f) << "v after one step: (1 - beta2) * (g + weight_decay * x)^2";
  EXPECT_FLOAT_EQ(x, 2.999f) << "x after one step: a first step moves by lr whatever the gradient";
}

TEST(Adam, EachParameterHasItsOwnStepCountAndTwoBuffers) {
  xg::Tensor early = start_at(3.0f);
  xg::Tensor late = start_at(3.0f);
  xg::Tensor matrix = xg::ones({3, 4}, true);
  course::AdamOptimizer optimizer({early, late, matrix}, AdamOptions(1e-3));
  for (int step = 1; step <= 3; ++step) {
    early.set_grad(xt::xarray<float>{6.0f});
    matrix.set_grad(xt::ones<float>({3, 4}));
    if (step == 3) late.set_grad(xt::xarray<float>{6.0f});  // `late` has no gradient before step 3
    optimizer.step();
  }
  ASSERT_NE(optimizer.state(early), nullptr);
  ASSERT_NE(optimizer.state(late), nullptr) << "the parameter that had a gradient at step 3 has no state";
  EXPECT_EQ(optimizer.state(early)->step, 3) << "the step count of a parameter stepped 3 times";
  EXPECT_EQ(optimizer.state(late)->step, 1) << "the step count of a parameter stepped once";
  // Its own first step, with its own bias correction: 3 -> 2.999 as any first step with gradient 6.
  EXPECT_FLOAT_EQ(value(late), 2.999f) << "a parameter's first step, taken at the optimizer's third";
  for (const xg::Tensor& p : {early, late, matrix}) {
    EXPECT_EQ(optimizer.state(p)->buffers.size(), 2u) << "buffers: exp_avg and exp_avg_sq";
    EXPECT_EQ(buffer(optimizer, p, "exp_avg").shape(), p.data().shape()) << "exp_avg has the parameter's shape";
    EXPECT_EQ(buffer(optimizer, p, "exp_avg_sq").shape(), p.data().shape()) << "exp_avg_sq has the parameter's shape";
  }
  EXPECT_FLOAT_EQ(buffer(optimizer, late, "exp_avg")(0), 0.6f) << "m after the parameter's only step";
}

TEST(Adam, TwoHundredStepsEqualXgradsAdamBitForBit) {
  course_check::expect_same_trajectories<course::AdamOptimizer, xg::optim::Adam, AdamOptions>(
      {
          {"lr 1e-2", AdamOptions(1e-2)},
          {"betas 0.8 and 0.99", AdamOptions(1e-2).betas({0.8, 0.99})},
          {"L2 weight decay 0.1", AdamOptions(1e-2).weight_decay(0.1)},
          {"eps 1e-6, betas 0.5 and 0.9", AdamOptions(3e-3).eps(1e-6).betas({0.5, 0.9})},
      },
      200, "Adam");
}

}  // namespace
