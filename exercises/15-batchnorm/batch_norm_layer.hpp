#pragma once
// Exercise 15: BatchNorm1d (README.md). Given: this header. You write batch_norm_train(),
// batch_norm_eval() and batch_norm_backward() in batch_norm_layer.cpp; batch_norm_op.hpp wraps them
// into a layer whose forward records a graph node.

#include <xgrad/core/factories.hpp>
#include <xgrad/core/tensor.hpp>

#include <cstddef>
#include <vector>

namespace course {

// What the forward keeps for the backward: each feature's mean and 1 / sqrt(var + eps), as used.
struct BatchNormForward {
  xg::Array output;           // [N, C]
  std::vector<float> mean;    // [C]
  std::vector<float> invstd;  // [C]
};

// Training mode on x [N, C] (N > 1): each feature normalized with the batch's mean and biased
// variance, then y = xhat * weight + bias; the running statistics updated in place with `momentum`
// (the running variance with the unbiased variance). Yours.
BatchNormForward batch_norm_train(const xg::Array& x, const xg::Array& weight, const xg::Array& bias,
                                  xg::Array& running_mean, xg::Array& running_var, double momentum, double eps);

// Evaluation mode: the same with the running statistics in place of the batch's (any N). Yours.
BatchNormForward batch_norm_eval(const xg::Array& x, const xg::Array& weight, const xg::Array& bias,
                                 const xg::Array& running_mean, const xg::Array& running_var, double eps);

struct BatchNormGradients {
  xg::Array x;       // dL/dx [N, C]
  xg::Array weight;  // dL/dweight [C]
  xg::Array bias;    // dL/dbias [C]
};

// The backward from grad = dL/dy [N, C]. In training the mean and variance were computed from x, so
// x's gradient flows through them too; in evaluation they were constants. Yours.
BatchNormGradients batch_norm_backward(const xg::Array& grad, const xg::Array& x, const xg::Array& weight,
                                       const BatchNormForward& saved, bool training);

// Given: torch.nn.BatchNorm1d(num_features) on [N, C], with its parameters and buffers, its defaults
// (momentum 0.1, eps 1e-5) and a training flag. forward() is in batch_norm_op.hpp.
struct BatchNormLayer {
  explicit BatchNormLayer(std::size_t num_features, double momentum = 0.1, double eps = 1e-5)
      : weight(xg::ones({num_features}, /*requires_grad=*/true)),
        bias(xg::zeros({num_features}, /*requires_grad=*/true)),
        running_mean(xg::zeros({num_features})),
        running_var(xg::ones({num_features})),
        momentum(momentum),
        eps(eps) {}

  xg::Tensor forward(const xg::Tensor& x);

  xg::Tensor weight, bias;               // the parameters: ones and zeros to start
  xg::Tensor running_mean, running_var;  // the buffers: zeros and ones to start
  double momentum, eps;
  bool training = true;
};

}  // namespace course
