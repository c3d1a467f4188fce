#pragma once
// Classification metrics on class scores (logits or probabilities) [N, C] and labels [N]. The
// predicted class of a row is its largest score (the first one on ties, like torch.argmax).

#include <xgrad/nn/labels.hpp>

#include <xtensor/xarray.hpp>

#include <cstdint>
#include <iosfwd>

namespace xg::nn {

// The predicted class of each row of scores [N, C].
Labels argmax(const Tensor& scores);

// The fraction of rows whose predicted class is the label, in [0, 1].
double accuracy(const Tensor& scores, const Labels& labels);
double accuracy(const Tensor& scores, const Tensor& labels);

// Counts [C, C] of (true class, predicted class) pairs: row = true class, column = predicted.
// Accumulate over batches with update(), e.g. over a whole test set.
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(std::size_t num_classes);
  void update(const Tensor& scores, const Labels& labels);
  void reset();

  std::size_t num_classes() const { return counts_.shape()[0]; }
  const xt::xarray<std::int64_t>& counts() const { return counts_; }
  std::int64_t total() const;
  // The diagonal over the total (0 when nothing was counted yet).
  double accuracy() const;

 private:
  xt::xarray<std::int64_t> counts_;
};

// The confusion matrix of one batch: C is the number of columns of `scores`.
xt::xarray<std::int64_t> confusion_matrix(const Tensor& scores, const Labels& labels);

// A table with a header row of predicted classes and one row per true class.
std::ostream& operator<<(std::ostream& out, const ConfusionMatrix& matrix);

}  // namespace xg::nn
