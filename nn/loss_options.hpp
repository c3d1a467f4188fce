#pragma once
// Options of the losses, with libtorch's builder style and torch 1.13's defaults:
//   CrossEntropyLossOptions().label_smoothing(0.1).weight(class_weights)
//   HuberLossOptions(Reduction::Sum).delta(0.5)
// Each converts from a Reduction, so MSELoss(Reduction::Sum) works. A weight left undefined
// (Tensor()) means "no weight", as None does in PyTorch.

#include <xgrad/core/tensor.hpp>

#include <cstdint>

namespace xg::nn {

// How a loss combines its per-sample values: their mean (the default), their sum, or none (one
// value per sample, shape [N], or the input's shape for elementwise losses).
enum class Reduction { None, Mean, Sum };

// KLDivLoss also knows 'batchmean': the sum divided by the batch size (the input's first dimension),
// which is the KL divergence's definition. Its 'mean' divides by every element, as torch 1.13 does.
enum class KLDivReduction { None, BatchMean, Sum, Mean };

namespace detail {

// The reduction setter every options class shares; Derived is the options class itself, so that
// the builder chain keeps its type.
template <class Derived, class ReductionType = Reduction>
class WithReduction {
 public:
  explicit WithReduction(ReductionType reduction) : reduction_(reduction) {}
  Derived& reduction(ReductionType reduction) {
    reduction_ = reduction;
    return static_cast<Derived&>(*this);
  }
  ReductionType reduction() const { return reduction_; }

 private:
  ReductionType reduction_;
};

}  // namespace detail

class LossOptions : public detail::WithReduction<LossOptions> {
 public:
  LossOptions(Reduction reduction = Reduction::Mean) : WithReduction(reduction) {}  // NOLINT: implicit on purpose
};
using MSELossOptions = LossOptions;
using L1LossOptions = LossOptions;

class NLLLossOptions : public detail::WithReduction<NLLLossOptions> {
 public:
  NLLLossOptions(Reduction reduction = Reduction::Mean) : WithReduction(reduction) {}  // NOLINT: implicit on purpose
  // Samples with this label count for nothing, not even in the mean's denominator (PyTorch: -100).
  NLLLossOptions& ignore_index(std::int64_t index) {
    ignore_index_ = index;
    return *this;
  }
  // One weight per class, shape [C]: sample i's loss is multiplied by weight[y_i], and the mean
  // divides by the sum of those picked weights instead of the count.
  NLLLossOptions& weight(Tensor weight) {
    weight_ = std::move(weight);
    return *this;
  }
  std::int64_t ignore_index() const { return ignore_index_; }
  const Tensor& weight() const { return weight_; }

 private:
  std::int64_t ignore_index_ = -100;
  Tensor weight_;
};

class CrossEntropyLossOptions : public detail::WithReduction<CrossEntropyLossOptions> {
 public:
  CrossEntropyLossOptions(Reduction reduction = Reduction::Mean)  // NOLINT: implicit on purpose
      : WithReduction(reduction) {}
  CrossEntropyLossOptions& ignore_index(std::int64_t index) {
    ignore_index_ = index;
    return *this;
  }
  // In [0, 1]: the target becomes (1 - s) * onehot + s / C, as in PyTorch.
  CrossEntropyLossOptions& label_smoothing(double smoothing) {
    label_smoothing_ = smoothing;
    return *this;
  }
  // One weight per class, shape [C], as NLLLossOptions::weight; the smoothing term weighs each class
  // by its own weight too (torch 1.13's formula, see cross_entropy.cpp).
  CrossEntropyLossOptions& weight(Tensor weight) {
    weight_ = std::move(weight);
    return *this;
  }
  std::int64_t ignore_index() const { return ignore_index_; }
  double label_smoothing() const { return label_smoothing_; }
  const Tensor& weight() const { return weight_; }

 private:
  std::int64_t ignore_index_ = -100;
  double label_smoothing_ = 0.0;
  Tensor weight_;
};

class HuberLossOptions : public detail::WithReduction<HuberLossOptions> {
 public:
  HuberLossOptions(Reduction reduction = Reduction::Mean) : WithReduction(reduction) {}  // NOLINT: implicit
  // Where the loss turns from quadratic to linear; must be positive.
  HuberLossOptions& delta(double delta) {
    delta_ = delta;
    return *this;
  }
  double delta() const { return delta_; }

 private:
  double delta_ = 1.0;
};

class SmoothL1LossOptions : public detail::WithReduction<SmoothL1LossOptions> {
 public:
  SmoothL1LossOptions(Reduction reduction = Reduction::Mean) : WithReduction(reduction) {}  // NOLINT: implicit
  // Where the loss turns from quadratic to linear; must not be negative. 0 gives the L1 loss.
  SmoothL1LossOptions& beta(double beta) {
    beta_ = beta;
    return *this;
  }
  double beta() const { return beta_; }

 private:
  double beta_ = 1.0;
};

// For BCELoss and BCEWithLogitsLoss, a weight multiplies each element's loss; its shape must end
// the input's shape ([K] for an input [N, K], or the input's whole shape): it repeats over the
// leading dimensions, as PyTorch's broadcasting does.
class BCELossOptions : public detail::WithReduction<BCELossOptions> {
 public:
  BCELossOptions(Reduction reduction = Reduction::Mean) : WithReduction(reduction) {}  // NOLINT: implicit
  BCELossOptions& weight(Tensor weight) {
    weight_ = std::move(weight);
    return *this;
  }
  const Tensor& weight() const { return weight_; }

 private:
  Tensor weight_;
};

class BCEWithLogitsLossOptions : public detail::WithReduction<BCEWithLogitsLossOptions> {
 public:
  BCEWithLogitsLossOptions(Reduction reduction = Reduction::Mean) : WithReduction(reduction) {}  // NOLINT: implicit
  BCEWithLogitsLossOptions& weight(Tensor weight) {
    weight_ = std::move(weight);
    return *this;
  }
  // Multiplies the positive term t log sigmoid(x) only: pos_weight = negatives / positives of a
  // class balances an unbalanced one. Shape [K] (one per output column), repeated like weight.
  BCEWithLogitsLossOptions& pos_weight(Tensor pos_weight) {
    pos_weight_ = std::move(pos_weight);
    return *this;
  }
  const Tensor& weight() const { return weight_; }
  const Tensor& pos_weight() const { return pos_weight_; }

 private:
  Tensor weight_;
  Tensor pos_weight_;
};

class KLDivLossOptions : public detail::WithReduction<KLDivLossOptions, KLDivReduction> {
 public:
  KLDivLossOptions(KLDivReduction reduction = KLDivReduction::Mean)  // NOLINT: implicit on purpose
      : WithReduction(reduction) {}
  KLDivLossOptions(Reduction reduction)  // NOLINT: implicit on purpose
      : WithReduction(reduction == Reduction::None  ? KLDivReduction::None
                      : reduction == Reduction::Sum ? KLDivReduction::Sum
                                                    : KLDivReduction::Mean) {}
  // False: the target holds probabilities; true: log-probabilities (safer for tiny ones).
  KLDivLossOptions& log_target(bool log_target) {
    log_target_ = log_target;
    return *this;
  }
  bool log_target() const { return log_target_; }

 private:
  bool log_target_ = false;
};

}  // namespace xg::nn
