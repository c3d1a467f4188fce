// nn::init: gains and fans as PyTorch computes them, and the statistics of each filler over a large
// tensor (512 x 1024 = 524,288 draws, so the sample mean and variance are tight).

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace {

namespace init = xg::nn::init;

struct Stats {
  double mean, variance, min, max;
};

Stats stats_of(const xg::Tensor& t) {
  double sum = 0, sum_sq = 0, low = INFINITY, high = -INFINITY;
  for (float v : t.data()) {
    sum += v;
    sum_sq += static_cast<double>(v) * v;
    low = std::min(low, static_cast<double>(v));
    high = std::max(high, static_cast<double>(v));
  }
  const double n = static_cast<double>(t.numel());
  return {sum / n, sum_sq / n - (sum / n) * (sum / n), low, high};
}

constexpr std::size_t kOut = 512, kIn = 1024;

// The mean lies within 5 standard errors of 0; the variance within 2% of `variance` (its relative
// standard error here is at most sqrt(2 / n) = 0.2%).
void expect_centred_with_variance(const Stats& s, double variance) {
  const double n = static_cast<double>(kOut * kIn);
  EXPECT_NEAR(s.mean, 0.0, 5.0 * std::sqrt(variance / n));
  EXPECT_NEAR(s.variance / variance, 1.0, 0.02);
}

TEST(NNInit, CalculateGainMatchesPyTorch) {
  using N = init::Nonlinearity;
  EXPECT_EQ(init::calculate_gain(N::Linear), 1.0);
  EXPECT_EQ(init::calculate_gain(N::Sigmoid), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(N::Tanh), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(N::ReLU), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(N::LeakyReLU), std::sqrt(2.0 / (1.0 + 0.01 * 0.01)));
  EXPECT_DOUBLE_EQ(init::calculate_gain(N::LeakyReLU, 0.0), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(N::LeakyReLU, std::sqrt(5.0)), std::sqrt(1.0 / 3.0));
  EXPECT_EQ(init::calculate_gain(N::SELU), 0.75);
}

TEST(NNInit, FansCountTheReceptiveField) {
  EXPECT_EQ(init::calculate_fan_in_and_fan_out(xg::zeros({256, 784})), (std::pair<std::size_t, std::size_t>{784, 256}));
  EXPECT_EQ(init::calculate_fan_in_and_fan_out(xg::zeros({8, 3, 5, 5})),
            (std::pair<std::size_t, std::size_t>{75, 200}));
  try {
    init::xavier_uniform_(xg::zeros({10}));
    FAIL() << "expected xg::Error";
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "init: fan in and fan out need a tensor with at least 2 dimensions, got shape [10]");
  }
}

TEST(NNInit, XavierUniformBoundAndVariance) {
  const xg::Tensor w = init::xavier_uniform_(xg::zeros({kOut, kIn}));
  const double bound = std::sqrt(6.0 / (kIn + kOut));
  const Stats s = stats_of(w);
  EXPECT_GE(s.min, -bound);
  EXPECT_LT(s.max, bound);
  EXPECT_GT(s.max, 0.999 * bound);
  expect_centred_with_variance(s, bound * bound / 3.0);
}

TEST(NNInit, XavierNormalVarianceWithGain) {
  const double gain = init::calculate_gain(init::Nonlinearity::Tanh);
  const Stats s = stats_of(init::xavier_normal_(xg::zeros({kOut, kIn}), gain));
  expect_centred_with_variance(s, gain * gain * 2.0 / (kIn + kOut));
}

TEST(NNInit, KaimingUniformDefaultsToLeakyReLUWithSlopeZeroOnFanIn) {
  const Stats s = stats_of(init::kaiming_uniform_(xg::zeros({kOut, kIn})));
  const double bound = std::sqrt(6.0 / kIn);  // gain sqrt(2), std sqrt(2 / fan_in), bound sqrt(3) std
  EXPECT_GE(s.min, -bound);
  EXPECT_LT(s.max, bound);
  expect_centred_with_variance(s, 2.0 / kIn);
}

TEST(NNInit, KaimingUniformWithASqrt5IsLinearsDefault) {
  const Stats s = stats_of(init::kaiming_uniform_(xg::zeros({kOut, kIn}), std::sqrt(5.0)));
  const double bound = 1.0 / std::sqrt(static_cast<double>(kIn));
  EXPECT_GE(s.min, -bound);
  EXPECT_LT(s.max, bound);
  EXPECT_GT(s.max, 0.999 * bound);
  expect_centred_with_variance(s, bound * bound / 3.0);
}

TEST(NNInit, KaimingNormalOnFanOutForReLU) {
  const Stats s =
      stats_of(init::kaiming_normal_(xg::zeros({kOut, kIn}), 0.0, init::FanMode::FanOut, init::Nonlinearity::ReLU));
  expect_centred_with_variance(s, 2.0 / kOut);
}

TEST(NNInit, NormalUniformAndConstants) {
  const Stats normal = stats_of(init::normal_(xg::zeros({kOut, kIn}), 3.0, 2.0));
  EXPECT_NEAR(normal.mean, 3.0, 5.0 * 2.0 / std::sqrt(kOut * kIn));
  EXPECT_NEAR(normal.variance / 4.0, 1.0, 0.02);
  const Stats uniform = stats_of(init::uniform_(xg::zeros({kOut, kIn}), -2.0, 5.0));
  EXPECT_GE(uniform.min, -2.0);
  EXPECT_LT(uniform.max, 5.0);
  EXPECT_NEAR(uniform.mean, 1.5, 0.02);
  EXPECT_NEAR(uniform.variance / (49.0 / 12.0), 1.0, 0.02);
  const xg::Tensor zeros = init::zeros_(xg::ones({3, 3}));
  const xg::Tensor ones = init::ones_(xg::zeros({3, 3}));
  const xg::Tensor halves = init::constant_(xg::zeros({3, 3}), 0.5);
  EXPECT_EQ(zeros.data(), xg::Array(xt::zeros<float>({3, 3})));
  EXPECT_EQ(ones.data(), xg::Array(xt::ones<float>({3, 3})));
  EXPECT_EQ(halves.data(), xg::Array(xt::ones<float>({3, 3}) * 0.5f));
}

TEST(NNInit, FillsInPlaceAndRecordsNothing) {
  xg::Tensor w = xg::zeros({4, 4}, true);
  const xg::Tensor returned = init::xavier_uniform_(w);
  EXPECT_EQ(returned.id(), w.id());
  EXPECT_TRUE(w.is_leaf());
  EXPECT_NE(w.data(), xg::zeros({4, 4}).data());
}

TEST(NNInit, SameSeedSameValuesOtherSeedOthers) {
  xg::Generator a(1), b(1), c(2);
  const xg::Tensor x =
      init::kaiming_normal_(xg::zeros({20, 30}), 0.0, init::FanMode::FanIn, init::Nonlinearity::ReLU, a);
  const xg::Tensor y =
      init::kaiming_normal_(xg::zeros({20, 30}), 0.0, init::FanMode::FanIn, init::Nonlinearity::ReLU, b);
  const xg::Tensor z =
      init::kaiming_normal_(xg::zeros({20, 30}), 0.0, init::FanMode::FanIn, init::Nonlinearity::ReLU, c);
  EXPECT_EQ(x.data(), y.data());
  EXPECT_NE(x.data(), z.data());
}

}  // namespace
