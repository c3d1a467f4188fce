// Layers: Linear (against PyTorch, gradcheck, init), activations, Dropout, Flatten, Sequential, MLP.

#include "error_message.hpp"

#include "nn_test_helpers.hpp"

#include <cmath>
#include <string>

namespace {

namespace nn = xg::nn;
using nn_test::all_close;
using nn_test::array_from_json;
using xg_test::error_message;

void expect_gradcheck(const xg::GradcheckFunction& f, const std::vector<xg::Tensor>& inputs) {
  const xg::GradcheckReport report = xg::gradcheck(f, inputs);
  EXPECT_TRUE(report) << report.message;
}

// ---- Linear ----

// fc on the reference case's x, and its gradients from the case's grad_output, against torch's values
// (the keys end in `suffix`: "" with a bias, "_no_bias" without).
void expect_linear_matches_torch(nn::Linear& fc, const std::string& suffix) {
  const auto& c = nn_test::reference()["linear"];
  fc->weight.data() = array_from_json(c["weight"]);
  if (fc->bias.defined()) fc->bias.data() = array_from_json(c["bias"]);
  xg::Tensor x = xg::tensor(array_from_json(c["x"]), true);
  const xg::Tensor y = fc(x);
  y.backward(array_from_json(c["grad_output"]));
  EXPECT_TRUE(all_close(y.data(), array_from_json(c["output" + suffix])));
  EXPECT_TRUE(all_close(x.grad(), array_from_json(c["grad_x" + suffix])));
  EXPECT_TRUE(all_close(fc->weight.grad(), array_from_json(c["grad_weight" + suffix])));
  if (fc->bias.defined()) {
    EXPECT_TRUE(all_close(fc->bias.grad(), array_from_json(c["grad_bias" + suffix])));
  }
}

TEST(NNLinear, ForwardAndBackwardMatchTorchFunctionalLinear) {
  nn::Linear fc(5, 3);
  expect_linear_matches_torch(fc, "");
}

TEST(NNLinear, WithoutBiasMatchesTorchAndHasOnlyAWeight) {
  nn::Linear fc(5, 3, /*bias=*/false);
  EXPECT_FALSE(fc->bias.defined());
  ASSERT_EQ(fc->parameters().size(), 1u);
  expect_linear_matches_torch(fc, "_no_bias");
}

// After zero_grad() the parameters hold gradients; backward adds into them in place (sgemm with
// beta = 1, and the bias's column sums), so a second backward gives exactly twice the first.
TEST(NNLinear, BackwardAddsIntoExistingGradientsInPlace) {
  nn::Linear fc(2, 2);
  fc->weight.data() = xg::Array{{1, 2}, {3, 4}};
  fc->bias.data() = xg::Array{1, -1};
  xg::Tensor x = xg::tensor(xg::Array{{1, 0}, {2, 1}, {0, 3}}, true);
  for (xg::Tensor t : {fc->weight, fc->bias, x}) t.zero_grad();  // zero-filled gradients, as in training
  const float* weight_buffer = fc->weight.grad().data();
  const float* bias_buffer = fc->bias.grad().data();
  const xg::Array g = {{1, 2}, {0, 1}, {3, 0}};
  fc(x).backward(g);
  EXPECT_EQ(fc->weight.grad(), (xg::Array{{1, 9}, {4, 1}}));  // G^T x
  EXPECT_EQ(fc->bias.grad(), (xg::Array{4, 3}));              // column sums of G
  EXPECT_EQ(x.grad(), (xg::Array{{7, 10}, {3, 4}, {3, 6}}));  // G W
  fc(x).backward(g);
  EXPECT_EQ(fc->weight.grad(), (xg::Array{{2, 18}, {8, 2}}));
  EXPECT_EQ(fc->bias.grad(), (xg::Array{8, 6}));
  EXPECT_EQ(x.grad(), (xg::Array{{14, 20}, {6, 8}, {6, 12}}));
  EXPECT_EQ(fc->weight.grad().data(), weight_buffer);
  EXPECT_EQ(fc->bias.grad().data(), bias_buffer);
}

TEST(NNLinear, FusedOpPassesGradcheckWithAndWithoutBias) {
  xg::Generator g(11);
  const xg::Tensor x = xg::uniform({4, 3}, -1.0f, 1.0f, g, true);
  const xg::Tensor w = xg::uniform({5, 3}, -1.0f, 1.0f, g, true);
  const xg::Tensor b = xg::uniform({5}, -1.0f, 1.0f, g, true);
  expect_gradcheck([](const std::vector<xg::Tensor>& in) { return nn::functional::linear(in[0], in[1], in[2]); },
                   {x, w, b});
  expect_gradcheck([](const std::vector<xg::Tensor>& in) { return nn::functional::linear(in[0], in[1]); }, {x, w});
  // Leading dimensions are all rows: [2, 2, 3] -> [2, 2, 5].
  const xg::Tensor batch = xg::uniform({2, 2, 3}, -1.0f, 1.0f, g, true);
  expect_gradcheck([](const std::vector<xg::Tensor>& in) { return nn::functional::linear(in[0], in[1], in[2]); },
                   {batch, w, b});
}

TEST(NNLinear, ModulePassesGradcheckForItsInput) {
  nn::Linear fc(3, 2);
  nn::Linear no_bias(3, 2, false);
  xg::Generator g(12);
  const xg::Tensor x = xg::uniform({4, 3}, -1.0f, 1.0f, g, true);
  expect_gradcheck([&](const std::vector<xg::Tensor>& in) { return fc(in[0]); }, {x});
  expect_gradcheck([&](const std::vector<xg::Tensor>& in) { return no_bias(in[0]); }, {x});
}

TEST(NNLinear, TakesAnyLeadingDimensions) {
  nn::Linear fc(3, 2);
  xg::Generator g(13);
  const xg::Tensor x = xg::randn({2, 4, 3}, g);
  const xg::Tensor flat = fc(xg::reshape(x, {8, 3}));
  const xg::Tensor y = fc(x);
  ASSERT_EQ(y.shape(), (xg::Shape{2, 4, 2}));
  EXPECT_EQ(xg::reshape(y, {8, 2}).data(), flat.data());
  EXPECT_EQ(fc(xg::ones({3})).shape(), xg::Shape{2});
}

TEST(NNLinear, StoresWeightOutByInAndInitialisesLikePyTorch) {
  nn::Linear fc(400, 30);
  EXPECT_EQ(fc->weight.shape(), (xg::Shape{30, 400}));
  EXPECT_EQ(fc->bias.shape(), xg::Shape{30});
  const float bound = 1.0f / std::sqrt(400.0f);  // U(-1/sqrt(in), 1/sqrt(in)) for weight and bias
  float low = 1, high = -1;
  for (float w : fc->weight.data()) low = std::min(low, w), high = std::max(high, w);
  EXPECT_GE(low, -bound);
  EXPECT_LT(high, bound);
  EXPECT_LT(low, -0.99f * bound);  // 12,000 draws reach the ends
  EXPECT_GT(high, 0.99f * bound);
  for (float b : fc->bias.data()) EXPECT_LE(std::abs(b), bound);
}

TEST(NNLinear, SameSeedSameWeights) {
  xg::Generator a(7), b(7), c(8);
  nn::Linear first(6, 4, true, a), second(6, 4, true, b), third(6, 4, true, c);
  EXPECT_EQ(first->weight.data(), second->weight.data());
  EXPECT_EQ(first->bias.data(), second->bias.data());
  EXPECT_NE(first->weight.data(), third->weight.data());
  xg::manual_seed(3);
  nn::Linear from_default(6, 4);
  xg::manual_seed(3);
  nn::Linear again(6, 4);
  EXPECT_EQ(from_default->weight.data(), again->weight.data());
}

TEST(NNLinear, MismatchedShapesThrowNamingBoth) {
  nn::Linear fc(784, 256);
  EXPECT_EQ(error_message([&] {
              fc(xg::zeros({32, 780}));
            }),
            "linear: input of shape [32, 780] does not match weight of shape [256, 784]: expected the last "
            "dimension to be 784, got 780");
  EXPECT_EQ(error_message([] {
              nn::functional::linear(xg::zeros({2, 3}), xg::zeros({4, 3}), xg::zeros({5}));
            }),
            "linear: expected a bias of shape [4], got [5]");
  EXPECT_EQ(error_message([] {
              nn::functional::linear(xg::zeros({2, 3}), xg::zeros({3}));
            }),
            "linear: expected a 2-D weight [out_features, in_features], got shape [3]");
  EXPECT_EQ(error_message([] { nn::Linear(0, 3); }),
            "Linear: expected positive in_features and out_features, got 0 and 3");
}

// ---- activations ----

TEST(NNActivation, EachLayerAppliesItsOpAndPassesGradcheck) {
  xg::Generator g(21);
  xg::Tensor x = xg::uniform({3, 4}, -2.0f, 2.0f, g, true);
  for (float& v : x.data()) v = v < 0 ? std::min(v, -0.1f) : std::max(v, 0.1f);  // away from the kinks
  const std::vector<std::pair<std::shared_ptr<nn::Module>, std::function<xg::Tensor(const xg::Tensor&)>>> layers = {
      {nn::ReLU().ptr(), [](const xg::Tensor& t) { return xg::relu(t); }},
      {nn::LeakyReLU(0.2).ptr(), [](const xg::Tensor& t) { return xg::leaky_relu(t, 0.2f); }},
      {nn::Tanh().ptr(), [](const xg::Tensor& t) { return xg::tanh(t); }},
      {nn::Sigmoid().ptr(), [](const xg::Tensor& t) { return xg::sigmoid(t); }},
      {nn::GELU().ptr(), [](const xg::Tensor& t) { return xg::gelu(t); }},
  };
  for (const auto& [layer, op] : layers) {
    SCOPED_TRACE(layer->name());
    EXPECT_EQ(layer->forward(x).data(), op(x).data());
    EXPECT_TRUE(layer->parameters().empty());
    expect_gradcheck([&layer = layer](const std::vector<xg::Tensor>& in) { return layer->forward(in[0]); }, {x});
  }
}

TEST(NNActivation, LeakyReLUDefaultsToPyTorchsSlope) {
  const xg::Tensor y = nn::LeakyReLU()(xg::tensor(xg::Array{-100.0f, 3.0f}));
  EXPECT_EQ(y.data(), (xg::Array{-100.0f * 0.01f, 3.0f}));
}

// ---- Dropout ----

TEST(NNDropout, TrainingZeroesAboutPAndScalesSurvivorsByOneOverOneMinusP) {
  xg::Generator g(31);
  nn::Dropout dropout(0.3, g);
  xg::Tensor x = xg::ones({200, 100}, true);
  const xg::Tensor y = dropout(x);
  const float scale = 1.0f / 0.7f;
  std::size_t zeros = 0;
  for (float v : y.data()) {
    ASSERT_TRUE(v == 0.0f || v == scale) << v;
    zeros += v == 0.0f;
  }
  // 20,000 draws: the fraction's standard deviation is 0.0032, so 0.3 +- 0.02 is over 6 of them.
  EXPECT_NEAR(static_cast<double>(zeros) / 20000.0, 0.3, 0.02);
  // The gradient goes through the same mask: with x = 1 it equals the output.
  xg::sum(y).backward();
  EXPECT_EQ(x.grad(), y.data());
}

TEST(NNDropout, PassesGradcheckWithItsMaskFixed) {
  xg::Generator g(33);
  const xg::Tensor x = xg::uniform({6, 5}, -1.0f, 1.0f, g, true);
  expect_gradcheck(
      [](const std::vector<xg::Tensor>& in) {
        xg::Generator same_mask(34);  // every evaluation draws the same mask
        return nn::functional::dropout(in[0], 0.4, true, same_mask);
      },
      {x});
}

TEST(NNDropout, EvaluationIsTheIdentity) {
  nn::Dropout dropout(0.5);
  dropout->eval();
  xg::Tensor x = xg::randn({10, 10}, xg::default_generator(), true);
  const xg::Tensor y = dropout(x);
  EXPECT_EQ(y.id(), x.id());
  EXPECT_EQ(y.data(), x.data());
}

TEST(NNDropout, ZeroAndOneAreTheEdgesAndOthersAreRejected) {
  const xg::Tensor x = xg::ones({4, 4});
  EXPECT_EQ(nn::Dropout(0.0)(x).data(), x.data());
  const xg::Tensor all_dropped = nn::Dropout(1.0)(x);
  for (float v : all_dropped.data()) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(error_message([] { nn::Dropout(1.5); }), "Dropout: expected a probability p in [0, 1], got 1.5");
  EXPECT_EQ(error_message([] { nn::functional::dropout(xg::ones({1}), -0.1); }),
            "dropout: expected a probability p in [0, 1], got -0.1");
}

// The mask is bernoulli(1 - p) per element, in order, on the generator's stream (drawn in blocks: 1300
// elements cross two block boundaries), and the generator goes on after it.
TEST(NNDropout, TheMaskIsBernoulliOnTheGeneratorsStream) {
  xg::Generator drawn(44), expected(44);
  const xg::Tensor y = nn::functional::dropout(xg::ones({13, 100}), 0.25, true, drawn);
  const float scale = 1.0f / 0.75f;
  const float* values = y.data().data();
  for (std::size_t i = 0; i < 1300; ++i) ASSERT_EQ(values[i], expected.bernoulli(0.75) ? scale : 0.0f) << i;
  EXPECT_EQ(drawn.next_u64(), expected.next_u64());
}

TEST(NNDropout, SameSeedSameMask) {
  xg::Generator a(40), b(40);
  const xg::Tensor x = xg::ones({8, 8});
  EXPECT_EQ(nn::Dropout(0.5, a)(x).data(), nn::Dropout(0.5, b)(x).data());
}

// ---- Flatten ----

TEST(NNFlatten, MergesAllButTheBatchDimensionByDefault) {
  xg::Tensor x = xg::randn({2, 3, 4}, xg::default_generator(), true);
  const xg::Tensor y = nn::Flatten()(x);
  EXPECT_EQ(y.shape(), (xg::Shape{2, 12}));
  EXPECT_EQ(nn::Flatten(0, 1)(x).shape(), (xg::Shape{6, 4}));
  EXPECT_EQ(nn::Flatten(0)(x).shape(), xg::Shape{24});
  xg::sum(y).backward();
  EXPECT_EQ(x.grad().shape(), x.data().shape());
  EXPECT_EQ(error_message([&] { nn::Flatten(2, 1)(x); }),
            "Flatten: start_dim 2 comes after end_dim 1 for an input of shape [2, 3, 4]");
}

// ---- Sequential ----

TEST(NNSequential, RunsItsModulesInOrder) {
  nn::Linear first(3, 4), second(4, 2);
  nn::Sequential net{first, nn::Tanh(), second};
  const xg::Tensor x = xg::randn({5, 3});
  EXPECT_EQ(net(x).data(), second(xg::tanh(first(x))).data());
  EXPECT_EQ(net->forward(x).data(), net(x).data());
}

TEST(NNSequential, IndexIterateAndPushBack) {
  nn::Sequential net{nn::Linear(3, 4), nn::ReLU()};
  net->push_back(nn::Linear(4, 1));
  net->push_back(std::make_shared<nn::SigmoidImpl>());
  ASSERT_EQ(net->size(), 4u);
  std::vector<std::string> names;
  for (const auto& module : *net) names.push_back(module->name());
  EXPECT_EQ(names, (std::vector<std::string>{"Linear", "ReLU", "Linear", "Sigmoid"}));
  EXPECT_EQ(net[2]->name(), "Linear");
  EXPECT_EQ(net->at<nn::LinearImpl>(2).out_features, 1u);
  EXPECT_EQ(error_message([&] { net->at<nn::LinearImpl>(1); }),
            "Sequential::at: module 1 is a ReLU, not the requested type");
  EXPECT_EQ(error_message([&] { net[4]; }), "Sequential: index 4 is out of range for 4 modules");
  EXPECT_EQ(net(xg::ones({2, 3})).shape(), (xg::Shape{2, 1}));
}

TEST(NNSequential, AnEmptySequentialReturnsItsInput) {
  nn::Sequential net;
  EXPECT_TRUE(net->is_empty());
  const xg::Tensor x = xg::ones({2});
  EXPECT_EQ(net(x).id(), x.id());
}

// ---- MLP ----

TEST(NNMLP, TheFashionMnistShapeHas235146Parameters) {
  nn::MLP net({784, 256, 128, 10});
  std::size_t count = 0;
  for (const xg::Tensor& p : net->parameters()) count += p.numel();
  EXPECT_EQ(count, 235146u);
  std::vector<std::pair<std::string, xg::Shape>> shapes;
  for (const auto& [name, p] : net->named_parameters()) shapes.emplace_back(name, p.shape());
  EXPECT_EQ(shapes, (std::vector<std::pair<std::string, xg::Shape>>{{"0.weight", {256, 784}},
                                                                    {"0.bias", {256}},
                                                                    {"2.weight", {128, 256}},
                                                                    {"2.bias", {128}},
                                                                    {"4.weight", {10, 128}},
                                                                    {"4.bias", {10}}}));
  EXPECT_EQ(net(xg::zeros({3, 784})).shape(), (xg::Shape{3, 10}));
}

TEST(NNMLP, PutsActivationAndDropoutBetweenLayersButNotAfterTheLast) {
  nn::MLP net({4, 8, 8, 2}, nn::Activation::GELU, 0.2);
  std::vector<std::string> names;
  for (const auto& module : *net) names.push_back(module->name());
  EXPECT_EQ(names, (std::vector<std::string>{"Linear", "GELU", "Dropout", "Linear", "GELU", "Dropout", "Linear"}));
  EXPECT_EQ(net->at<nn::DropoutImpl>(2).p, 0.2);
  nn::MLP plain({4, 2});
  EXPECT_EQ(plain->size(), 1u);
}

TEST(NNMLP, SameGeneratorSeedSameNetwork) {
  xg::Generator a(50), b(50);
  nn::MLP first({5, 7, 3}, nn::Activation::Tanh, 0.0, a);
  nn::MLP second({5, 7, 3}, nn::Activation::Tanh, 0.0, b);
  const auto p = first->parameters(), q = second->parameters();
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_EQ(p[i].data(), q[i].data());
}

TEST(NNMLP, OptionsBuildTheSameNetworkAsThePositionalArguments) {
  xg::Generator a(51), b(51);
  const nn::MLPOptions options =
      nn::MLPOptions({5, 7, 7, 3}).activation(nn::Activation::Tanh).dropout(0.25).norm(nn::Norm::Layer);
  nn::MLP from_options(options, a);
  nn::MLP positional({5, 7, 7, 3}, nn::Activation::Tanh, 0.25, nn::Norm::Layer, b);
  std::vector<std::string> names;
  for (const auto& module : *from_options) names.push_back(module->name());
  EXPECT_EQ(names, (std::vector<std::string>{"Linear", "LayerNorm", "Tanh", "Dropout", "Linear", "LayerNorm", "Tanh",
                                             "Dropout", "Linear"}));
  const auto p = from_options->parameters(), q = positional->parameters();
  ASSERT_EQ(p.size(), q.size());
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_EQ(p[i].data(), q[i].data());
  EXPECT_EQ(from_options->options.sizes(), (std::vector<std::size_t>{5, 7, 7, 3}));
  EXPECT_EQ(positional->options.dropout(), 0.25);
  EXPECT_EQ(nn::MLPOptions({2, 1}).activation(), nn::Activation::ReLU);  // the defaults: ReLU, no
  EXPECT_EQ(nn::MLPOptions({2, 1}).dropout(), 0.0);                      // dropout, no norm
  EXPECT_EQ(nn::MLPOptions({2, 1}).norm(), nn::Norm::None);
}

TEST(NNMLP, ActivationNamesAndBadSizes) {
  EXPECT_EQ(nn::activation_from_string("leaky_relu"), nn::Activation::LeakyReLU);
  EXPECT_EQ(nn::make_activation(nn::activation_from_string("sigmoid"))->name(), "Sigmoid");
  EXPECT_EQ(error_message([] { nn::activation_from_string("swish"); }),
            "activation: unknown activation 'swish' (expected relu, leaky_relu, tanh, sigmoid or gelu)");
  EXPECT_EQ(error_message([] { nn::MLP({10}); }), "MLP: expected at least two sizes (input and output), got 1");
  EXPECT_EQ(error_message([] { nn::MLP({10, 0, 2}); }), "MLP: size 1 is 0; every layer needs at least one unit");
}

}  // namespace
