// The layers Softmax, LogSoftmax, ELU, SiLU, Softplus and Identity, and the ops elu, silu and softplus:
// values and gradients against PyTorch (reference/nn_losses.json, made by reference/nn_losses.py),
// gradcheck on several shapes, and torch's edge behaviour (softplus above its threshold, elu near 0).

#include "nn_test_helpers.hpp"

#include <cstdio>

namespace {

namespace nn = xg::nn;
using namespace nn_test;  // all_close, array_from_json, expect_gradcheck, losses_reference

// The layer a reference case names, with its options.
std::shared_ptr<nn::Module> layer_for(const nlohmann::json& c) {
  const std::string name = c["name"];
  const nlohmann::json& o = c["options"];
  if (name == "softmax") return nn::Softmax(o["dim"].get<long>()).ptr();
  if (name == "log_softmax") return nn::LogSoftmax(o["dim"].get<long>()).ptr();
  if (name == "elu") return nn::ELU(o["alpha"].get<double>()).ptr();
  if (name == "silu") return nn::SiLU().ptr();
  if (name == "softplus") return nn::Softplus(o["beta"].get<double>(), o["threshold"].get<double>()).ptr();
  if (name == "identity") return nn::Identity().ptr();
  throw std::runtime_error("no layer named " + name);
}

TEST(NNActivationTorch, EveryLayerMatchesPyTorchForwardAndBackward) {
  std::map<std::string, std::pair<double, double>> deviation;  // name -> (forward, gradient), max abs
  int checked = 0;
  for (const auto& c : losses_reference()["layers"]) {
    SCOPED_TRACE(c["name"].get<std::string>() + " " + c["options"].dump());
    const std::shared_ptr<nn::Module> layer = layer_for(c);
    xg::Tensor x = xg::tensor(array_from_json(c["input"]), true);
    const xg::Tensor y = layer->forward(x);
    xg::sum(y * xg::tensor(array_from_json(c["grad_output"]))).backward();
    const xg::Array expected_y = array_from_json(c["output"]);
    const xg::Array expected_grad = array_from_json(c["grad_input"]);
    EXPECT_TRUE(all_close(y.data(), expected_y)) << "output";
    EXPECT_TRUE(all_close(x.grad(), expected_grad)) << "grad of input";
    auto& [forward, gradient] = deviation[layer->name()];
    for (std::size_t i = 0; i < expected_y.size(); ++i) {
      forward = std::max(forward, static_cast<double>(std::abs(y.data().data()[i] - expected_y.data()[i])));
      gradient = std::max(gradient, static_cast<double>(std::abs(x.grad().data()[i] - expected_grad.data()[i])));
    }
    ++checked;
  }
  EXPECT_EQ(checked, 22);
  for (const auto& [name, d] : deviation) {
    std::printf("[ torch 1.13 ] %-10s output: max abs %.2g  gradient: max abs %.2g\n", name.c_str(), d.first, d.second);
  }
}

TEST(NNActivationTorch, EluSiluAndSoftplusPassGradcheckOnSeveralShapes) {
  xg::Generator g(41);
  for (const xg::Shape& shape : {xg::Shape{7}, xg::Shape{3, 4}, xg::Shape{2, 3, 4}}) {
    SCOPED_TRACE(xg::to_string(shape));
    xg::Tensor x = xg::uniform(shape, -3.0f, 3.0f, g, true);
    for (float& v : x.data()) v = v < 0 ? std::min(v, -0.1f) : std::max(v, 0.1f);  // away from elu's kink
    for (float alpha : {1.0f, 0.5f}) {
      expect_gradcheck([alpha](const std::vector<xg::Tensor>& in) { return xg::elu(in[0], alpha); }, {x});
    }
    expect_gradcheck([](const std::vector<xg::Tensor>& in) { return xg::silu(in[0]); }, {x});
    expect_gradcheck([](const std::vector<xg::Tensor>& in) { return xg::softplus(in[0]); }, {x});
    expect_gradcheck([](const std::vector<xg::Tensor>& in) { return xg::softplus(in[0], 2.0f, 30.0f); }, {x});
    // Above the threshold softplus is x itself, gradient 1.
    const xg::Tensor large = xg::uniform(shape, 21.0f, 30.0f, g, true);
    expect_gradcheck([](const std::vector<xg::Tensor>& in) { return xg::softplus(in[0]); }, {large});
  }
}

TEST(NNActivationTorch, LayersPassGradcheckAndHaveNoParameters) {
  xg::Generator g(42);
  xg::Tensor x = xg::uniform({3, 4}, -2.0f, 2.0f, g, true);
  for (float& v : x.data()) v = v < 0 ? std::min(v, -0.1f) : std::max(v, 0.1f);
  const std::vector<std::shared_ptr<nn::Module>> layers = {
      nn::ELU(0.7).ptr(),    nn::SiLU().ptr(),        nn::Softplus(1.5, 20.0).ptr(), nn::Softmax(0).ptr(),
      nn::Softmax(-1).ptr(), nn::LogSoftmax(1).ptr(), nn::Identity().ptr()};
  for (const std::shared_ptr<nn::Module>& layer : layers) {
    SCOPED_TRACE(layer->name());
    EXPECT_TRUE(layer->parameters().empty());
    expect_gradcheck([&layer](const std::vector<xg::Tensor>& in) { return layer->forward(in[0]); }, {x});
  }
}

TEST(NNActivationTorch, SoftplusIsTheIdentityAboveItsThresholdAndNotAtIt) {
  // beta x = 20 is not above the threshold 20: log1p(e^20) rounds to 20 in float anyway; 40 is x itself.
  const xg::Tensor y = nn::Softplus()(xg::tensor(xg::Array{20.0f, 40.0f, 1e30f}));
  EXPECT_EQ(y.data(), (xg::Array{20.0f, 40.0f, 1e30f}));
  // With beta 2 and threshold 1, x = 0.5 gives log1p(e) / 2, x = 0.6 gives 0.6.
  const xg::Tensor z = nn::Softplus(2.0, 1.0)(xg::tensor(xg::Array{0.5f, 0.6f}));
  EXPECT_FLOAT_EQ(z.data()(0), std::log1p(std::exp(1.0f)) / 2.0f);
  EXPECT_EQ(z.data()(1), 0.6f);
}

TEST(NNActivationTorch, EluOfATinyNegativeIsZeroAsInTorch113) {
  // torch 1.13 writes e^x - 1, not expm1(x): e^-1e-8 rounds to 1 in float.
  const xg::Tensor y = nn::ELU()(xg::tensor(xg::Array{-1e-8f, -1.0f, 2.0f}));
  EXPECT_EQ(y.data()(0), 0.0f);
  EXPECT_FLOAT_EQ(y.data()(1), std::exp(-1.0f) - 1.0f);
  EXPECT_EQ(y.data()(2), 2.0f);
}

TEST(NNActivationTorch, IdentityReturnsItsInputItself) {
  const xg::Tensor x = xg::ones({2}, true);
  EXPECT_EQ(nn::Identity()(x).id(), x.id());
}

TEST(NNActivationTorch, SoftmaxLayersUseTheGivenDimension) {
  xg::Generator g(43);
  const xg::Tensor x = xg::randn({2, 3, 4}, g);
  EXPECT_EQ(nn::Softmax(1)(x).data(), xg::softmax(x, 1).data());
  EXPECT_EQ(nn::LogSoftmax(-1)(x).data(), xg::log_softmax(x, -1).data());
  EXPECT_EQ(nn::functional::softmax(x, 0).data(), xg::softmax(x, 0).data());
}

TEST(NNActivationTorch, PrintTheirSettings) {
  std::ostringstream out;
  out << nn::ELU() << " " << nn::ELU(0.5) << " " << nn::SiLU() << " " << nn::Softplus() << " " << nn::Softmax(1) << " "
      << nn::LogSoftmax(-1) << " " << nn::Identity();
  EXPECT_EQ(out.str(),
            "ELU(alpha=1) ELU(alpha=0.5) SiLU() Softplus(beta=1, threshold=20) Softmax(dim=1) LogSoftmax(dim=-1) "
            "Identity()");
}

}  // namespace
