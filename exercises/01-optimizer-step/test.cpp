// Exercise 01's checks: one TEST per task in README.md, named as the task reads.
#include "step.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

namespace {

TEST(OptimizerStep, StepMovesTheWeightAgainstTheGradient) {
  // f(x) = x^2 at x = 3: the gradient is 6, and 3 - 0.1 * 6 = 2.4.
  EXPECT_FLOAT_EQ(course::step(3.0f, 6.0f, 0.1f), 2.4f);
  // A negative gradient moves the weight up: -1 - 0.5 * (-4) = 1.
  EXPECT_FLOAT_EQ(course::step(-1.0f, -4.0f, 0.5f), 1.0f);
  // No gradient or no learning rate: no move.
  EXPECT_EQ(course::step(3.0f, 0.0f, 0.1f), 3.0f);
  EXPECT_EQ(course::step(3.0f, 6.0f, 0.0f), 3.0f);
}

TEST(OptimizerStep, DescentReturnsTheStartThenOneValuePerStep) {
  const std::vector<float> none = course::descend_x_squared(3.0f, 0.1f, 0);
  ASSERT_EQ(none.size(), 1u) << "0 steps: only x0";
  EXPECT_EQ(none[0], 3.0f);
  // 3, then 3 - 0.1 * 6 = 2.4, then 2.4 - 0.1 * 4.8 = 1.92.
  const std::vector<float> two = course::descend_x_squared(3.0f, 0.1f, 2);
  ASSERT_EQ(two.size(), 3u) << "2 steps: x0 and two more";
  EXPECT_EQ(two[0], 3.0f);
  EXPECT_FLOAT_EQ(two[1], 2.4f);
  EXPECT_FLOAT_EQ(two[2], 1.92f);
}

TEST(OptimizerStep, DescentOnXSquaredConvergesAfter67Steps) {
  // x_k = 3 * 0.8^k, so |x_k| < 1e-6 first at k = 67 (3 * 0.8^66 = 1.2e-6, 3 * 0.8^67 = 9.7e-7).
  const std::vector<float> xs = course::descend_x_squared(3.0f, 0.1f, 100);
  ASSERT_EQ(xs.size(), 101u);
  int first_below = -1;
  for (int k = 0; k <= 100; ++k) {
    const double expected = 3.0 * std::pow(0.8, k);
    EXPECT_NEAR(xs[k], expected, 1e-5 * expected) << "x_" << k << " should be 3 * 0.8^" << k;
    if (first_below < 0 && std::fabs(xs[k]) < 1e-6f) first_below = k;
  }
  EXPECT_EQ(first_below, 67) << "the first step k with |x_k| < 1e-6";
}

TEST(OptimizerStep, TooLargeALearningRateDiverges) {
  // lr 1.1: x - 1.1 * 2x = -1.2 x. Each step overshoots the minimum by more than it started from.
  const std::vector<float> xs = course::descend_x_squared(3.0f, 1.1f, 50);
  ASSERT_EQ(xs.size(), 51u);
  for (int k = 0; k < 50; ++k) {
    EXPECT_GT(std::fabs(xs[k + 1]), std::fabs(xs[k])) << "|x| must grow at every step; step " << k + 1;
    EXPECT_FLOAT_EQ(xs[k + 1], -1.2f * xs[k]) << "x_" << k + 1 << " should be -1.2 * x_" << k;
  }
  // lr 1 is the edge: x - 2x = -x bounces between 3 and -3 for ever.
  const std::vector<float> edge = course::descend_x_squared(3.0f, 1.0f, 3);
  ASSERT_EQ(edge.size(), 4u);
  EXPECT_EQ(edge[1], -3.0f);
  EXPECT_EQ(edge[2], 3.0f);
  EXPECT_EQ(edge[3], -3.0f);
}

}  // namespace
