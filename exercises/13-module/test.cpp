// Exercise 13's checks: one TEST per task in README.md, named as the task reads.
#include "course_module.hpp"

#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/factories.hpp>
#include <xgrad/nn/module.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using xg::Tensor;

// The same small layers twice: on your Module and on xgrad's (xg::nn::Module), to compare the names.
struct Affine : course::Module {
  Tensor weight, bias;
  explicit Affine(std::size_t n) {
    weight = register_parameter("weight", xg::ones({n}));
    bias = register_parameter("bias", xg::zeros({n}));
  }
  Tensor forward(const Tensor& x) override { return x * weight + bias; }
};

struct XgradAffine : xg::nn::Module {
  explicit XgradAffine(std::size_t n) {
    register_parameter("weight", xg::ones({n}));
    register_parameter("bias", xg::zeros({n}));
  }
};

// Two layers in a block; then a network with a parameter of its own registered *after* its
// submodules, and a head.
struct Block : course::Module {
  std::shared_ptr<Affine> fc1, fc2;
  Block() {
    fc1 = register_module("fc1", std::make_shared<Affine>(3));
    fc2 = register_module("fc2", std::make_shared<Affine>(3));
  }
  Tensor forward(const Tensor& x) override { return fc2->forward(xg::tanh(fc1->forward(x))); }
};

struct XgradBlock : xg::nn::Module {
  XgradBlock() {
    register_module("fc1", std::make_shared<XgradAffine>(3));
    register_module("fc2", std::make_shared<XgradAffine>(3));
  }
};

struct Net : course::Module {
  std::shared_ptr<Block> encoder;
  std::shared_ptr<Affine> head;
  Tensor scale;
  Net() {
    encoder = register_module("encoder", std::make_shared<Block>());
    head = register_module("head", std::make_shared<Affine>(3));
    scale = register_parameter("scale", xg::full({1}, 2.0f));
  }
  Tensor forward(const Tensor& x) override { return head->forward(encoder->forward(x)) * scale; }
};

struct XgradNet : xg::nn::Module {
  XgradNet() {
    register_module("encoder", std::make_shared<XgradBlock>());
    register_module("head", std::make_shared<XgradAffine>(3));
    register_parameter("scale", xg::full({1}, 2.0f));
  }
};

std::vector<std::string> names_of(const std::vector<std::pair<std::string, Tensor>>& named) {
  std::vector<std::string> names;
  for (const auto& entry : named) names.push_back(entry.first);
  return names;
}

TEST(Module, RegisterParameterKeepsTheTensorUnderItsName) {
  Affine layer(4);
  const auto named = layer.named_parameters();
  ASSERT_EQ(names_of(named), (std::vector<std::string>{"weight", "bias"})) << "a layer's own parameters, in order";
  EXPECT_EQ(named[0].second.id(), layer.weight.id()) << "the registered tensor is the layer's weight, not a copy";
  EXPECT_TRUE(layer.weight.requires_grad()) << "registering makes a parameter require grad";
  EXPECT_THROW(layer.register_parameter("weight", xg::ones({4})), xg::Error) << "a name taken";
  EXPECT_THROW(layer.register_parameter("a.b", xg::ones({4})), xg::Error) << "a name with a dot";
  EXPECT_THROW(layer.register_parameter("", xg::ones({4})), xg::Error) << "an empty name";
  EXPECT_THROW(layer.register_child("bias", std::make_shared<Affine>(2)), xg::Error) << "a submodule's name taken";
  EXPECT_THROW(layer.register_parameter("twice", layer.weight * 2.0f), xg::Error) << "a computed tensor";
  EXPECT_EQ(layer.named_parameters().size(), 2u) << "a refused registration leaves the module as it was";
}

TEST(Module, NamedParametersRecurseInRegistrationOrder) {
  Net net;
  const std::vector<std::string> expected = names_of(XgradNet().named_parameters());
  ASSERT_EQ(expected, (std::vector<std::string>{"scale", "encoder.fc1.weight", "encoder.fc1.bias", "encoder.fc2.weight",
                                                "encoder.fc2.bias", "head.weight", "head.bias"}))
      << "(xgrad's and PyTorch's order, the check's own premise)";
  EXPECT_EQ(names_of(net.named_parameters()), expected) << "own parameters first, then each submodule's, depth first";
  const std::vector<Tensor> params = net.parameters();
  ASSERT_EQ(params.size(), 7u);
  EXPECT_EQ(params[1].id(), net.encoder->fc1->weight.id()) << "parameter 1 is encoder.fc1.weight itself";
  EXPECT_EQ(params[6].id(), net.head->bias.id()) << "parameter 6 is head.bias itself";
}

TEST(Module, ASharedLayerIsListedOnce) {
  // One Affine registered under two names (as a tied layer): its tensors once, under the first name.
  struct Tied : course::Module {
    std::shared_ptr<Affine> shared = std::make_shared<Affine>(2);
    Tied() {
      register_module("first", shared);
      register_module("second", shared);
    }
  };
  struct XgradTied : xg::nn::Module {
    XgradTied() {
      auto shared = std::make_shared<XgradAffine>(2);
      register_module("first", shared);
      register_module("second", shared);
    }
  };
  const std::vector<std::string> expected = names_of(XgradTied().named_parameters());
  ASSERT_EQ(expected, (std::vector<std::string>{"first.weight", "first.bias"})) << "(xgrad's, the premise)";
  EXPECT_EQ(names_of(Tied().named_parameters()), expected)
      << "each tensor once, under the name it was first reached by";
}

TEST(Module, ZeroGradZeroesEveryGradientOrDropsIt) {
  Net net;
  const auto backward_once = [&net] { xg::sum(net.forward(xg::full({2, 3}, 0.5f))).backward(); };
  backward_once();
  net.zero_grad();
  for (const auto& [name, p] : net.named_parameters()) {
    ASSERT_TRUE(p.has_grad()) << name << ": zero_grad() keeps the gradient, filled with zeros";
    EXPECT_EQ(xt::amax(xt::abs(p.grad()))(), 0.0f) << name << ": zero_grad() leaves zeros";
  }
  backward_once();
  EXPECT_EQ(net.scale.grad()(0), xg::sum(net.head->forward(net.encoder->forward(xg::full({2, 3}, 0.5f)))).item())
      << "after zero_grad, one backward gives one gradient (d sum(h * scale) / d scale = sum(h)), not two";
  net.zero_grad(/*set_to_none=*/true);
  for (const auto& [name, p] : net.named_parameters()) {
    EXPECT_FALSE(p.has_grad()) << name << ": zero_grad(true) drops the gradient";
  }
  net.zero_grad();
  EXPECT_FALSE(net.scale.has_grad()) << "zero_grad() gives no gradient to a parameter that has none";
}

TEST(Module, TrainAndEvalReachEverySubmodule) {
  Net net;
  EXPECT_TRUE(net.is_training() && net.encoder->fc1->is_training()) << "a module starts in training mode";
  net.eval();
  EXPECT_FALSE(net.is_training()) << "eval(): the network";
  EXPECT_FALSE(net.encoder->is_training()) << "eval(): its submodule encoder";
  EXPECT_FALSE(net.encoder->fc2->is_training()) << "eval(): encoder.fc2, two levels down";
  net.encoder->train();
  EXPECT_TRUE(net.encoder->fc1->is_training()) << "train() on the encoder reaches encoder.fc1";
  EXPECT_FALSE(net.head->is_training()) << "and leaves its sibling head as it was";
}

}  // namespace
