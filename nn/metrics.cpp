#include <xgrad/nn/metrics.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace xg::nn {

Labels argmax(const Tensor& scores) {
  check_class_scores("argmax", scores, "scores");
  const std::size_t rows = scores.shape()[0], classes = scores.shape()[1];
  if (classes == 0) throw Error("argmax: cannot pick a class among 0 columns in " + to_string(scores.shape()));
  Labels predicted(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const float* row = scores.data().data() + i * classes;
    predicted[i] = std::max_element(row, row + classes) - row;  // first maximum on ties
  }
  return predicted;
}

double accuracy(const Tensor& scores, const Labels& labels) {
  check_class_scores("accuracy", scores, "scores");
  check_labels("accuracy", labels, scores.shape());
  if (labels.empty()) throw Error("accuracy: expected at least one sample, got scores " + to_string(scores.shape()));
  const Labels predicted = argmax(scores);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) correct += predicted[i] == labels[i];
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

double accuracy(const Tensor& scores, const Tensor& labels) { return accuracy(scores, to_labels(labels, "accuracy")); }

ConfusionMatrix::ConfusionMatrix(std::size_t num_classes)
    : counts_(xt::zeros<std::int64_t>({num_classes, num_classes})) {
  if (num_classes == 0) throw Error("ConfusionMatrix: expected at least one class, got 0");
}

void ConfusionMatrix::update(const Tensor& scores, const Labels& labels) {
  check_class_scores("ConfusionMatrix", scores, "scores");
  if (scores.shape()[1] != num_classes()) {
    throw Error("ConfusionMatrix: expected scores with " + std::to_string(num_classes()) + " columns, got " +
                to_string(scores.shape()));
  }
  check_labels("ConfusionMatrix", labels, scores.shape());
  const Labels predicted = argmax(scores);
  for (std::size_t i = 0; i < labels.size(); ++i) counts_(labels[i], predicted[i]) += 1;
}

void ConfusionMatrix::reset() { counts_.fill(0); }

std::int64_t ConfusionMatrix::total() const {
  std::int64_t sum = 0;
  for (std::int64_t count : counts_) sum += count;
  return sum;
}

double ConfusionMatrix::accuracy() const {
  const std::int64_t all = total();
  if (all == 0) return 0.0;
  std::int64_t diagonal = 0;
  for (std::size_t c = 0; c < num_classes(); ++c) diagonal += counts_(c, c);
  return static_cast<double>(diagonal) / static_cast<double>(all);
}

xt::xarray<std::int64_t> confusion_matrix(const Tensor& scores, const Labels& labels) {
  check_class_scores("confusion_matrix", scores, "scores");
  ConfusionMatrix matrix(scores.shape()[1]);
  matrix.update(scores, labels);
  return matrix.counts();
}

std::ostream& operator<<(std::ostream& out, const ConfusionMatrix& matrix) {
  const std::size_t classes = matrix.num_classes();
  std::size_t width = 4;  // fits "true" and the column labels
  for (std::int64_t count : matrix.counts()) width = std::max(width, std::to_string(count).size());
  const int w = static_cast<int>(width);
  out << std::setw(w) << "true"
      << " |";
  for (std::size_t c = 0; c < classes; ++c) out << " " << std::setw(w) << c;
  out << "  <- predicted\n";
  for (std::size_t t = 0; t < classes; ++t) {
    out << std::setw(w) << t << " |";
    for (std::size_t c = 0; c < classes; ++c) out << " " << std::setw(w) << matrix.counts()(t, c);
    out << "\n";
  }
  return out;
}

namespace {

// Sums per output (column) over the N rows, in double: what every regression metric is made of.
struct OutputSums {
  std::size_t rows = 0;
  std::vector<double> squared_error, absolute_error, squared_deviation;  // deviation of y from its mean
};

OutputSums output_sums(const char* op, const Array& predictions, const Array& targets) {
  const Shape shape = shape_of(targets);
  if (shape_of(predictions) != shape) {
    throw Error(std::string(op) + ": expected predictions of the targets' shape " + to_string(shape) + ", got " +
                to_string(shape_of(predictions)));
  }
  if (shape.empty() || shape.size() > 2 || shape[0] == 0) {
    throw Error(std::string(op) + ": expected targets [N] or [N, K] with N >= 1, got " + to_string(shape));
  }
  OutputSums sums;
  sums.rows = shape[0];
  const std::size_t outputs = shape.size() == 2 ? shape[1] : 1;
  sums.squared_error.assign(outputs, 0.0);
  sums.absolute_error.assign(outputs, 0.0);
  sums.squared_deviation.assign(outputs, 0.0);
  std::vector<double> mean(outputs, 0.0);
  const float* p = predictions.data();
  const float* y = targets.data();
  for (std::size_t i = 0; i < targets.size(); ++i) mean[i % outputs] += y[i];
  for (double& m : mean) m /= static_cast<double>(sums.rows);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::size_t k = i % outputs;
    const double error = static_cast<double>(y[i]) - static_cast<double>(p[i]);
    const double deviation = static_cast<double>(y[i]) - mean[k];
    sums.squared_error[k] += error * error;
    sums.absolute_error[k] += std::abs(error);
    sums.squared_deviation[k] += deviation * deviation;
  }
  return sums;
}

// The mean over outputs of per_output(k).
template <class PerOutput>
double uniform_average(const OutputSums& sums, PerOutput per_output) {
  double total = 0.0;
  for (std::size_t k = 0; k < sums.squared_error.size(); ++k) total += per_output(k);
  return total / static_cast<double>(sums.squared_error.size());
}

}  // namespace

namespace {

// The uniform average over outputs of the mean error per output (its square root with `root`).
double mean_error(const char* op, const Array& predictions, const Array& targets,
                  std::vector<double> OutputSums::*error_sums, bool root) {
  const OutputSums sums = output_sums(op, predictions, targets);
  const std::vector<double>& errors = sums.*error_sums;
  const auto n = static_cast<double>(sums.rows);
  return uniform_average(sums, [&](std::size_t k) { return root ? std::sqrt(errors[k] / n) : errors[k] / n; });
}

}  // namespace

double mean_squared_error(const Array& predictions, const Array& targets) {
  return mean_error("mean_squared_error", predictions, targets, &OutputSums::squared_error, false);
}

double root_mean_squared_error(const Array& predictions, const Array& targets) {
  return mean_error("root_mean_squared_error", predictions, targets, &OutputSums::squared_error, true);
}

double mean_absolute_error(const Array& predictions, const Array& targets) {
  return mean_error("mean_absolute_error", predictions, targets, &OutputSums::absolute_error, false);
}

double r2_score(const Array& predictions, const Array& targets) {
  const OutputSums sums = output_sums("r2_score", predictions, targets);
  if (sums.rows < 2) return std::numeric_limits<double>::quiet_NaN();
  return uniform_average(sums, [&](std::size_t k) {
    if (sums.squared_deviation[k] == 0.0) return sums.squared_error[k] == 0.0 ? 1.0 : 0.0;
    return 1.0 - sums.squared_error[k] / sums.squared_deviation[k];
  });
}

namespace {

// A metric of the tensors' values. An undefined tensor is most likely the targets of a batch from a
// dataset that has none.
double on_tensors(const char* op, double (*metric)(const Array&, const Array&), const Tensor& predictions,
                  const Tensor& targets) {
  for (const auto& [tensor, what] : {std::pair{&predictions, "predictions"}, std::pair{&targets, "targets"}}) {
    if (!tensor->defined()) {
      throw Error(std::string(op) + ": the " + what +
                  " tensor is undefined (a Batch has targets only when its dataset has float targets)");
    }
  }
  return metric(predictions.data(), targets.data());
}

}  // namespace

double mean_squared_error(const Tensor& predictions, const Tensor& targets) {
  return on_tensors("mean_squared_error", mean_squared_error, predictions, targets);
}
double root_mean_squared_error(const Tensor& predictions, const Tensor& targets) {
  return on_tensors("root_mean_squared_error", root_mean_squared_error, predictions, targets);
}
double mean_absolute_error(const Tensor& predictions, const Tensor& targets) {
  return on_tensors("mean_absolute_error", mean_absolute_error, predictions, targets);
}
double r2_score(const Tensor& predictions, const Tensor& targets) {
  return on_tensors("r2_score", r2_score, predictions, targets);
}

}  // namespace xg::nn
