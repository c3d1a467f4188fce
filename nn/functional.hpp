#pragma once
// xg::nn::functional: the fused differentiable ops behind the layers and losses, as free functions
// (libtorch's torch::nn::functional). Each is one graph node whose backward sits beside its forward:
//   linear, dropout                       functional.cpp
//   cross_entropy, nll_loss               cross_entropy.cpp
//   mse_loss, l1_loss, bce_with_logits    elementwise_loss.cpp
//   batch_norm, layer_norm                normalization_ops.cpp

#include <xgrad/core/generator.hpp>
#include <xgrad/core/tensor.hpp>
#include <xgrad/nn/labels.hpp>

#include <cstdint>

namespace xg::nn {

// How a loss combines its per-sample values: their mean (the default), their sum, or none (one
// value per sample, shape [N], or the input's shape for elementwise losses).
enum class Reduction { None, Mean, Sum };

// Options of the losses, with libtorch's builder style: CrossEntropyLossOptions().label_smoothing(0.1).
// Each converts from a Reduction, so MSELoss(Reduction::Sum) works.
class LossOptions {
 public:
  LossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit on purpose
  LossOptions& reduction(Reduction reduction) {
    reduction_ = reduction;
    return *this;
  }
  Reduction reduction() const { return reduction_; }

 private:
  Reduction reduction_;
};
using MSELossOptions = LossOptions;
using L1LossOptions = LossOptions;
using BCEWithLogitsLossOptions = LossOptions;

class NLLLossOptions {
 public:
  NLLLossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit on purpose
  NLLLossOptions& reduction(Reduction reduction) {
    reduction_ = reduction;
    return *this;
  }
  // Samples with this label count for nothing, not even in the mean's denominator (PyTorch: -100).
  NLLLossOptions& ignore_index(std::int64_t index) {
    ignore_index_ = index;
    return *this;
  }
  Reduction reduction() const { return reduction_; }
  std::int64_t ignore_index() const { return ignore_index_; }

 private:
  Reduction reduction_;
  std::int64_t ignore_index_ = -100;
};

class CrossEntropyLossOptions {
 public:
  CrossEntropyLossOptions(Reduction reduction = Reduction::Mean)  // NOLINT: implicit on purpose
      : reduction_(reduction) {}
  CrossEntropyLossOptions& reduction(Reduction reduction) {
    reduction_ = reduction;
    return *this;
  }
  CrossEntropyLossOptions& ignore_index(std::int64_t index) {
    ignore_index_ = index;
    return *this;
  }
  // In [0, 1]: the target becomes (1 - s) * onehot + s / C, as in PyTorch.
  CrossEntropyLossOptions& label_smoothing(double smoothing) {
    label_smoothing_ = smoothing;
    return *this;
  }
  Reduction reduction() const { return reduction_; }
  std::int64_t ignore_index() const { return ignore_index_; }
  double label_smoothing() const { return label_smoothing_; }

 private:
  Reduction reduction_;
  std::int64_t ignore_index_ = -100;
  double label_smoothing_ = 0.0;
};

namespace functional {

// y = x W^T + b, with W stored [out, in] as in PyTorch; x is [..., in], y is [..., out]. Runs on two
// or three sgemm calls with transpose flags (nothing is copied). `bias` may be undefined (Tensor()).
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor());

// Inverted dropout: in training, zeroes each element with probability p and scales the survivors by
// 1 / (1 - p); otherwise returns the input unchanged. p must lie in [0, 1].
Tensor dropout(const Tensor& input, double p = 0.5, bool training = true, Generator& generator = default_generator());

// Cross entropy of logits [N, C] against class labels [N]: log_softmax and the negative log
// likelihood fused into one stable op whose gradient is (softmax - target) per sample.
Tensor cross_entropy(const Tensor& logits, const Labels& labels, const CrossEntropyLossOptions& options = {});
// Negative log likelihood of log-probabilities [N, C] (e.g. log_softmax's output) at the labels.
Tensor nll_loss(const Tensor& log_probs, const Labels& labels, const NLLLossOptions& options = {});

// Elementwise losses; input and target have one shape. mse: (x - t)^2; l1: |x - t|; bce with logits:
// -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))) in PyTorch's overflow-free form.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        Reduction reduction = Reduction::Mean);

// Batch normalization of [N, C] or [N, C, L] per channel (torch.nn.functional.batch_norm). With
// `training`, or without running statistics (both undefined), it normalizes with the batch's mean and
// biased variance; with `training` it also updates the running buffers in place:
//   running = (1 - momentum) * running + momentum * batch statistic (the unbiased variance),
// and needs more than one value per channel. Otherwise it normalizes with the running buffers.
// weight and bias ([C]) may both be undefined (no affine map).
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool training = false,
                  double momentum = 0.1, double eps = 1e-5);

// Layer normalization (torch.nn.functional.layer_norm): each input's trailing `normalized_shape`
// elements are normalized by their own mean and biased variance, then scaled by weight and shifted
// by bias (both of shape normalized_shape, or both undefined).
Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

}  // namespace functional

}  // namespace xg::nn
