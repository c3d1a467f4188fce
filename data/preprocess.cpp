#include <xgrad/data/preprocess.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/data/dataloader.hpp>

#include <cmath>
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

Standardizer& Standardizer::fit(const Array& inputs) {
  if (inputs.dimension() == 0 || inputs.shape(0) == 0) {
    throw Error("Standardizer::fit: expected inputs [N, ...] with N >= 1 examples, got shape " +
                to_string(shape_of(inputs)));
  }
  const std::size_t rows = inputs.shape(0);
  const std::size_t features = inputs.size() / rows;
  const float* x = inputs.data();
  // Two passes in double: the mean, then the squared deviations from it (no catastrophic cancellation).
  std::vector<double> mean(features, 0.0);
  std::vector<double> squares(features, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t f = 0; f < features; ++f) mean[f] += x[r * features + f];
  }
  for (double& m : mean) m /= static_cast<double>(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t f = 0; f < features; ++f) {
      const double deviation = x[r * features + f] - mean[f];
      squares[f] += deviation * deviation;
    }
  }
  Array new_mean = Array::from_shape(example_shape_of(inputs));
  Array new_stddev = Array::from_shape(example_shape_of(inputs));
  for (std::size_t f = 0; f < features; ++f) {
    const double stddev = std::sqrt(squares[f] / static_cast<double>(rows));
    new_mean.data()[f] = static_cast<float>(mean[f]);
    new_stddev.data()[f] = stddev == 0.0 ? 1.0f : static_cast<float>(stddev);
  }
  mean_ = std::move(new_mean);
  stddev_ = std::move(new_stddev);
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

}  // namespace xg::data
