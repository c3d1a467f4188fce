// Exercise 02's checks: one TEST per task in README.md, named as the task reads.
#include "course_check.hpp"
#include "sgd_momentum.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using course_check::buffer;
using course_check::set_square_gradient;
using course_check::start_at;
using course_check::value;
using xg::optim::SGDOptions;

// x and v after one momentum_update from x, v with gradient g.
struct Updated {
  float x;
  float v;
};
Updated update(float x, float v, float g, bool first_step, const SGDOptions& options) {
  course::momentum_update(x, g, v, first_step, course::momentum_constants(options));
  return {x, v};
}

TEST(SGDMomentum, FirstUpdateStartsTheVelocityAtZero) {
  // f(x) = x^2 at 3: gradient 6. v = 0.9 * 0 + 6 = 6, x = 3 - 0.1 * 6 = 2.4.
  const Updated first = update(3.0f, 0.0f, 6.0f, /*first_step=*/true, SGDOptions(0.1).momentum(0.9));
  EXPECT_FLOAT_EQ(first.v, 6.0f) << "the velocity after the first step";
  EXPECT_FLOAT_EQ(first.x, 2.4f) << "x after the first step";
  // Dampening does not touch the first step: the buffer is the gradient itself, 6 (not 0.5 * 6).
  const Updated damped = update(3.0f, 0.0f, 6.0f, true, SGDOptions(0.1).momentum(0.9).dampening(0.5));
  EXPECT_FLOAT_EQ(damped.v, 6.0f) << "the first velocity with dampening 0.5";
  EXPECT_FLOAT_EQ(damped.x, 2.4f) << "x after the first step with dampening 0.5";
}

TEST(SGDMomentum, LaterUpdatesAddTheGradientToTheDecayedVelocity) {
  // Second step at x = 2.4: gradient 4.8, v = 0.9 * 6 + 4.8 = 10.2, x = 2.4 - 0.1 * 10.2 = 1.38.
  const Updated second = update(2.4f, 6.0f, 4.8f, /*first_step=*/false, SGDOptions(0.1).momentum(0.9));
  EXPECT_FLOAT_EQ(second.v, 10.2f) << "the velocity after the second step";
  EXPECT_FLOAT_EQ(second.x, 1.38f) << "x after the second step";
  // Dampening 0.5 scales the new gradient: v = 0.9 * 6 + 0.5 * 4.8 = 7.8, x = 2.4 - 0.78 = 1.62.
  const Updated damped = update(2.4f, 6.0f, 4.8f, false, SGDOptions(0.1).momentum(0.9).dampening(0.5));
  EXPECT_FLOAT_EQ(damped.v, 7.8f) << "the velocity with dampening 0.5";
  EXPECT_FLOAT_EQ(damped.x, 1.62f) << "x with dampening 0.5";
}

TEST(SGDMomentum, NesterovStepsAlongTheGradientPlusMomentumTimesVelocity) {
  const SGDOptions nesterov = SGDOptions(0.1).momentum(0.9).nesterov(true);
  // Step 1: v = 6, x = 3 - 0.1 * (6 + 0.9 * 6) = 1.86.
  const Updated first = update(3.0f, 0.0f, 6.0f, true, nesterov);
  EXPECT_FLOAT_EQ(first.v, 6.0f) << "the velocity after Nesterov's first step";
  EXPECT_FLOAT_EQ(first.x, 1.86f) << "x after Nesterov's first step";
  // Step 2: gradient 3.72, v = 0.9 * 6 + 3.72 = 9.12, x = 1.86 - 0.1 * (3.72 + 0.9 * 9.12) = 0.6672.
  const Updated second = update(first.x, first.v, 2.0f * first.x, false, nesterov);
  EXPECT_FLOAT_EQ(second.v, 9.12f) << "the velocity after Nesterov's second step";
  EXPECT_FLOAT_EQ(second.x, 0.6672f) << "x after Nesterov's second step";
}

TEST(SGDMomentum, TwoStepsOnXSquaredGive2_4Then1_38) {
  xg::Tensor x = start_at(3.0f);
  course::MomentumSGD optimizer({x}, SGDOptions(0.1).momentum(0.9));
  set_square_gradient(x);
  optimizer.step();
  EXPECT_FLOAT_EQ(value(x), 2.4f) << "x after step 1";
  EXPECT_FLOAT_EQ(buffer(optimizer, x, "momentum_buffer")(0), 6.0f) << "the momentum buffer after step 1";
  set_square_gradient(x);
  optimizer.step();
  EXPECT_FLOAT_EQ(value(x), 1.38f) << "x after step 2";
  EXPECT_FLOAT_EQ(buffer(optimizer, x, "momentum_buffer")(0), 10.2f) << "the momentum buffer after step 2";
  ASSERT_NE(optimizer.state(x), nullptr);
  EXPECT_EQ(optimizer.state(x)->step, 2) << "the parameter's step count";
}

TEST(SGDMomentum, OneBufferPerParameterOfItsShape) {
  std::vector<xg::Tensor> params = {xg::ones({10, 5}, true), xg::ones({5}, true), xg::ones({3, 3, 3}, true)};
  xg::Tensor no_gradient = xg::ones({2}, true);
  std::vector<xg::Tensor> all = params;
  all.push_back(no_gradient);
  course::MomentumSGD optimizer(all, SGDOptions(0.1).momentum(0.9));
  for (xg::Tensor& p : params) p.set_grad(xt::ones_like(p.data()));
  optimizer.step();
  EXPECT_EQ(optimizer.state_size(), 3u) << "one state per parameter that has a gradient";
  EXPECT_EQ(optimizer.state(no_gradient), nullptr) << "a parameter without a gradient gets no state";
  for (const xg::Tensor& p : params) {
    const xg::optim::OptimizerParamState* state = optimizer.state(p);
    ASSERT_NE(state, nullptr) << "no state for a parameter of shape " << course_check::shape_text(p.shape());
    EXPECT_EQ(state->buffers.size(), 1u) << "buffers of the parameter of shape " << course_check::shape_text(p.shape());
    EXPECT_EQ(course_check::first_difference(buffer(optimizer, p, "momentum_buffer"), xt::ones_like(p.data())), "")
        << "the first momentum buffer is the gradient, of the parameter's shape";
  }
  // Plain SGD (momentum 0) needs no memory: no buffer, but the step still moves x: 3 - 0.1 * 6 = 2.4.
  xg::Tensor x = start_at(3.0f);
  course::MomentumSGD plain({x}, SGDOptions(0.1));
  set_square_gradient(x);
  plain.step();
  EXPECT_FLOAT_EQ(value(x), 2.4f) << "x after a step of plain SGD";
  ASSERT_NE(plain.state(x), nullptr) << "plain SGD still counts the parameter's steps";
  EXPECT_TRUE(plain.state(x)->buffers.empty()) << "plain SGD keeps no momentum buffer";
}

TEST(SGDMomentum, HundredStepsEqualXgradsSGDBitForBit) {
  course_check::expect_same_trajectories<course::MomentumSGD, xg::optim::SGD, SGDOptions>(
      {
          {"momentum 0.9", SGDOptions(0.05).momentum(0.9)},
          {"momentum 0.9, dampening 0.1", SGDOptions(0.05).momentum(0.9).dampening(0.1)},
          {"Nesterov, momentum 0.9", SGDOptions(0.05).momentum(0.9).nesterov(true)},
          {"momentum 0.9, weight decay 0.01", SGDOptions(0.05).momentum(0.9).weight_decay(0.01)},
          {"Nesterov, momentum 0.5, weight decay 0.1", SGDOptions(0.05).momentum(0.5).nesterov(true).weight_decay(0.1)},
          {"no momentum, weight decay 0.01", SGDOptions(0.05).weight_decay(0.01)},
      },
      100, "SGD");
}

}  // namespace
