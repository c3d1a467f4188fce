#pragma once
// xg::nn::functional: the fused differentiable ops behind the layers and losses, as free functions
// (libtorch's torch::nn::functional). Each is one graph node whose backward sits beside its forward:
//   linear, dropout                       functional.cpp
//   cross_entropy, nll_loss               cross_entropy.cpp
//   mse_loss, l1_loss, huber_loss, smooth_l1_loss, binary_cross_entropy(_with_logits), kl_div
//                                         elementwise_loss.cpp
//   batch_norm, layer_norm                normalization_ops.cpp
// and, for symmetry with torch.nn.functional, the activations of autograd/ops.hpp that take settings
// (softmax, log_softmax, elu, silu, softplus) under the same names, in activation.cpp.

#include <xgrad/core/generator.hpp>
#include <xgrad/core/tensor.hpp>
#include <xgrad/nn/labels.hpp>
#include <xgrad/nn/loss_options.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace xg::nn::functional {

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

// Elementwise losses; input and target have one shape ([N], [N, K], ...), the target being floats.
//   mse: (x - t)^2            l1: |x - t|
//   huber (delta d):          0.5 (x - t)^2 where |x - t| < d, else d (|x - t| - 0.5 d)
//   smooth_l1 (beta b):       0.5 (x - t)^2 / b where |x - t| < b, else |x - t| - 0.5 b (b = 0: l1)
//   binary_cross_entropy:     -(t log x + (1 - t) log(1 - x)), x probabilities, each log clamped
//                             to >= -100 as in PyTorch (so x = 0 or 1 gives 100, not inf)
//   bce with logits:          -(p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), p the pos_weight,
//                             in PyTorch's overflow-free form
//   kl_div:                   t (log t - x), x log-probabilities; t log-probabilities too with
//                             log_target: e^t (t - x)
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossOptions& options = {});
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossOptions& options = {});
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BCELossOptions& options = {});
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BCEWithLogitsLossOptions& options = {});
Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivLossOptions& options = {});

// Batch normalization of [N, C] or [N, C, L] per channel (torch.nn.functional.batch_norm). With
// `training`, or without running statistics (both undefined), it normalizes with the batch's mean and
// biased variance; with `training` it also updates the running buffers in place:
//   running = (1 - momentum) * running + momentum * batch statistic (the unbiased variance),
// and needs more than one value per channel. Otherwise it normalizes with the running buffers.
// weight and bias ([C]) may both be undefined (no affine map).
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool training = false,
                  double momentum = 0.1, double eps = 1e-5);

// When one batch is split across processes (SyncBatchNorm in distributed/), batch_norm's per-channel
// statistics must become the whole batch's. It hands them to this interface, which exchanges them
// between the processes and returns identical numbers on every one. nn knows nothing of how.
class BatchSums {
 public:
  virtual ~BatchSums() = default;
  // The forward's statistics, gathered (torch's SyncBatchNorm allgathers too): every process's
  // `local` (the same length on each) one after the other in process order. batch_norm merges them
  // exactly (Chan et al.), so the forward needs one exchange, not one for the mean and one more for
  // the squared deviations from it.
  virtual std::vector<double> gather(const std::vector<double>& local) = 0;
  // The backward's sums of g and g * xhat over this process's `count` values per channel. Each process's
  // g is the gradient of the mean loss over its own share, so the result must be sum_r n_r S_r / n_here
  // (the global batch's gradient, whatever the split; with equal shares the plain sum, as torch's).
  virtual void backward(std::vector<double>& sums, std::size_t count) = 0;
};

// batch_norm with statistics over the whole split batch: `across` sums them (training only; in
// evaluation the running buffers are used and nothing is exchanged).
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps,
                  const std::shared_ptr<BatchSums>& across);

// Layer normalization (torch.nn.functional.layer_norm): each input's trailing `normalized_shape`
// elements are normalized by their own mean and biased variance, then scaled by weight and shifted
// by bias (both of shape normalized_shape, or both undefined).
Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight = Tensor(),
                  const Tensor& bias = Tensor(), double eps = 1e-5);

// Activations with settings (the ops and their backward live in autograd/).
Tensor softmax(const Tensor& input, long dim);
Tensor log_softmax(const Tensor& input, long dim);
// alpha (e^x - 1) for x <= 0, else x.
Tensor elu(const Tensor& input, double alpha = 1.0);
// x sigmoid(x), also called swish.
Tensor silu(const Tensor& input);
// log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (where the two agree in float).
Tensor softplus(const Tensor& input, double beta = 1.0, double threshold = 20.0);

}  // namespace xg::nn::functional
