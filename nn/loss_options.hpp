#pragma once
// Options of the losses, with libtorch's names and torch 1.13's defaults, declared with XG_ARG
// (core/options.hpp):
//   CrossEntropyLossOptions().label_smoothing(0.1).weight(class_weights)
//   HuberLossOptions(Reduction::Sum).delta(0.5)
// Each converts from a Reduction, so MSELoss(Reduction::Sum) works.
//
// A weight is a Tensor, and an undefined one (Tensor(), the default) means "no weight", as None does
// in PyTorch and an undefined tensor does in libtorch. (A std::optional<Tensor> would add a second
// kind of "none": an engaged optional holding an undefined tensor.)

#include <xgrad/core/options.hpp>
#include <xgrad/core/tensor.hpp>

#include <cstdint>

namespace xg::nn {

// How a loss combines its per-sample values: their mean (the default), their sum, or none (one
// value per sample, shape [N], or the input's shape for elementwise losses).
enum class Reduction { None, Mean, Sum };  // (loss.cpp names them in this order)

// KLDivLoss also knows 'batchmean': the sum divided by the batch size (the input's first dimension),
// which is the KL divergence's definition. Its 'mean' divides by every element, as torch 1.13 does.
enum class KLDivReduction { None, BatchMean, Sum, Mean };  // (loss.cpp names them in this order)

// MSELoss and L1Loss have a reduction only.
struct LossOptions {
  LossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit on purpose
  XG_ARG(Reduction, reduction, Reduction::Mean);
};
using MSELossOptions = LossOptions;
using L1LossOptions = LossOptions;

struct NLLLossOptions {
  NLLLossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit on purpose
  XG_ARG(Reduction, reduction, Reduction::Mean);
  // Samples with this label count for nothing, not even in the mean's denominator (PyTorch: -100).
  XG_ARG(std::int64_t, ignore_index, -100);
  // One weight per class, shape [C]: sample i's loss is multiplied by weight[y_i], and the mean
  // divides by the sum of those picked weights instead of the count.
  XG_ARG(Tensor, weight, {});
};

struct CrossEntropyLossOptions {
  CrossEntropyLossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit
  XG_ARG(Reduction, reduction, Reduction::Mean);
  XG_ARG(std::int64_t, ignore_index, -100);
  // In [0, 1]: the target becomes (1 - s) * onehot + s / C, as in PyTorch.
  XG_ARG(double, label_smoothing, 0.0);
  // One weight per class, shape [C], as NLLLossOptions::weight; the smoothing term weighs each class
  // by its own weight too (torch 1.13's formula, see cross_entropy.cpp).
  XG_ARG(Tensor, weight, {});
};

struct HuberLossOptions {
  HuberLossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit
  XG_ARG(Reduction, reduction, Reduction::Mean);
  // Where the loss turns from quadratic to linear; must be positive.
  XG_ARG(double, delta, 1.0);
};

struct SmoothL1LossOptions {
  SmoothL1LossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit
  XG_ARG(Reduction, reduction, Reduction::Mean);
  // Where the loss turns from quadratic to linear; must not be negative. 0 gives the L1 loss.
  XG_ARG(double, beta, 1.0);
};

// For BCELoss and BCEWithLogitsLoss, a weight multiplies each element's loss; its shape must end
// the input's shape ([K] for an input [N, K], or the input's whole shape): it repeats over the
// leading dimensions, as PyTorch's broadcasting does.
struct BCELossOptions {
  BCELossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit
  XG_ARG(Reduction, reduction, Reduction::Mean);
  XG_ARG(Tensor, weight, {});
};

struct BCEWithLogitsLossOptions {
  BCEWithLogitsLossOptions(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit
  XG_ARG(Reduction, reduction, Reduction::Mean);
  XG_ARG(Tensor, weight, {});
  // Multiplies the positive term t log sigmoid(x) only: pos_weight = negatives / positives of a
  // class balances an unbalanced one. Shape [K] (one per output column), repeated like weight.
  XG_ARG(Tensor, pos_weight, {});
};

struct KLDivLossOptions {
  KLDivLossOptions(KLDivReduction reduction = KLDivReduction::Mean) : reduction_(reduction) {}  // NOLINT: implicit
  // The plain reductions mean the same here, so KLDivLoss(Reduction::Sum) works like the others.
  KLDivLossOptions(Reduction reduction)  // NOLINT: implicit on purpose
      : reduction_(reduction == Reduction::None  ? KLDivReduction::None
                   : reduction == Reduction::Sum ? KLDivReduction::Sum
                                                 : KLDivReduction::Mean) {}
  XG_ARG(KLDivReduction, reduction, KLDivReduction::Mean);
  // False: the target holds probabilities; true: log-probabilities (safer for tiny ones).
  XG_ARG(bool, log_target, false);
};

}  // namespace xg::nn
