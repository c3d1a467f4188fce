#pragma once
// Exercise 13: Module, the base of every layer (README.md). Given: this header. You write the five
// bodies in course_module.cpp.

#include <xgrad/core/error.hpp>
#include <xgrad/core/tensor.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace course {

// A layer or a network of layers, as torch.nn.Module: it registers its parameters and its submodules
// in its constructor, and then finds every parameter of the whole tree by name.
//
//   struct Affine : course::Module {
//     xg::Tensor weight, bias;
//     Affine() {
//       weight = register_parameter("weight", xg::ones({3}));
//       bias = register_parameter("bias", xg::zeros({3}));
//     }
//     xg::Tensor forward(const xg::Tensor& x) override { return x * weight + bias; }
//   };
class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  // A module owns its registrations: a copy would silently share or duplicate its parameters.
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Given: the layer's computation; a module that has one overrides it.
  virtual xg::Tensor forward(const xg::Tensor& input) {
    throw xg::Error("course::Module: this module has no forward(" + xg::to_string(input.shape()) + ")");
  }

  // Adds `tensor` under `name` and makes it require grad; returns it (the same tensor: a handle).
  // The name must be new in this module (among parameters and submodules), not empty, without a dot;
  // the tensor must be a leaf. Otherwise xg::Error, naming the name. Yours.
  xg::Tensor register_parameter(const std::string& name, xg::Tensor tensor);

  // Adds a submodule under `name` (the same rules for the name). Yours.
  void register_child(const std::string& name, std::shared_ptr<Module> module);

  // Given: register_child, returning the module with its own type, so that a member can keep it:
  //   fc1 = register_module("fc1", std::make_shared<Affine>());
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    register_child(name, module);
    return module;
  }

  // Every parameter of this module and of all modules below it, with dotted names ("fc1.weight"):
  // depth first, a module's own parameters (in registration order) before its submodules' (in
  // registration order), a tensor reached twice listed once under its first name. Yours.
  std::vector<std::pair<std::string, xg::Tensor>> named_parameters() const;

  // Given: the tensors of named_parameters(), in its order (what an optimizer takes).
  std::vector<xg::Tensor> parameters() const {
    std::vector<xg::Tensor> tensors;
    for (const auto& entry : named_parameters()) tensors.push_back(entry.second);
    return tensors;
  }

  // PyTorch 1.13's zero_grad: every parameter's gradient filled with zeros (a parameter without one
  // keeps none), or with set_to_none every gradient dropped. Yours.
  void zero_grad(bool set_to_none = false);

  // Training mode (on) or evaluation mode (off) for this module and every module below it. Yours.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

 protected:
  // What a module holds: its own parameters and its direct submodules, each in registration order.
  std::vector<std::pair<std::string, xg::Tensor>> parameters_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

}  // namespace course
