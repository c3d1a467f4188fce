// nn::Module and nn::ModuleHolder: registration, names and order, modes, gradients, printing.

#include "error_message.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace {

namespace nn = xg::nn;
using xg_test::error_message;

// A module with its own parameter registered after a child, to check that own parameters come first.
struct BlockImpl : nn::Module {
  nn::Linear fc1{nullptr}, fc2{nullptr};
  xg::Tensor scale;
  BlockImpl() {
    fc1 = register_module("fc1", nn::Linear(3, 4));
    scale = register_parameter("scale", xg::ones({4}));
    fc2 = register_module("fc2", nn::Linear(4, 2, /*bias=*/false));
  }
  xg::Tensor forward(const xg::Tensor& x) override { return fc2(fc1(x) * scale); }
};
struct Block : nn::ModuleHolder<BlockImpl> {
  using ModuleHolder::ModuleHolder;
};

std::vector<std::string> names_of(const std::vector<std::pair<std::string, xg::Tensor>>& named) {
  std::vector<std::string> names;
  for (const auto& entry : named) names.push_back(entry.first);
  return names;
}

TEST(NNModule, NamedParametersAreOwnFirstThenChildrenInRegistrationOrder) {
  Block block;
  EXPECT_EQ(names_of(block->named_parameters()),
            (std::vector<std::string>{"scale", "fc1.weight", "fc1.bias", "fc2.weight"}));
  EXPECT_EQ(names_of(block->named_parameters(/*recurse=*/false)), (std::vector<std::string>{"scale"}));
  EXPECT_EQ(block->named_parameters()[1].second.id(), block->fc1->weight.id());
}

TEST(NNModule, NestedModulesGetDottedNames) {
  nn::Sequential net{Block(), nn::ReLU(), nn::Sequential{nn::Linear(2, 2)}};
  EXPECT_EQ(names_of(net->named_parameters()), (std::vector<std::string>{"0.scale", "0.fc1.weight", "0.fc1.bias",
                                                                         "0.fc2.weight", "2.0.weight", "2.0.bias"}));
  std::vector<std::string> module_names;
  for (const auto& [name, module] : net->named_modules()) module_names.push_back(name);
  EXPECT_EQ(module_names, (std::vector<std::string>{"", "0", "0.fc1", "0.fc2", "1", "2", "2.0"}));
}

TEST(NNModule, ParametersMatchNamedParametersAndAreTheModulesOwnTensors) {
  Block block;
  const std::vector<xg::Tensor> params = block->parameters();
  const auto named = block->named_parameters();
  ASSERT_EQ(params.size(), named.size());
  for (std::size_t i = 0; i < params.size(); ++i) EXPECT_EQ(params[i].id(), named[i].second.id());
  for (const xg::Tensor& p : params) EXPECT_TRUE(p.requires_grad());
}

TEST(NNModule, ASharedLayerIsListedOnceUnderItsFirstName) {
  nn::Linear shared(3, 3);
  nn::Sequential net{shared, nn::ReLU(), shared};
  EXPECT_EQ(names_of(net->named_parameters()), (std::vector<std::string>{"0.weight", "0.bias"}));
  EXPECT_EQ(net->children().size(), 3u);
}

TEST(NNModule, RegisterParameterCanTurnOffRequiresGrad) {
  struct FrozenImpl : nn::Module {
    FrozenImpl() { register_parameter("table", xg::zeros({2, 2}), /*requires_grad=*/false); }
  } frozen;
  EXPECT_FALSE(frozen.parameters()[0].requires_grad());
  EXPECT_NE(frozen.summary().find("Total parameters: 4 (trainable: 0)"), std::string::npos);
}

TEST(NNModule, BadRegistrationsThrowNamingTheProblem) {
  struct EmptyImpl : nn::Module {
  } module;
  module.register_parameter("w", xg::zeros({1}));
  EXPECT_EQ(error_message([&] { module.register_parameter("w", xg::zeros({1})); }),
            "register_parameter: 'w' is already registered in Empty");
  EXPECT_EQ(error_message([&] { module.register_module("w", nn::ReLU()); }),
            "register_module: 'w' is already registered in Empty");
  EXPECT_EQ(error_message([&] { module.register_parameter("a.b", xg::zeros({1})); }),
            "register_parameter: the name 'a.b' must not contain '.' (dots separate the levels of nested names)");
  EXPECT_EQ(error_message([&] { module.register_parameter("", xg::zeros({1})); }),
            "register_parameter: the name must not be empty");
  xg::Tensor leaf = xg::ones({2}, true);
  EXPECT_EQ(error_message([&] { module.register_parameter("sum", leaf * 2.0f); }),
            "register_parameter: 'sum' must be a leaf tensor, not the result of an op (detach() it first)");
  EXPECT_EQ(error_message([&] { module.register_module("none", std::shared_ptr<nn::Module>()); }),
            "register_module: the module for 'none' is empty (nullptr)");
  EXPECT_EQ(module.named_parameters().size(), 1u);  // the failures registered nothing
}

TEST(NNModule, TrainAndEvalReachEverySubmodule) {
  nn::Sequential net{Block(), nn::Dropout(0.5), nn::Sequential{nn::Dropout(0.1)}};
  EXPECT_TRUE(net->is_training());
  net->eval();
  for (const auto& [name, module] : net->named_modules()) EXPECT_FALSE(module->is_training()) << name;
  net.train();
  for (const auto& [name, module] : net->named_modules()) EXPECT_TRUE(module->is_training()) << name;
}

TEST(NNModule, ZeroGradZeroesExistingGradientsOrDropsThem) {
  Block block;
  xg::sum(block(xg::ones({2, 3}))).backward();
  for (const xg::Tensor& p : block->parameters()) ASSERT_TRUE(p.has_grad());
  block->zero_grad();
  for (const xg::Tensor& p : block->parameters()) {
    ASSERT_TRUE(p.has_grad());
    for (float g : p.grad()) EXPECT_EQ(g, 0.0f);
  }
  block.zero_grad(/*set_to_none=*/true);
  for (const xg::Tensor& p : block->parameters()) EXPECT_FALSE(p.has_grad());
}

TEST(NNModule, HoldersShareOneModule) {
  nn::Linear fc(2, 3);
  nn::Sequential net{fc, nn::ReLU()};
  nn::Sequential alias = net;
  EXPECT_EQ(net->named_parameters()[0].second.id(), fc->weight.id());
  EXPECT_EQ(alias.ptr(), net.ptr());
  alias->push_back(nn::Linear(3, 1));
  EXPECT_EQ(net->size(), 3u);
  // The dot forms forward to the module.
  EXPECT_EQ(net.parameters().size(), net->parameters().size());
  EXPECT_EQ(names_of(net.named_parameters()), names_of(net->named_parameters()));
}

TEST(NNModule, AnEmptyHolderThrowsInsteadOfCrashing) {
  nn::Linear empty{nullptr};
  EXPECT_TRUE(empty.is_empty());
  EXPECT_THROW(empty->forward(xg::ones({1, 1})), xg::Error);
  EXPECT_THROW(empty.parameters(), xg::Error);
}

TEST(NNModule, AModuleWithoutForwardSaysSo) {
  struct NoForwardImpl : nn::Module {
  } module;
  try {
    module.forward(xg::ones({1}));
    FAIL() << "expected xg::Error";
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "forward: NoForward does not define forward(const Tensor&)");
  }
}

TEST(NNModule, PrintsTheTreeLikePyTorch) {
  nn::Sequential net{nn::Linear(784, 256), nn::ReLU(), nn::Dropout(0.25), nn::Linear(256, 10, false)};
  std::ostringstream out;
  out << net;
  EXPECT_EQ(out.str(),
            "Sequential(\n"
            "  (0): Linear(in_features=784, out_features=256, bias=true)\n"
            "  (1): ReLU()\n"
            "  (2): Dropout(p=0.25)\n"
            "  (3): Linear(in_features=256, out_features=10, bias=false)\n"
            ")");
}

TEST(NNModule, SummaryListsEachLayerWithShapesAndTheTotal) {
  nn::MLP net({784, 256, 128, 10});
  const std::string summary = net.summary();
  EXPECT_NE(
      summary.find("Linear(in_features=784, out_features=256, bias=true)  weight [256, 784], bias [256]  200,960"),
      std::string::npos)
      << summary;
  EXPECT_NE(summary.find("ReLU()"), std::string::npos);
  EXPECT_NE(summary.find("Total parameters: 235,146 (trainable: 235,146)"), std::string::npos) << summary;
}

TEST(NNModule, FormatCountGroupsThousands) {
  EXPECT_EQ(nn::format_count(0), "0");
  EXPECT_EQ(nn::format_count(999), "999");
  EXPECT_EQ(nn::format_count(1000), "1,000");
  EXPECT_EQ(nn::format_count(235146), "235,146");
  EXPECT_EQ(nn::format_count(12345678), "12,345,678");
}

TEST(NNModule, ReplaceModuleSwapsASequentialsLayerInPlaceAndInForward) {
  nn::Sequential net{nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 2)};
  auto tanh = std::make_shared<nn::TanhImpl>();
  net->replace_module("1", tanh);
  EXPECT_EQ(net[1].get(), tanh.get());
  EXPECT_EQ(net->named_children()[1].second.get(), tanh.get());
  EXPECT_EQ(net->state_dict().keys(), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  // forward now runs Tanh: a negative pre-activation comes through (ReLU would make it 0).
  auto& first = net->at<nn::LinearImpl>(0);
  first.weight.data().fill(0.0f);
  first.bias.data() = xt::xarray<float>{-1.0f, -1.0f, -1.0f, -1.0f};
  auto& last = net->at<nn::LinearImpl>(2);
  last.weight.data().fill(1.0f);
  last.bias.data().fill(0.0f);
  const xg::Tensor y = net(xg::zeros({1, 3}));
  EXPECT_FLOAT_EQ(y.data()(0, 0), 4.0f * std::tanh(-1.0f));
}

TEST(NNModule, ReplaceModuleNamesAMissingSubmodule) {
  nn::Sequential net{nn::ReLU()};
  EXPECT_EQ(error_message([&] { net->replace_module("5", std::make_shared<nn::TanhImpl>()); }),
            "replace_module: Sequential has no submodule named '5'");
}

}  // namespace
