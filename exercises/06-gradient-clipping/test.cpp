// Exercise 06's checks: one TEST per task in README.md, named as the task reads.
#include "clipping.hpp"
#include "course_check.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using course_check::first_difference;

// A parameter holding zeros whose gradient is `grad`.
xg::Tensor with_gradient(const xg::Array& grad) {
  xg::Tensor p = xg::zeros(xg::Shape(grad.shape().begin(), grad.shape().end()), true);
  p.set_grad(grad);
  return p;
}

TEST(Clipping, TheGlobalNormTakesAllGradientsAsOneVector) {
  // [3, 4] and [12]: sqrt(9 + 16 + 144) = 13.
  std::vector<xg::Tensor> params = {with_gradient({3.0f, 4.0f}), with_gradient({12.0f})};
  EXPECT_DOUBLE_EQ(course::clip_by_global_norm(params, 100.0), 13.0) << "the norm of [3, 4] and [12] together";
  EXPECT_EQ(first_difference(params[0].grad(), xt::xarray<float>{3.0f, 4.0f}), "") << "below max_norm: unchanged";
  EXPECT_EQ(first_difference(params[1].grad(), xt::xarray<float>{12.0f}), "") << "below max_norm: unchanged";
}

TEST(Clipping, EveryGradientIsScaledByOneFactorDownToMaxNorm) {
  std::vector<xg::Tensor> params = {with_gradient({3.0f, 4.0f}), with_gradient({12.0f})};
  EXPECT_DOUBLE_EQ(course::clip_by_global_norm(params, 1.0), 13.0) << "the returned norm is the one before clipping";
  // Each scaled by 1 / (13 + 1e-6): the direction stays, the length becomes 1.
  EXPECT_FLOAT_EQ(params[0].grad()(0), 3.0f / 13.0f);
  EXPECT_FLOAT_EQ(params[0].grad()(1), 4.0f / 13.0f);
  EXPECT_FLOAT_EQ(params[1].grad()(0), 12.0f / 13.0f);
  EXPECT_NEAR(course::clip_by_global_norm(params, 100.0), 1.0, 1e-6) << "the norm after clipping to 1";
}

TEST(Clipping, TheInfinityNormIsTheLargestEntry) {
  std::vector<xg::Tensor> params = {with_gradient({3.0f, -4.0f}), with_gradient({2.0f})};
  EXPECT_DOUBLE_EQ(course::clip_by_global_norm(params, 2.0, INFINITY), 4.0) << "the largest |entry| of all";
  EXPECT_FLOAT_EQ(params[0].grad()(1), -2.0f) << "-4 scaled by 2 / 4";
  EXPECT_FLOAT_EQ(params[1].grad()(0), 1.0f) << "2 scaled by 2 / 4";
}

TEST(Clipping, AZeroGradientStaysZero) {
  std::vector<xg::Tensor> params = {with_gradient(xt::zeros<float>({3})), with_gradient(xt::zeros<float>({2, 2}))};
  EXPECT_EQ(course::clip_by_global_norm(params, 1.0), 0.0) << "the norm of zero gradients";
  EXPECT_EQ(first_difference(params[0].grad(), xt::zeros<float>({3})), "") << "zeros stay zeros (not NaN)";
  EXPECT_EQ(first_difference(params[1].grad(), xt::zeros<float>({2, 2})), "") << "zeros stay zeros (not NaN)";
  // Parameters without gradients are skipped; with none at all the norm is 0.
  const std::vector<xg::Tensor> without = {xg::zeros({2}, true)};
  EXPECT_EQ(course::clip_by_global_norm(without, 1.0), 0.0) << "the norm when no parameter has a gradient";
  EXPECT_FALSE(without[0].has_grad()) << "a parameter without a gradient gets none";
}

TEST(Clipping, GlobalNormEqualsXgradsClipGradNormBitForBit) {
  const course_check::SmallProblem problem;
  for (const double norm_type : {2.0, 1.0, 3.0, static_cast<double>(INFINITY)}) {
    for (const double max_norm : {0.1, 1.0, 1e3}) {
      std::vector<xg::Tensor> mine = problem.parameters();
      std::vector<xg::Tensor> reference = problem.parameters();
      problem.backward(mine);
      problem.backward(reference);
      const double my_norm = course::clip_by_global_norm(mine, max_norm, norm_type);
      const double xgrad_norm = xg::optim::clip_grad_norm_(reference, max_norm, norm_type);
      EXPECT_EQ(my_norm, xgrad_norm) << "the returned norm, norm_type " << norm_type << ", max_norm " << max_norm;
      for (std::size_t k = 0; k < mine.size(); ++k) {
        EXPECT_EQ(first_difference(mine[k].grad(), reference[k].grad()), "")
            << "parameter " << k << "'s clipped gradient, norm_type " << norm_type << ", max_norm " << max_norm;
      }
    }
  }
}

TEST(Clipping, ByValueClampsEachEntry) {
  std::vector<xg::Tensor> params = {with_gradient({-2.0f, 0.3f, 0.7f}), with_gradient({-0.5f})};
  course::clip_by_value(params, 0.5);
  EXPECT_EQ(first_difference(params[0].grad(), xt::xarray<float>{-0.5f, 0.3f, 0.5f}), "") << "clamped into [-0.5, 0.5]";
  EXPECT_EQ(first_difference(params[1].grad(), xt::xarray<float>{-0.5f}), "") << "-0.5 is on the edge: kept";
  // Against xgrad's clip_grad_value_ on gradients of several shapes and sizes.
  const course_check::SmallProblem problem;
  std::vector<xg::Tensor> mine = problem.parameters();
  std::vector<xg::Tensor> reference = problem.parameters();
  problem.backward(mine);
  problem.backward(reference);
  course::clip_by_value(mine, 0.25);
  xg::optim::clip_grad_value_(reference, 0.25);
  for (std::size_t k = 0; k < mine.size(); ++k) {
    EXPECT_EQ(first_difference(mine[k].grad(), reference[k].grad()), "") << "parameter " << k << ", clip value 0.25";
  }
}

TEST(Clipping, HappensBetweenBackwardAndStep) {
  // loss = sum(c * w): its gradient is c = [30, 40] whatever w is, norm 50.
  xg::Tensor w = xg::zeros({2}, true);
  const xg::Tensor c = xg::tensor(xt::xarray<float>{30.0f, 40.0f});
  xg::optim::SGD sgd({w}, xg::optim::SGDOptions(0.1));
  const auto loss = [&] { return xg::sum(c * w); };
  EXPECT_DOUBLE_EQ(course::clipped_training_step(loss, sgd, {w}, 5.0), 50.0) << "the norm the first step saw";
  // The step used the clipped gradient [3, 4]: w = 0 - 0.1 * [3, 4].
  EXPECT_FLOAT_EQ(w.data()(0), -0.3f) << "w[0] after the first step (0.1 times the clipped 3)";
  EXPECT_FLOAT_EQ(w.data()(1), -0.4f) << "w[1] after the first step (0.1 times the clipped 4)";
  // A second step sees 50 again, not 50 + 5: the gradients were cleared before backward.
  EXPECT_DOUBLE_EQ(course::clipped_training_step(loss, sgd, {w}, 5.0), 50.0) << "the norm the second step saw";
  EXPECT_FLOAT_EQ(w.data()(0), -0.6f) << "w[0] after the second step";
  EXPECT_FLOAT_EQ(w.data()(1), -0.8f) << "w[1] after the second step";
}

}  // namespace
