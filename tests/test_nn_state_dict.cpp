// Module buffers, state_dict and load_state_dict, and the buffers in xg::save / xg::load files.

#include "error_message.hpp"
#include "nn_test_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace {

namespace nn = xg::nn;
using nn_test::all_close;
using xg_test::error_message;

// Own parameter, own buffers (one not persistent), then a child with buffers of its own.
struct StatefulImpl : nn::Module {
  nn::Linear fc{nullptr};
  nn::BatchNorm1d bn{nullptr};
  xg::Tensor scale, steps, scratch;
  StatefulImpl() {
    scale = register_parameter("scale", xg::ones({3}));
    steps = register_buffer("steps", xg::zeros({1}));
    scratch = register_buffer("scratch", xg::zeros({2}), /*persistent=*/false);
    fc = register_module("fc", nn::Linear(3, 2));
    bn = register_module("bn", nn::BatchNorm1d(2));
  }
  xg::Tensor forward(const xg::Tensor& x) override { return bn(fc(x * scale)); }
};
struct Stateful : nn::ModuleHolder<StatefulImpl> {
  using ModuleHolder::ModuleHolder;
};

// Every value of the module's state set to something of its own, so that a copy can be told apart.
void fill_distinct(const nn::Module& module, float start) {
  for (const auto& [name, entry] : module.state_dict()) {
    xg::Tensor tensor = entry;
    for (float& v : tensor.data()) v = start++;
  }
}

TEST(NNStateDict, BuffersAreListedButAreNotParameters) {
  Stateful m;
  std::vector<std::string> names;
  for (const auto& entry : m->named_buffers()) names.push_back(entry.first);
  EXPECT_EQ(names, (std::vector<std::string>{"steps", "scratch", "bn.running_mean", "bn.running_var",
                                             "bn.num_batches_tracked"}));
  EXPECT_EQ(m->named_buffers(/*recurse=*/false).size(), 2u);
  EXPECT_EQ(m->buffers().size(), 5u);
  EXPECT_EQ(m->buffers()[0].id(), m->steps.id());
  EXPECT_EQ(m->parameters().size(), 5u);  // scale, fc.weight, fc.bias, bn.weight, bn.bias
  for (const xg::Tensor& buffer : m->buffers()) EXPECT_FALSE(buffer.requires_grad());
}

TEST(NNStateDict, OrderIsTorchsParametersThenPersistentBuffersModuleByModule) {
  Stateful m;
  EXPECT_EQ(m.state_dict().keys(),
            (std::vector<std::string>{"scale", "steps", "fc.weight", "fc.bias", "bn.weight", "bn.bias",
                                      "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"}));
  EXPECT_EQ(m->state_dict()["bn.running_var"].id(), m->bn->running_var.id());  // the module's own tensors
}

TEST(NNStateDict, BufferNamesShareTheModulesNamespace) {
  Stateful m;
  EXPECT_EQ(error_message([&] { m->register_buffer("scale", xg::zeros({1})); }),
            "register_buffer: 'scale' is already registered in Stateful");
  EXPECT_EQ(error_message([&] { m->register_parameter("steps", xg::zeros({1})); }),
            "register_parameter: 'steps' is already registered in Stateful");
  EXPECT_EQ(error_message([&] { m->register_buffer("a.b", xg::zeros({1})); }),
            "register_buffer: the name 'a.b' must not contain '.' (dots separate the levels of nested names)");
  EXPECT_EQ(error_message([&] { m->register_buffer("none", xg::Tensor()); }),
            "register_buffer: the tensor for 'none' is undefined");
}

TEST(NNStateDict, LoadStateDictRoundTripsInPlace) {
  Stateful source, target;
  fill_distinct(*source, 1.0f);
  const std::vector<xg::Tensor> before = target->parameters();
  target->load_state_dict(source->state_dict());
  for (const auto& [name, tensor] : source->state_dict()) {
    EXPECT_TRUE(all_close(target->state_dict()[name].data(), tensor.data(), 0, 0)) << name;
  }
  const std::vector<xg::Tensor> after = target->parameters();
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_EQ(before[i].id(), after[i].id());  // optimizers' tensors
  EXPECT_EQ(target->bn->num_batches_tracked.item(), source->bn->num_batches_tracked.item());
  EXPECT_EQ(target->scratch.data()(0), 0.0f);  // not persistent: not part of the state
}

TEST(NNStateDict, StrictLoadingNamesMissingAndUnexpectedKeysAndChangesNothing) {
  Stateful target;
  fill_distinct(*target, 100.0f);
  const nn::StateDict kept = [&] {
    nn::StateDict copy;
    for (const auto& [name, tensor] : target->state_dict()) copy.insert(name, tensor.detach());
    return copy;
  }();
  Stateful other;
  nn::StateDict partial;
  for (const auto& [name, tensor] : other->state_dict()) {
    if (name != "fc.bias" && name != "bn.running_var") partial.insert(name, tensor);
  }
  partial.insert("extra", xg::zeros({1}));
  EXPECT_EQ(error_message([&] { target->load_state_dict(partial); }),
            "load_state_dict: the state does not fit Stateful: missing keys: fc.bias, bn.running_var; "
            "unexpected keys: extra; nothing was changed");
  for (const auto& [name, tensor] : kept) {
    EXPECT_TRUE(all_close(target->state_dict()[name].data(), tensor.data(), 0, 0)) << name;
  }
  // Not strict: the keys present are loaded, the rest is left as it was.
  target->load_state_dict(partial, /*strict=*/false);
  EXPECT_TRUE(all_close(target->fc->weight.data(), other->fc->weight.data(), 0, 0));
  EXPECT_TRUE(all_close(target->fc->bias.data(), kept["fc.bias"].data(), 0, 0));
  EXPECT_TRUE(all_close(target->bn->running_var.data(), kept["bn.running_var"].data(), 0, 0));
}

TEST(NNStateDict, AShapeMismatchIsAnErrorInBothModesAndChangesNothing) {
  Stateful target;
  fill_distinct(*target, 7.0f);
  const xg::Array scale_before = target->scale.data();
  nn::StateDict state = {{"scale", xg::full({3}, 5.0f)}, {"fc.weight", xg::zeros({3, 3})}};
  for (bool strict : {true, false}) {
    const std::string message = error_message([&] { target->load_state_dict(state, strict); });
    EXPECT_NE(message.find("shape mismatch for fc.weight: [3, 3] given, [2, 3] in the module"), std::string::npos)
        << message;
    EXPECT_EQ(message.find("missing") != std::string::npos, strict) << message;
    EXPECT_TRUE(all_close(target->scale.data(), scale_before, 0, 0));  // scale fits, yet was not copied
  }
}

TEST(NNStateDict, StateDictFindsKeysAndRefusesDuplicates) {
  nn::StateDict state = {{"a", xg::zeros({1})}};
  EXPECT_TRUE(state.contains("a"));
  EXPECT_EQ(state.find("b"), nullptr);
  EXPECT_EQ(error_message([&] { state.insert("a", xg::ones({1})); }), "StateDict: 'a' is already there");
  EXPECT_EQ(error_message([&] { (void)state["b"]; }), "StateDict: no key 'b' (the keys are: a)");
}

TEST(NNStateDict, SaveAndLoadCarryTheBuffers) {
  xg::Generator generator(1);
  nn::MLP trained({4, 3, 2}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
  for (int step = 0; step < 3; ++step) trained(xg::randn({5, 4}, generator));  // running statistics move
  std::stringstream file;
  xg::save(trained, file);
  nn::MLP fresh({4, 3, 2}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
  xg::load(fresh, file);
  for (const auto& [name, tensor] : trained->state_dict()) {
    EXPECT_TRUE(all_close(fresh->state_dict()[name].data(), tensor.data(), 0, 0)) << name;
  }
  EXPECT_EQ(fresh->state_dict()["1.num_batches_tracked"].item(), 3.0f);
  trained->eval();
  fresh->eval();
  const xg::Tensor x = xg::randn({2, 4}, generator);
  EXPECT_TRUE(all_close(fresh(x).data(), trained(x).data(), 0, 0));
}

TEST(NNStateDict, AFileWithoutTheBuffersIsRefusedNamingThem) {
  xg::Generator generator(2);
  nn::MLP plain({4, 3, 2}, nn::Activation::ReLU, 0.0, generator);
  std::stringstream file;
  xg::save(plain, file);
  nn::MLP normed({4, 3, 2}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
  const std::string message = error_message([&] { xg::load(normed, file); });
  EXPECT_NE(message.find("missing from the file: 1.weight, 1.bias, 1.running_mean, 1.running_var, "
                         "1.num_batches_tracked"),
            std::string::npos)
      << message;
}

}  // namespace
