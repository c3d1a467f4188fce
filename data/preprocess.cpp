#include <xgrad/data/preprocess.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/data/dataloader.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xg::data {

namespace {

Shape example_shape_of(const Array& inputs) {
  const Shape shape = shape_of(inputs);
  return Shape(shape.begin() + 1, shape.end());
}

}  // namespace

void scale_to_unit_(Array& values, float max_value) {
  if (!(max_value > 0.0f)) {
    throw Error("scale_to_unit_: expected max_value > 0, got " + format_number(max_value));
  }
  // Divide rather than multiply by 1 / max_value: x / 255 is what PyTorch computes, to the last bit.
  float* data = values.data();
  for (std::size_t i = 0, n = values.size(); i < n; ++i) data[i] = data[i] / max_value;
}

void scale_to_unit_(TensorDataset& dataset, float max_value) { scale_to_unit_(dataset.mutable_inputs(), max_value); }

FeatureMoments FeatureMoments::of(const Array& inputs) {
  if (inputs.dimension() == 0 || inputs.shape(0) == 0) {
    throw Error("Standardizer::fit: expected inputs [N, ...] with N >= 1 examples, got shape " +
                to_string(shape_of(inputs)));
  }
  const std::size_t rows = inputs.shape(0);
  const std::size_t features = inputs.size() / rows;
  const float* x = inputs.data();
  FeatureMoments moments;
  moments.count = static_cast<std::int64_t>(rows);
  moments.example_shape = example_shape_of(inputs);
  // Two passes in double: the mean, then the squared deviations from it (no catastrophic cancellation).
  moments.mean.assign(features, 0.0);
  moments.squared_deviations.assign(features, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t f = 0; f < features; ++f) moments.mean[f] += x[r * features + f];
  }
  for (double& m : moments.mean) m /= static_cast<double>(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t f = 0; f < features; ++f) {
      const double deviation = x[r * features + f] - moments.mean[f];
      moments.squared_deviations[f] += deviation * deviation;
    }
  }
  return moments;
}

FeatureMoments& FeatureMoments::merge(const FeatureMoments& other) {
  if (other.count == 0) return *this;
  if (count == 0) return *this = other;
  if (other.example_shape != example_shape) {
    throw Error("FeatureMoments::merge: the example shapes differ: " + to_string(example_shape) + " and " +
                to_string(other.example_shape));
  }
  const double n_a = static_cast<double>(count);
  const double n_b = static_cast<double>(other.count);
  const double n = n_a + n_b;
  for (std::size_t f = 0; f < mean.size(); ++f) {
    const double delta = other.mean[f] - mean[f];
    mean[f] += delta * (n_b / n);
    squared_deviations[f] += other.squared_deviations[f] + delta * delta * (n_a * n_b / n);
  }
  count += other.count;
  return *this;
}

Standardizer& Standardizer::fit(const FeatureMoments& moments) {
  if (moments.count < 1 || moments.mean.size() != moments.squared_deviations.size() ||
      moments.mean.size() != numel_of(moments.example_shape)) {
    throw Error(
        "Standardizer::fit: expected moments of N >= 1 examples with one mean and one sum of squares "
        "per feature, got N = " +
        std::to_string(moments.count));
  }
  Array new_mean = Array::from_shape(moments.example_shape);
  Array new_stddev = Array::from_shape(moments.example_shape);
  for (std::size_t f = 0; f < moments.mean.size(); ++f) {
    const double stddev = std::sqrt(moments.squared_deviations[f] / static_cast<double>(moments.count));
    new_mean.data()[f] = static_cast<float>(moments.mean[f]);
    new_stddev.data()[f] = stddev == 0.0 ? 1.0f : static_cast<float>(stddev);
  }
  mean_ = std::move(new_mean);
  stddev_ = std::move(new_stddev);
  fitted_ = true;
  return *this;
}

Standardizer& Standardizer::fit(const Array& inputs) { return fit(FeatureMoments::of(inputs)); }

Standardizer& Standardizer::set_statistics(Array mean, Array stddev) {
  if (shape_of(mean) != shape_of(stddev)) {
    throw Error("Standardizer::set_statistics: mean " + to_string(shape_of(mean)) + " and stddev " +
                to_string(shape_of(stddev)) + " differ in shape");
  }
  for (std::size_t f = 0; f < stddev.size(); ++f) {
    if (!std::isfinite(mean.data()[f]) || !std::isfinite(stddev.data()[f]) || !(stddev.data()[f] > 0.0f)) {
      throw Error("Standardizer::set_statistics: feature " + std::to_string(f) +
                  " needs a finite mean and a finite stddev > 0, got mean " + format_number(mean.data()[f]) +
                  " and stddev " + format_number(stddev.data()[f]));
    }
  }
  mean_ = std::move(mean);
  stddev_ = std::move(stddev);
  fitted_ = true;
  return *this;
}

Standardizer& Standardizer::fit(const TensorDataset& dataset) { return fit(dataset.inputs()); }

void Standardizer::check_fitted(const char* op) const {
  if (!fitted_) throw Error(std::string(op) + ": the Standardizer is not fitted yet (call fit on the training data)");
}

void Standardizer::check_shape(const char* op, const Array& inputs) const {
  check_fitted(op);
  if (inputs.dimension() == 0 || example_shape_of(inputs) != shape_of(mean_)) {
    Shape expected{0};
    for (std::size_t size : shape_of(mean_)) expected.push_back(size);
    std::string expected_text = to_string(expected);
    expected_text.replace(1, 1, "N");
    throw Error(std::string(op) + ": expected inputs of shape " + expected_text + " (as fitted), got " +
                to_string(shape_of(inputs)));
  }
}

void Standardizer::apply_(const char* op, Array& values, bool inverse) const {
  check_shape(op, values);
  const std::size_t features = mean_.size();
  const std::size_t rows = values.shape(0);
  const float* mean = mean_.data();
  const float* stddev = stddev_.data();
  float* x = values.data();
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = x + r * features;
    if (inverse) {
      for (std::size_t f = 0; f < features; ++f) row[f] = row[f] * stddev[f] + mean[f];
    } else {
      for (std::size_t f = 0; f < features; ++f) row[f] = (row[f] - mean[f]) / stddev[f];
    }
  }
}

void Standardizer::transform_(Array& inputs) const { apply_("Standardizer::transform", inputs, false); }

Array Standardizer::transform(const Array& inputs) const {
  Array result = inputs;
  transform_(result);
  return result;
}

void Standardizer::transform_(TensorDataset& dataset) const { transform_(dataset.mutable_inputs()); }

void Standardizer::inverse_transform_(Array& values) const { apply_("Standardizer::inverse_transform", values, true); }

Array Standardizer::inverse_transform(const Array& values) const {
  Array result = values;
  inverse_transform_(result);
  return result;
}

const Array& Standardizer::mean() const {
  check_fitted("Standardizer::mean");
  return mean_;
}

const Array& Standardizer::stddev() const {
  check_fitted("Standardizer::stddev");
  return stddev_;
}

std::pair<TensorDataset, TensorDataset> train_val_split(const TensorDataset& dataset, double val_fraction,
                                                        Generator& generator) {
  if (!(val_fraction >= 0.0 && val_fraction <= 1.0)) {
    throw Error("train_val_split: expected val_fraction in [0, 1], got " + format_number(val_fraction));
  }
  const std::size_t n = dataset.size();
  const auto n_val = static_cast<std::size_t>(std::llround(val_fraction * static_cast<double>(n)));
  const std::vector<std::size_t> order = randperm(n, generator);
  const std::vector<std::size_t> train_indices(order.begin(), order.end() - static_cast<std::ptrdiff_t>(n_val));
  const std::vector<std::size_t> val_indices(order.end() - static_cast<std::ptrdiff_t>(n_val), order.end());
  return {dataset.subset(train_indices), dataset.subset(val_indices)};
}

std::pair<TensorDataset, TensorDataset> stratified_train_val_split(const TensorDataset& dataset, double val_fraction,
                                                                   Generator& generator) {
  if (!(val_fraction >= 0.0 && val_fraction <= 1.0)) {
    throw Error("stratified_train_val_split: expected val_fraction in [0, 1], got " + format_number(val_fraction));
  }
  if (!dataset.has_labels()) throw Error("stratified_train_val_split: the dataset has no class labels to stratify by");
  std::map<std::int64_t, std::vector<std::size_t>> by_class;  // in label order: the draws do not depend on hashing
  const Labels& labels = dataset.labels();
  for (std::size_t i = 0; i < labels.size(); ++i) by_class[labels[i]].push_back(i);
  std::vector<bool> in_val(labels.size(), false);
  for (const auto& [label, members] : by_class) {
    const std::vector<std::size_t> order = randperm(members.size(), generator);
    const auto n_val = static_cast<std::size_t>(std::llround(val_fraction * static_cast<double>(members.size())));
    for (std::size_t k = 0; k < n_val; ++k) in_val[members[order[k]]] = true;
  }
  std::vector<std::size_t> train_indices, val_indices;
  for (std::size_t i = 0; i < labels.size(); ++i) (in_val[i] ? val_indices : train_indices).push_back(i);
  return {dataset.subset(train_indices), dataset.subset(val_indices)};
}

}  // namespace xg::data
