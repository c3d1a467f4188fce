#pragma once
// Loss modules (libtorch's torch::nn::CrossEntropyLoss and friends). Each holds its options and calls
// its fused op in functional.hpp:
//
//   xg::nn::CrossEntropyLoss loss_fn;                                  // mean over the batch
//   xg::nn::CrossEntropyLoss smooth(xg::nn::CrossEntropyLossOptions().label_smoothing(0.1));
//   xg::nn::MSELoss sum_of_squares(xg::nn::Reduction::Sum);
//   xg::Tensor loss = loss_fn(logits, labels);                         // logits [N, C], labels [N]
//
// Regression losses (MSELoss, L1Loss, HuberLoss, SmoothL1Loss) take a float target of the input's
// shape, [N] or [N, K]; BCELoss takes probabilities, BCEWithLogitsLoss logits, KLDivLoss
// log-probabilities, each against a target of the input's shape.
//
// Class labels are xg::Labels (std::vector<std::int64_t>), or a float tensor of whole class
// indices. Wrong counts and out-of-range labels throw xg::Error naming the label and its position.

#include <xgrad/nn/functional.hpp>
#include <xgrad/nn/module.hpp>

#include <utility>

namespace xg::nn {

class CrossEntropyLossImpl : public Module {
 public:
  explicit CrossEntropyLossImpl(CrossEntropyLossOptions options = {}) : options(std::move(options)) {}
  Tensor forward(const Tensor& logits, const Labels& labels);
  Tensor forward(const Tensor& logits, const Tensor& labels);
  void pretty_print(std::ostream& out) const override;
  CrossEntropyLossOptions options;
};

class NLLLossImpl : public Module {
 public:
  explicit NLLLossImpl(NLLLossOptions options = {}) : options(std::move(options)) {}
  Tensor forward(const Tensor& log_probs, const Labels& labels);
  Tensor forward(const Tensor& log_probs, const Tensor& labels);
  void pretty_print(std::ostream& out) const override;
  NLLLossOptions options;
};

class MSELossImpl : public Module {
 public:
  explicit MSELossImpl(MSELossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& out) const override;
  MSELossOptions options;
};

class L1LossImpl : public Module {
 public:
  explicit L1LossImpl(L1LossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& out) const override;
  L1LossOptions options;
};

// 0.5 d^2 for |d| < delta, else delta (|d| - 0.5 delta), d = input - target.
class HuberLossImpl : public Module {
 public:
  explicit HuberLossImpl(HuberLossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& out) const override;
  HuberLossOptions options;
};

// HuberLoss / beta: 0.5 d^2 / beta for |d| < beta, else |d| - 0.5 beta.
class SmoothL1LossImpl : public Module {
 public:
  explicit SmoothL1LossImpl(SmoothL1LossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& out) const override;
  SmoothL1LossOptions options;
};

// Binary cross entropy of probabilities (e.g. a Sigmoid's output) in [0, 1]; BCEWithLogitsLoss
// is the stabler choice when the logits are at hand.
class BCELossImpl : public Module {
 public:
  explicit BCELossImpl(BCELossOptions options = {}) : options(std::move(options)) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& out) const override;
  BCELossOptions options;
};

// Kullback-Leibler divergence of the target distribution from the input's; the input holds
// log-probabilities (e.g. a LogSoftmax's output).
class KLDivLossImpl : public Module {
 public:
  explicit KLDivLossImpl(KLDivLossOptions options = {}) : options(options) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& out) const override;
  KLDivLossOptions options;
};

// Binary classification on logits; targets are probabilities in [0, 1] of the input's shape.
class BCEWithLogitsLossImpl : public Module {
 public:
  explicit BCEWithLogitsLossImpl(BCEWithLogitsLossOptions options = {}) : options(std::move(options)) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  void pretty_print(std::ostream& out) const override;
  BCEWithLogitsLossOptions options;
};

XG_MODULE(CrossEntropyLoss);
XG_MODULE(NLLLoss);
XG_MODULE(MSELoss);
XG_MODULE(L1Loss);
XG_MODULE(BCEWithLogitsLoss);

XG_MODULE(HuberLoss);
XG_MODULE(SmoothL1Loss);
XG_MODULE(BCELoss);
XG_MODULE(KLDivLoss);

}  // namespace xg::nn
