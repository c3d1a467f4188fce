// Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_ semantics) on numbers worked
// out by hand; tests/test_optim_reference.cpp compares against PyTorch's own output.

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using namespace xg::optim;

xg::Tensor with_grad(xt::xarray<float> grad) {
  xg::Tensor p = xg::zeros(xg::shape_of(grad), true);
  p.set_grad(std::move(grad));
  return p;
}

TEST(OptimClipGrad, NormIsOverAllGradientsTogether) {
  std::vector<xg::Tensor> params{with_grad({3.0f}), with_grad({0.0f, 4.0f})};
  const double total = clip_grad_norm_(params, 1.0);
  EXPECT_FLOAT_EQ(total, 5.0);
  // Scaled by 1 / (5 + 1e-6): the norm lands just under max_norm.
  EXPECT_FLOAT_EQ(params[0].grad()(0), 0.6f);
  EXPECT_FLOAT_EQ(params[1].grad()(1), 0.8f);
  EXPECT_LT(std::hypot(params[0].grad()(0), params[1].grad()(1)), 1.0);
}

TEST(OptimClipGrad, GradientsUnderTheLimitAreLeftAlone) {
  std::vector<xg::Tensor> params{with_grad({0.3f, -0.4f})};
  EXPECT_FLOAT_EQ(clip_grad_norm_(params, 0.5 + 1e-6), 0.5);
  EXPECT_EQ(params[0].grad(), (xt::xarray<float>{0.3f, -0.4f}));  // untouched, bit for bit
}

TEST(OptimClipGrad, InfinityNormIsTheLargestMagnitude) {
  std::vector<xg::Tensor> params{with_grad({3.0f, -4.0f}), with_grad({1.0f})};
  EXPECT_EQ(clip_grad_norm_(params, 2.0, INFINITY), 4.0);
  EXPECT_FLOAT_EQ(params[0].grad()(1), -2.0f);
  EXPECT_FLOAT_EQ(params[1].grad()(0), 0.5f);
}

TEST(OptimClipGrad, OneNormAddsMagnitudes) {
  std::vector<xg::Tensor> params{with_grad({3.0f, -4.0f}), with_grad({1.0f})};
  EXPECT_FLOAT_EQ(clip_grad_norm_(params, 100.0, 1.0), 8.0);
}

TEST(OptimClipGrad, ParametersWithoutGradientsAreSkipped) {
  xg::Tensor no_grad = xg::ones({2}, true);
  std::vector<xg::Tensor> params{no_grad, with_grad({6.0f, 8.0f})};
  EXPECT_FLOAT_EQ(clip_grad_norm_(params, 5.0), 10.0);
  EXPECT_FALSE(no_grad.has_grad());
  EXPECT_EQ(clip_grad_norm_({no_grad}, 1.0), 0.0);  // nothing to clip: 0, as torch
  clip_grad_value_({no_grad}, 1.0);
  EXPECT_FALSE(no_grad.has_grad());
}

TEST(OptimClipGrad, NonFiniteNormPoisonsOrThrows) {
  std::vector<xg::Tensor> params{with_grad({NAN, 1.0f})};
  EXPECT_TRUE(std::isnan(clip_grad_norm_(params, 1.0)));
  EXPECT_TRUE(std::isnan(params[0].grad()(1)));  // torch multiplies by the NaN coefficient too
  std::vector<xg::Tensor> inf{with_grad({INFINITY, 1.0f})};
  EXPECT_THROW(clip_grad_norm_(inf, 1.0, 2.0, /*error_if_nonfinite=*/true), xg::Error);
  EXPECT_EQ(inf[0].grad()(1), 1.0f);  // the throw comes before any change
}

TEST(OptimClipGrad, BadNormTypeThrows) {
  std::vector<xg::Tensor> params{with_grad({1.0f})};
  try {
    clip_grad_norm_(params, 1.0, 0.0);
    FAIL() << "expected xg::Error";
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "clip_grad_norm_: invalid norm_type 0 (expected p > 0 or INFINITY)");
  }
}

TEST(OptimClipGrad, ValueClampsEachElement) {
  std::vector<xg::Tensor> params{with_grad({-2.0f, 0.5f, 3.0f}), with_grad({{-0.25f, 1.0f}})};
  clip_grad_value_(params, 1.0);
  EXPECT_EQ(params[0].grad(), (xt::xarray<float>{-1.0f, 0.5f, 1.0f}));
  EXPECT_EQ(params[1].grad(), (xt::xarray<float>{{-0.25f, 1.0f}}));
}

}  // namespace
