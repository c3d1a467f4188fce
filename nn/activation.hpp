#pragma once
// Activation layers: each applies its xg op (autograd/activation.cpp) to the whole input.

#include <xgrad/nn/module.hpp>

namespace xg::nn {

class ReLUImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
};

class LeakyReLUImpl : public Module {
 public:
  explicit LeakyReLUImpl(double negative_slope = 0.01) : negative_slope(negative_slope) {}
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;
  double negative_slope;
};

class TanhImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
};

class SigmoidImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
};

// The exact GELU, x * Phi(x) (PyTorch's default approximate='none').
class GELUImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
};

class ReLU : public ModuleHolder<ReLUImpl> {
 public:
  using ModuleHolder::ModuleHolder;
};
class LeakyReLU : public ModuleHolder<LeakyReLUImpl> {
 public:
  using ModuleHolder::ModuleHolder;
};
class Tanh : public ModuleHolder<TanhImpl> {
 public:
  using ModuleHolder::ModuleHolder;
};
class Sigmoid : public ModuleHolder<SigmoidImpl> {
 public:
  using ModuleHolder::ModuleHolder;
};
class GELU : public ModuleHolder<GELUImpl> {
 public:
  using ModuleHolder::ModuleHolder;
};

}  // namespace xg::nn
