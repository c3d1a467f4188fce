// BatchNorm1d and LayerNorm: PyTorch's numbers over several steps (reference/norm.json, made by
// reference/norm.py), gradchecks in both modes, their options, buffers and errors.

#include "error_message.hpp"
#include "nn_test_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>

namespace {

namespace nn = xg::nn;
namespace F = xg::nn::functional;
using nn_test::all_close;
using nn_test::array_from_json;
using xg_test::error_message;

const nlohmann::json& norm_reference() {
  static const nlohmann::json json = nn_test::read_reference("norm.json");
  return json;
}

// The largest |actual - expected| seen by each kind of comparison, printed at the end of each test
// (the numbers the README quotes).
struct Deviation {
  double forward = 0.0, grads = 0.0, running = 0.0;
  // Expects actual close to torch's value and keeps the largest difference in `which`.
  void check(double& which, const xg::Array& actual, const nlohmann::json& expected_json) {
    const xg::Array expected = array_from_json(expected_json);
    EXPECT_TRUE(all_close(actual, expected, kRtol, kAtol));
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
      which = std::max(which, static_cast<double>(std::abs(actual.data()[i] - expected.data()[i])));
    }
  }
  // Tolerances: torch sums in float32 in its own vectorized order, we in double; over batches of up
  // to 32 values the two agree to a few float32 roundings.
  static constexpr double kRtol = 1e-5, kAtol = 2e-6;
};

TEST(NNNorm, BatchNorm1dMatchesTorchOverTrainingAndEvaluationSteps) {
  Deviation deviation;
  for (const auto& c : norm_reference()["batch_norm"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const std::optional<double> momentum =
        c["momentum"].is_null() ? std::nullopt : std::optional<double>(c["momentum"].get<double>());
    nn::BatchNorm1d bn(nn::BatchNorm1dOptions(c["num_features"].get<std::size_t>())
                           .momentum(momentum)
                           .affine(c["affine"].get<bool>())
                           .track_running_stats(c["track_running_stats"].get<bool>()));
    if (c["affine"].get<bool>()) {
      bn->weight.data() = array_from_json(c["weight"]);
      bn->bias.data() = array_from_json(c["bias"]);
    }
    for (const auto& step : c["steps"]) {
      bn->train(step["training"].get<bool>());
      bn->zero_grad(/*set_to_none=*/true);
      xg::Tensor x = xg::tensor(array_from_json(step["input"]), true);
      xg::Tensor y = bn(x);
      y.backward(array_from_json(step["grad_output"]));
      deviation.check(deviation.forward, y.data(), step["output"]);
      deviation.check(deviation.grads, x.grad(), step["grad_input"]);
      if (c["affine"].get<bool>()) {
        deviation.check(deviation.grads, bn->weight.grad(), step["grad_weight"]);
        deviation.check(deviation.grads, bn->bias.grad(), step["grad_bias"]);
      }
      if (c["track_running_stats"].get<bool>()) {
        EXPECT_EQ(bn->num_batches_tracked.item(), step["num_batches_tracked"].get<float>());
        deviation.check(deviation.running, bn->running_mean.data(), step["running_mean"]);
        deviation.check(deviation.running, bn->running_var.data(), step["running_var"]);
      } else {
        EXPECT_TRUE(bn->buffers().empty());
      }
    }
  }
  std::printf("BatchNorm1d vs torch, max |difference|: forward %.3g, gradients %.3g, running statistics %.3g\n",
              deviation.forward, deviation.grads, deviation.running);
}

TEST(NNNorm, LayerNormMatchesTorch) {
  Deviation deviation;
  for (const auto& c : norm_reference()["layer_norm"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const bool affine = c["affine"].get<bool>();
    nn::LayerNorm ln(nn::LayerNormOptions(c["normalized_shape"].get<xg::Shape>()).elementwise_affine(affine));
    if (affine) {
      ln->weight.data() = array_from_json(c["weight"]);
      ln->bias.data() = array_from_json(c["bias"]);
    }
    xg::Tensor x = xg::tensor(array_from_json(c["input"]), true);
    xg::Tensor y = ln(x);
    y.backward(array_from_json(c["grad_output"]));
    deviation.check(deviation.forward, y.data(), c["output"]);
    deviation.check(deviation.grads, x.grad(), c["grad_input"]);
    if (affine) {
      deviation.check(deviation.grads, ln->weight.grad(), c["grad_weight"]);
      deviation.check(deviation.grads, ln->bias.grad(), c["grad_bias"]);
    } else {
      EXPECT_TRUE(ln->parameters().empty());
    }
  }
  std::printf("LayerNorm vs torch, max |difference|: forward %.3g, gradients %.3g\n", deviation.forward,
              deviation.grads);
}

xg::Tensor spread_randn(const xg::Shape& shape, std::uint64_t seed, float scale, float shift) {
  xg::Generator generator(seed);
  xg::Tensor t = xg::randn(shape, generator);
  for (float& v : t.data()) v = v * scale + shift;
  t.requires_grad_(true);
  return t;
}

TEST(NNNorm, BatchNormGradcheckInTrainingOnSeveralShapes) {
  for (const xg::Shape& shape : {xg::Shape{6, 4}, xg::Shape{3, 2, 5}, xg::Shape{2, 3}}) {
    SCOPED_TRACE(xg::to_string(shape));
    const xg::Tensor x = spread_randn(shape, 1, 2.0f, 0.5f);
    const xg::Tensor w = spread_randn({shape[1]}, 2, 0.5f, 1.0f);
    const xg::Tensor b = spread_randn({shape[1]}, 3, 0.5f, 0.0f);
    auto f = [](const std::vector<xg::Tensor>& in) {
      return F::batch_norm(in[0], xg::Tensor(), xg::Tensor(), in[1], in[2], /*training=*/true);
    };
    const xg::GradcheckReport report = xg::gradcheck(f, {x, w, b}, 1e-2, 2e-3, 2e-2);
    EXPECT_TRUE(report.passed) << report.message;
    EXPECT_EQ(report.elements_checked, x.numel() + 2 * shape[1]);
  }
}

TEST(NNNorm, BatchNormGradcheckInEvaluationWithTheRunningStatistics) {
  nn::BatchNorm1d bn(4);
  for (std::uint64_t s = 0; s < 3; ++s) bn(spread_randn({8, 4}, 10 + s, 3.0f, 1.0f));  // running stats move
  bn->eval();
  for (const xg::Shape& shape : {xg::Shape{5, 4}, xg::Shape{1, 4}, xg::Shape{2, 4, 3}}) {
    SCOPED_TRACE(xg::to_string(shape));
    const xg::Tensor x = spread_randn(shape, 4, 2.0f, 0.5f);
    const xg::Tensor w = spread_randn({4}, 5, 0.5f, 1.0f);
    const xg::Tensor b = spread_randn({4}, 6, 0.5f, 0.0f);
    auto f = [&bn](const std::vector<xg::Tensor>& in) {
      return F::batch_norm(in[0], bn->running_mean, bn->running_var, in[1], in[2], /*training=*/false);
    };
    const xg::GradcheckReport report = xg::gradcheck(f, {x, w, b}, 1e-2, 2e-3, 2e-2);
    EXPECT_TRUE(report.passed) << report.message;
  }
}

TEST(NNNorm, LayerNormGradcheckOnSeveralShapes) {
  struct Case {
    xg::Shape input, normalized;
  };
  for (const Case& c : {Case{{4, 6}, {6}}, Case{{2, 3, 4}, {3, 4}}, Case{{3, 5}, {5}}}) {
    SCOPED_TRACE(xg::to_string(c.input));
    const xg::Tensor x = spread_randn(c.input, 7, 2.0f, 0.5f);
    const xg::Tensor w = spread_randn(c.normalized, 8, 0.5f, 1.0f);
    const xg::Tensor b = spread_randn(c.normalized, 9, 0.5f, 0.0f);
    auto f = [&c](const std::vector<xg::Tensor>& in) { return F::layer_norm(in[0], c.normalized, in[1], in[2]); };
    const xg::GradcheckReport report = xg::gradcheck(f, {x, w, b}, 1e-2, 2e-3, 2e-2);
    EXPECT_TRUE(report.passed) << report.message;
    auto plain = [&c](const std::vector<xg::Tensor>& in) { return F::layer_norm(in[0], c.normalized); };
    const xg::GradcheckReport no_affine = xg::gradcheck(plain, {x}, 1e-2, 2e-3, 2e-2);
    EXPECT_TRUE(no_affine.passed) << no_affine.message;
  }
}

TEST(NNNorm, BatchNorm1dHasTorchsParametersBuffersAndDefaults) {
  nn::BatchNorm1d bn(3);
  EXPECT_EQ(bn->options.eps(), 1e-5);
  EXPECT_EQ(bn->options.momentum(), 0.1);
  EXPECT_EQ(bn->state_dict().keys(),
            (std::vector<std::string>{"weight", "bias", "running_mean", "running_var", "num_batches_tracked"}));
  EXPECT_EQ(bn->parameters().size(), 2u);
  EXPECT_TRUE(all_close(bn->running_var.data(), xg::Array{1, 1, 1}));
  EXPECT_EQ(bn->num_batches_tracked.dim(), 0u);
  for (const xg::Tensor& buffer : bn->buffers()) EXPECT_FALSE(buffer.requires_grad());
  std::ostringstream printed;
  printed << bn;
  EXPECT_EQ(printed.str(), "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
  nn::BatchNorm1d bare(nn::BatchNorm1dOptions(3).affine(false).track_running_stats(false));
  EXPECT_TRUE(bare->state_dict().empty());
}

TEST(NNNorm, EvaluationUsesTheBuffersAndLeavesThemAlone) {
  nn::BatchNorm1d bn(nn::BatchNorm1dOptions(2).affine(false));
  bn->running_mean.data() = xg::Array{1.0f, -2.0f};
  bn->running_var.data() = xg::Array{4.0f, 0.25f};
  bn->eval();
  const xg::Tensor y = bn(xg::tensor(xg::Array{{3.0f, -1.0f}}));  // one example is fine in evaluation
  EXPECT_NEAR(y.data()(0, 0), 2.0 / std::sqrt(4.0 + 1e-5), 1e-6);
  EXPECT_NEAR(y.data()(0, 1), 1.0 / std::sqrt(0.25 + 1e-5), 1e-6);
  EXPECT_EQ(bn->num_batches_tracked.item(), 0.0f);
  EXPECT_TRUE(all_close(bn->running_mean.data(), xg::Array{1.0f, -2.0f}));
}

TEST(NNNorm, OneValuePerChannelInTrainingIsTorchsErrorAndChangesNothing) {
  nn::BatchNorm1d bn(4);
  EXPECT_EQ(error_message([&] {
              bn(xg::zeros({1, 4}));
            }),
            "batch_norm: expected more than 1 value per channel when training, got input size [1, 4]");
  EXPECT_EQ(bn->num_batches_tracked.item(), 0.0f);
  EXPECT_TRUE(all_close(bn->running_var.data(), xg::Array{1, 1, 1, 1}));
  nn::BatchNorm1d untracked(nn::BatchNorm1dOptions(4).track_running_stats(false));
  untracked->eval();  // batch statistics in evaluation too, so one example is refused there as well
  EXPECT_NE(error_message([&] {
              untracked(xg::zeros({1, 4, 1}));
            }).find("more than 1 value per channel"),
            std::string::npos);
}

TEST(NNNorm, BadShapesAndOptionsAreNamed) {
  nn::BatchNorm1d bn(4);
  EXPECT_EQ(error_message([&] {
              bn(xg::zeros({2, 3}));
            }),
            "BatchNorm1d: expected 4 features in dimension 1 of the input, got shape [2, 3]");
  EXPECT_EQ(error_message([&] {
              F::batch_norm(xg::zeros({2, 3}), bn->running_mean, bn->running_var);
            }),
            "batch_norm: expected running_mean of shape [3], got [4]");
  EXPECT_EQ(error_message([&] { bn(xg::zeros({4})); }),
            "BatchNorm1d: expected a 2-D input [N, C] or a 3-D input [N, C, L], got shape [4]");
  EXPECT_EQ(error_message([] { nn::BatchNorm1d(nn::BatchNorm1dOptions(3).momentum(1.5)); }),
            "BatchNorm1d: expected a momentum in [0, 1] (or none), got 1.5");
  nn::LayerNorm ln(xg::Shape{4});
  EXPECT_EQ(error_message([&] {
              ln(xg::zeros({2, 3}));
            }),
            "layer_norm: normalized_shape [4] expects an input of shape [*, 4], got [2, 3]");
  EXPECT_EQ(error_message([] { nn::LayerNorm(xg::Shape{}); }),
            "LayerNorm: expected a normalized_shape of sizes >= 1, got []");
}

TEST(NNNorm, MLPPlacesTheNormAfterEachHiddenLinearBeforeItsActivation) {
  xg::Generator generator(0);
  nn::MLP batch({6, 5, 4, 3}, nn::Activation::ReLU, 0.5, nn::Norm::Batch, generator);
  std::ostringstream printed;
  printed << batch;
  EXPECT_EQ(printed.str(),
            "MLP(\n  (0): Linear(in_features=6, out_features=5, bias=true)\n"
            "  (1): BatchNorm1d(5, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)\n"
            "  (2): ReLU()\n  (3): Dropout(p=0.5)\n  (4): Linear(in_features=5, out_features=4, bias=true)\n"
            "  (5): BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)\n"
            "  (6): ReLU()\n  (7): Dropout(p=0.5)\n  (8): Linear(in_features=4, out_features=3, bias=true)\n)");
  nn::MLP layer({6, 5, 3}, nn::Activation::Tanh, 0.0, nn::Norm::Layer, generator);
  EXPECT_EQ(layer->state_dict().keys(),
            (std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"}));
  EXPECT_EQ(nn::norm_from_string("batch"), nn::Norm::Batch);
  EXPECT_EQ(error_message([] { nn::norm_from_string("group"); }),
            "norm: unknown norm 'group' (expected none, batch or layer)");
}

// The same Generator seed, the same data: an MLP with BatchNorm1d learns a small problem.
TEST(NNNorm, AnMLPWithBatchNormLearnsTwoMoons) {
  xg::Generator data_generator(3), init_generator(4);
  xg::data::TensorDataset moons = xg::data::moons(400, 0.1, data_generator);
  nn::MLP net({2, 32, 2}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, init_generator);
  xg::optim::Adam adam(net->parameters(), xg::optim::AdamOptions(1e-2));
  nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(moons, xg::data::DataLoaderOptions(50).shuffle(true).seed(5));
  for (int epoch = 0; epoch < 20; ++epoch) {
    for (xg::data::Batch& batch : loader) {
      xg::Tensor loss = loss_fn(net(batch.input), batch.labels);
      adam.zero_grad();
      loss.backward();
      adam.step();
    }
  }
  net->eval();
  const xg::Tensor all = xg::tensor(moons.inputs());
  EXPECT_GT(nn::accuracy(net(all), moons.labels()), 0.97);
  EXPECT_EQ(net->state_dict()["1.num_batches_tracked"].item(), 20.0f * 8.0f);
}

}  // namespace

namespace {

// The layers inside an MLP: the whole network's gradient, inputs and every parameter, checked at once.
TEST(NNNorm, GradcheckOfAnMLPWithEachNorm) {
  for (nn::Norm norm : {nn::Norm::Batch, nn::Norm::Layer}) {
    xg::Generator generator(11);
    nn::MLP net({3, 5, 4, 2}, nn::Activation::Tanh, 0.0, norm, generator);
    const xg::Tensor x = spread_randn({6, 3}, 12, 1.5f, 0.2f);
    std::vector<xg::Tensor> inputs = {x};
    for (const xg::Tensor& p : net->parameters()) inputs.push_back(p);
    auto f = [&net](const std::vector<xg::Tensor>& in) { return net(in[0]); };
    const xg::GradcheckReport report = xg::gradcheck(f, inputs, 1e-2, 2e-3, 2e-2);
    EXPECT_TRUE(report.passed) << (norm == nn::Norm::Batch ? "batch: " : "layer: ") << report.message;
  }
}

}  // namespace
namespace {

// The first backward writes the weight and bias gradients into fresh, uninitialized arrays: garbage
// there (NaN bit patterns included) must not leak in. 4,000 gradients of each layer, all finite.
TEST(NNNorm, FirstGradientsOfWideLayersAreFinite) {
  xg::Generator generator(11);
  for (nn::Norm norm : {nn::Norm::Batch, nn::Norm::Layer}) {
    for (int round = 0; round < 4; ++round) {
      nn::MLP net({2, 512, 256, 3}, nn::Activation::ReLU, 0.0, norm, generator);
      nn::CrossEntropyLoss loss_fn;
      nn::Labels labels(64);
      for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % 3);
      loss_fn(net(spread_randn({64, 2}, 13, 1.5f, 0.2f)), labels).backward();
      for (const auto& [name, p] : net->named_parameters()) {
        for (float v : p.grad()) ASSERT_TRUE(std::isfinite(v)) << name;
      }
    }
  }
}

}  // namespace
