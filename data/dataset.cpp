#include <xgrad/data/dataset.hpp>

#include <xgrad/core/error.hpp>

#include <cstring>
#include <string>
#include <utility>

namespace xg::data {

namespace {

Shape without_first(const Shape& shape) { return shape.empty() ? Shape{} : Shape(shape.begin() + 1, shape.end()); }

Shape with_first(std::size_t first, const Shape& rest) {
  Shape shape{first};
  shape.insert(shape.end(), rest.begin(), rest.end());
  return shape;
}

}  // namespace

Batch Dataset::get_batch(const std::size_t* indices, std::size_t count) const {
  Batch batch;
  batch.labels.resize(count);
  if (count == 0) {
    batch.input = Tensor(Array::from_shape({0}));
    return batch;
  }
  Example first = get(indices[0]);
  const Shape example_shape = shape_of(first.input);
  const std::size_t row = first.input.size();
  Array input = Array::from_shape(with_first(count, example_shape));
  for (std::size_t i = 0; i < count; ++i) {
    Example example = i == 0 ? std::move(first) : get(indices[i]);
    if (shape_of(example.input) != example_shape) {
      throw Error("Dataset::get_batch: expected every input to have shape " + to_string(example_shape) +
                  " (as example " + std::to_string(indices[0]) + "), got " + to_string(shape_of(example.input)) +
                  " for example " + std::to_string(indices[i]));
    }
    std::memcpy(input.data() + i * row, example.input.data(), row * sizeof(float));
    batch.labels[i] = example.label;
  }
  batch.input = Tensor(std::move(input));
  return batch;
}

TensorDataset::TensorDataset() : inputs_(Array::from_shape({0})) {}

TensorDataset::TensorDataset(Array inputs, Labels labels) : inputs_(std::move(inputs)), labels_(std::move(labels)) {
  if (inputs_.dimension() == 0) {
    throw Error("TensorDataset: expected inputs of shape [N, ...] with at least one dimension, got a scalar []");
  }
  if (inputs_.shape(0) != labels_.size()) {
    throw Error("TensorDataset: expected as many labels as input rows: inputs " + to_string(shape_of(inputs_)) +
                " have " + std::to_string(inputs_.shape(0)) + " rows, got " + std::to_string(labels_.size()) +
                " labels");
  }
}

TensorDataset::TensorDataset(const Tensor& inputs, Labels labels) : TensorDataset(inputs.data(), std::move(labels)) {}

Shape TensorDataset::example_shape() const { return without_first(shape_of(inputs_)); }

void TensorDataset::check_consistent(const char* op) const {
  if (inputs_.dimension() == 0 || inputs_.shape(0) != labels_.size()) {
    throw Error(std::string(op) + ": inputs were reshaped to " + to_string(shape_of(inputs_)) +
                ", which no longer has one row per label (" + std::to_string(labels_.size()) + " labels)");
  }
}

void TensorDataset::gather(const char* op, const std::size_t* indices, std::size_t count, float* out,
                           Labels& labels) const {
  check_consistent(op);
  const std::size_t n = labels_.size();
  const std::size_t row = n == 0 ? 0 : inputs_.size() / n;
  const float* source = inputs_.data();
  labels.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t index = indices[i];
    if (index >= n) {
      throw Error(std::string(op) + ": index " + std::to_string(index) + " is out of range for a dataset of " +
                  std::to_string(n) + " examples");
    }
    std::memcpy(out + i * row, source + index * row, row * sizeof(float));
    labels[i] = labels_[index];
  }
}

Example TensorDataset::get(std::size_t index) const {
  Example example;
  example.input = Array::from_shape(example_shape());
  Labels label;
  gather("TensorDataset::get", &index, 1, example.input.data(), label);
  example.label = label[0];
  return example;
}

Batch TensorDataset::get_batch(const std::size_t* indices, std::size_t count) const {
  Array input = Array::from_shape(with_first(count, example_shape()));
  Batch batch;
  gather("TensorDataset::get_batch", indices, count, input.data(), batch.labels);
  batch.input = Tensor(std::move(input));
  return batch;
}

TensorDataset TensorDataset::subset(const std::vector<std::size_t>& indices) const {
  Array input = Array::from_shape(with_first(indices.size(), example_shape()));
  Labels labels;
  gather("TensorDataset::subset", indices.data(), indices.size(), input.data(), labels);
  return TensorDataset(std::move(input), std::move(labels));
}

}  // namespace xg::data
