// Exercise 15's checks: one TEST per task in README.md, named as the task reads.
#include "array_check.hpp"
#include "batch_norm_op.hpp"

#include <xgrad/autograd/gradcheck.hpp>
#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/factories.hpp>
#include <xgrad/core/generator.hpp>
#include <xgrad/nn/functional.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using array_check::first_difference;
using xg::Array;
using xg::Tensor;

// A batch [rows, features] from N(shift, scale^2), and weight and bias that are not 1 and 0.
Tensor random_batch(std::size_t rows, std::size_t features, std::uint64_t seed, float scale = 3.0f,
                    float shift = 1.5f) {
  xg::Generator generator(seed);
  return xg::tensor(Array(xg::randn({rows, features}, generator).data() * scale + shift), true);
}

void random_affine(course::BatchNormLayer& layer, std::uint64_t seed) {
  xg::Generator generator(seed);
  const std::size_t features = layer.weight.numel();
  layer.weight.data() = xg::randn({features}, generator).data() + 1.0f;
  layer.bias.data() = xg::randn({features}, generator).data();
}

// xgrad's batch_norm on the same values as `layer` (its own copies of the parameters and buffers).
struct XgradBatchNorm {
  Tensor weight, bias, running_mean, running_var;
  explicit XgradBatchNorm(const course::BatchNormLayer& layer)
      : weight(xg::tensor(layer.weight.data(), true)),
        bias(xg::tensor(layer.bias.data(), true)),
        running_mean(xg::tensor(layer.running_mean.data())),
        running_var(xg::tensor(layer.running_var.data())) {}
  Tensor forward(const Tensor& x, bool training) const {
    return xg::nn::functional::batch_norm(x, running_mean, running_var, weight, bias, training, 0.1, 1e-5);
  }
};

// The batch {1, 3} of one feature, [2, 1] (a nested braced list of one-element rows is ambiguous to xtensor).
Array one_feature_batch() {
  Array values = {1, 3};
  values.reshape({2, 1});
  return values;
}

TEST(BatchNorm, TrainingNormalizesWithTheBatchStatistics) {
  // Feature 0 holds 1 and 3 (mean 2, biased variance 1), feature 1 holds 0 and 4 (mean 2, variance 4).
  course::BatchNormLayer layer(2);
  const Tensor y = layer.forward(xg::tensor(Array{{1, 0}, {3, 4}}));
  EXPECT_FLOAT_EQ(y.data()(0, 0), -0.999995f) << "(1 - 2) / sqrt(1 + 1e-5)";
  EXPECT_FLOAT_EQ(y.data()(1, 0), 0.999995f) << "(3 - 2) / sqrt(1 + 1e-5)";
  EXPECT_FLOAT_EQ(y.data()(0, 1), -0.99999875f) << "(0 - 2) / sqrt(4 + 1e-5): the biased variance (4, not 8)";
  layer.weight.data() = Array{2, 1};
  layer.bias.data() = Array{1, 0};
  EXPECT_FLOAT_EQ(layer.forward(xg::tensor(Array{{1, 0}, {3, 4}})).data()(1, 0), 2.99999f)
      << "weight 2 and bias 1: 2 * 0.999995 + 1";
  // [16, 5] against xgrad's batch_norm (torch.nn.functional.batch_norm), bit for bit.
  course::BatchNormLayer mine(5);
  random_affine(mine, 1);
  const XgradBatchNorm xgrads(mine);
  const Tensor x = random_batch(16, 5, 2);
  EXPECT_EQ(first_difference(mine.forward(x).data(), xgrads.forward(x, true).data()), "")
      << "the output against xgrad's batch_norm in training";
}

TEST(BatchNorm, RunningStatisticsTakeTheUnbiasedVarianceWithMomentum) {
  // One batch {1, 3}: running_mean = 0.9 * 0 + 0.1 * 2 = 0.2; running_var = 0.9 * 1 + 0.1 * 2 = 1.1
  // (the unbiased variance of {1, 3} is 2). A second time: 0.38 and 1.19.
  course::BatchNormLayer layer(1);
  const Tensor batch = xg::tensor(one_feature_batch());
  layer.forward(batch);
  EXPECT_FLOAT_EQ(layer.running_mean.data()(0), 0.2f) << "running_mean after one batch";
  EXPECT_FLOAT_EQ(layer.running_var.data()(0), 1.1f) << "running_var after one batch: the unbiased variance, 2";
  layer.forward(batch);
  EXPECT_FLOAT_EQ(layer.running_mean.data()(0), 0.38f) << "running_mean after two batches: 0.9 * 0.2 + 0.1 * 2";
  EXPECT_FLOAT_EQ(layer.running_var.data()(0), 1.19f) << "running_var after two batches: 0.9 * 1.1 + 0.1 * 2";
  // Five batches of [32, 4] against xgrad's buffers, bit for bit.
  course::BatchNormLayer mine(4);
  const XgradBatchNorm xgrads(mine);
  for (std::uint64_t seed = 10; seed < 15; ++seed) {
    const Tensor x = random_batch(32, 4, seed);
    mine.forward(x);
    xgrads.forward(x, true);
  }
  EXPECT_EQ(first_difference(mine.running_mean.data(), xgrads.running_mean.data()), "")
      << "running_mean after five batches";
  EXPECT_EQ(first_difference(mine.running_var.data(), xgrads.running_var.data()), "")
      << "running_var after five batches";
}

// Row i of a [N, C] array, as [1, C].
Array row_of(const Array& values, std::size_t i) {
  const std::size_t features = values.shape()[1];
  Array row = Array::from_shape({1, features});
  for (std::size_t c = 0; c < features; ++c) row(0, c) = values(i, c);
  return row;
}

TEST(BatchNorm, EvalModeUsesTheRunningStatistics) {
  course::BatchNormLayer layer(1);
  layer.running_mean.data() = Array{2};
  layer.running_var.data() = Array{4};
  layer.training = false;
  EXPECT_FLOAT_EQ(layer.forward(xg::full({1, 1}, 4.0f)).data()(0, 0), 0.99999875f)
      << "one example alone, (4 - 2) / sqrt(4 + 1e-5)";
  EXPECT_EQ(layer.running_mean.data()(0), 2.0f) << "evaluation leaves the running statistics as they are";
  // After some training, each example gets the same answer alone as in its batch; and xgrad's.
  course::BatchNormLayer mine(3);
  random_affine(mine, 3);
  for (std::uint64_t seed = 20; seed < 23; ++seed) mine.forward(random_batch(8, 3, seed));
  mine.training = false;
  const XgradBatchNorm xgrads(mine);
  const Tensor x = random_batch(6, 3, 24);
  const Array in_batch = mine.forward(x).data();
  const Array alone = mine.forward(xg::tensor(row_of(x.data(), 4))).data();
  EXPECT_EQ(first_difference(alone, row_of(in_batch, 4)), "") << "row 4 alone against row 4 in its batch";
  EXPECT_EQ(first_difference(in_batch, xgrads.forward(x, false).data()), "") << "against xgrad's batch_norm in eval";
}

// The gradients of x, weight and bias from sum(w * layer(x)) with fixed weights w, for the layer and for xgrad's.
void expect_backward_like_xgrads(bool training) {
  course::BatchNormLayer mine(4);
  random_affine(mine, 4);
  for (std::uint64_t seed = 30; seed < 33; ++seed) mine.forward(random_batch(8, 4, seed));
  mine.training = training;
  const XgradBatchNorm xgrads(mine);
  Tensor x_mine = random_batch(12, 4, 34);
  Tensor x_xgrad = xg::tensor(x_mine.data(), true);
  const Array weights = random_batch(12, 4, 35, 1.0f, 0.0f).data();
  mine.forward(x_mine).backward(weights);
  xgrads.forward(x_xgrad, training).backward(weights);
  const std::string mode = training ? " in training" : " in eval";
  EXPECT_EQ(first_difference(x_mine.grad(), x_xgrad.grad()), "") << "dL/dx against xgrad's" << mode;
  EXPECT_EQ(first_difference(mine.weight.grad(), xgrads.weight.grad()), "") << "dL/dweight against xgrad's" << mode;
  EXPECT_EQ(first_difference(mine.bias.grad(), xgrads.bias.grad()), "") << "dL/dbias against xgrad's" << mode;
}

void expect_gradcheck(bool training, std::size_t rows, std::size_t features) {
  course::BatchNormLayer layer(features);
  random_affine(layer, 5);
  layer.running_var.data() = xt::ones<float>({features}) * 2.0f;
  layer.training = training;
  const xg::GradcheckReport report =
      xg::gradcheck([&layer](const std::vector<Tensor>& in) { return layer.forward(in[0]); },
                    {random_batch(rows, features, 6, 1.0f, 0.5f)});
  EXPECT_TRUE(report.passed) << "gradcheck" << (training ? " in training" : " in eval") << " on [" << rows << ", "
                             << features << "]: " << report.message;
}

TEST(BatchNorm, BackwardInTrainingFlowsThroughTheStatistics) {
  // Every feature's dL/dx sums to 0 over the batch: shifting a whole feature changes nothing.
  course::BatchNormLayer layer(3);
  Tensor x = random_batch(10, 3, 7);
  layer.forward(x).backward(random_batch(10, 3, 8, 1.0f, 0.0f).data());
  for (std::size_t c = 0; c < 3; ++c) {
    float total = 0;
    for (std::size_t n = 0; n < 10; ++n) total += x.grad()(n, c);
    EXPECT_NEAR(total, 0.0f, 1e-5f) << "the sum of dL/dx over the batch, feature " << c;
  }
  for (const auto& [rows, features] : std::vector<std::pair<std::size_t, std::size_t>>{{2, 1}, {4, 3}, {9, 2}}) {
    expect_gradcheck(true, rows, features);
  }
  expect_backward_like_xgrads(true);
}

TEST(BatchNorm, BackwardInEvalIsAScalePerFeature) {
  // With the running statistics (constants), dL/dx = g * weight / sqrt(running_var + eps).
  course::BatchNormLayer layer(1);
  layer.running_var.data() = Array{4};
  layer.weight.data() = Array{3};
  layer.training = false;
  Tensor x = xg::tensor(one_feature_batch(), true);
  layer.forward(x).backward(xt::ones<float>({2, 1}));
  EXPECT_FLOAT_EQ(x.grad()(0, 0), 1.49999812f) << "3 / sqrt(4 + 1e-5)";
  EXPECT_FLOAT_EQ(layer.bias.grad()(0), 2.0f) << "dL/dbias: the sum of g";
  for (const auto& [rows, features] : std::vector<std::pair<std::size_t, std::size_t>>{{1, 3}, {5, 2}}) {
    expect_gradcheck(false, rows, features);
  }
  expect_backward_like_xgrads(false);
}

}  // namespace
