#pragma once
// Activation layers: each applies its xg op (autograd/activation.cpp, autograd/softmax.cpp) to the
// whole input. Identity passes its input through (a placeholder, e.g. for an optional layer).

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

// alpha (e^x - 1) for x <= 0, else x.
class ELUImpl : public Module {
 public:
  explicit ELUImpl(double alpha = 1.0) : alpha(alpha) {}
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;
  double alpha;
};

// x sigmoid(x).
class SiLUImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
};

// log(1 + e^(beta x)) / beta, linear (x itself) where beta x > threshold.
class SoftplusImpl : public Module {
 public:
  explicit SoftplusImpl(double beta = 1.0, double threshold = 20.0) : beta(beta), threshold(threshold) {}
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;
  double beta;
  double threshold;
};

// softmax or log_softmax along `dim` (negative counts from the end). As in libtorch the dimension is
// required: PyTorch's implicit choice is deprecated.
class SoftmaxImpl : public Module {
 public:
  explicit SoftmaxImpl(long dim) : dim(dim) {}
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;
  long dim;
};

class LogSoftmaxImpl : public Module {
 public:
  explicit LogSoftmaxImpl(long dim) : dim(dim) {}
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;
  long dim;
};

// Returns its input itself: no node is recorded.
class IdentityImpl : public Module {
 public:
  Tensor forward(const Tensor& input) override;
};

XG_MODULE(ReLU);
XG_MODULE(LeakyReLU);
XG_MODULE(Tanh);
XG_MODULE(Sigmoid);
XG_MODULE(GELU);

XG_MODULE(ELU);
XG_MODULE(SiLU);
XG_MODULE(Softplus);
XG_MODULE(Softmax);
XG_MODULE(LogSoftmax);
XG_MODULE(Identity);

}  // namespace xg::nn
