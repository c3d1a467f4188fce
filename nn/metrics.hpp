#pragma once
// Classification metrics on class scores (logits or probabilities) [N, C] and labels [N]. The
// predicted class of a row is its largest score (the first one on ties, like torch.argmax).
// Regression metrics (at the end) on predictions and float targets of one shape.

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

// Regression metrics, scikit-learn's definitions (sklearn.metrics), computed in double. Predictions and
// targets have one shape, [N] or [N, K], N >= 1. With K outputs each metric is computed per output
// (column) and the K values averaged with equal weights, sklearn's default multioutput="uniform_average":
// for RMSE that is the mean of the K per-output RMSEs, not the RMSE of all N * K errors.
//   MSE  = mean (y - p)^2          RMSE = sqrt(MSE)          MAE = mean |y - p|
//   R^2  = 1 - sum (y - p)^2 / sum (y - mean y)^2
// R^2 is 1 for a perfect fit and 0 for always predicting the mean. An output whose targets are all
// equal has R^2 1 if it is predicted exactly and 0 otherwise (sklearn's force_finite); with N = 1, R^2
// is NaN, as sklearn's.
double mean_squared_error(const Array& predictions, const Array& targets);
double root_mean_squared_error(const Array& predictions, const Array& targets);
double mean_absolute_error(const Array& predictions, const Array& targets);
double r2_score(const Array& predictions, const Array& targets);
double mean_squared_error(const Tensor& predictions, const Tensor& targets);
double root_mean_squared_error(const Tensor& predictions, const Tensor& targets);
double mean_absolute_error(const Tensor& predictions, const Tensor& targets);
double r2_score(const Tensor& predictions, const Tensor& targets);

}  // namespace xg::nn
