#include <xgrad/nn/metrics.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <string>

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

}  // namespace xg::nn
