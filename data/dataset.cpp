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

// Stacks one example's array into row i of `out`, after checking it has the first example's shape.
void stack_row(const char* what, const Array& value, const Shape& expected, const std::size_t* indices, std::size_t i,
               Array& out) {
  if (shape_of(value) != expected) {
    throw Error(std::string("Dataset::get_batch: expected every ") + what + " to have shape " + to_string(expected) +
                " (as example " + std::to_string(indices[0]) + "), got " + to_string(shape_of(value)) +
                " for example " + std::to_string(indices[i]));
  }
  std::memcpy(out.data() + i * value.size(), value.data(), value.size() * sizeof(float));
}

const Array& target_of(const Example& example, std::size_t index) {
  if (!example.target) {
    throw Error("Dataset::get_batch: the dataset says it has targets (has_targets()), but example " +
                std::to_string(index) + " from get() has no target");
  }
  return *example.target;
}

}  // namespace

Batch Dataset::get_batch(const std::size_t* indices, std::size_t count) const {
  Batch batch;
  if (has_labels()) batch.labels.resize(count);
  if (count == 0) {
    batch.input = Tensor(Array::from_shape({0}));
    if (has_targets()) batch.targets = Tensor(Array::from_shape({0}));
    return batch;
  }
  Example first = get(indices[0]);
  const Shape input_shape = shape_of(first.input);
  const Shape target_shape = has_targets() ? shape_of(target_of(first, indices[0])) : Shape{};
  Array input = Array::from_shape(with_first(count, input_shape));
  Array targets = Array::from_shape(has_targets() ? with_first(count, target_shape) : Shape{0});
  for (std::size_t i = 0; i < count; ++i) {
    Example example = i == 0 ? std::move(first) : get(indices[i]);
    stack_row("input", example.input, input_shape, indices, i, input);
    if (has_labels()) batch.labels[i] = example.label;
    if (has_targets()) stack_row("target", target_of(example, indices[i]), target_shape, indices, i, targets);
  }
  batch.input = Tensor(std::move(input));
  if (has_targets()) batch.targets = Tensor(std::move(targets));
  return batch;
}

TensorDataset::TensorDataset() : inputs_(Array::from_shape({0})), targets_(Array::from_shape({0})) {}

TensorDataset::TensorDataset(Array inputs, Labels labels)
    : TensorDataset(std::move(inputs), std::move(labels), Array::from_shape({0}), true, false) {}

TensorDataset::TensorDataset(const Tensor& inputs, Labels labels) : TensorDataset(inputs.data(), std::move(labels)) {}

TensorDataset::TensorDataset(Array inputs, Array targets)
    : TensorDataset(std::move(inputs), Labels{}, std::move(targets), false, true) {}

TensorDataset::TensorDataset(const Tensor& inputs, const Tensor& targets)
    : TensorDataset(inputs.data(), targets.data()) {}

TensorDataset::TensorDataset(Array inputs, Labels labels, Array targets)
    : TensorDataset(std::move(inputs), std::move(labels), std::move(targets), true, true) {}

TensorDataset::TensorDataset(Array inputs, Labels labels, Array targets, bool has_labels, bool has_targets)
    : inputs_(std::move(inputs)),
      labels_(std::move(labels)),
      targets_(std::move(targets)),
      has_labels_(has_labels),
      has_targets_(has_targets) {
  if (inputs_.dimension() == 0) {
    throw Error("TensorDataset: expected inputs of shape [N, ...] with at least one dimension, got a scalar []");
  }
  size_ = inputs_.shape(0);
  if (has_labels_ && labels_.size() != size_) {
    throw Error("TensorDataset: expected as many labels as input rows: inputs " + to_string(shape_of(inputs_)) +
                " have " + std::to_string(size_) + " rows, got " + std::to_string(labels_.size()) + " labels");
  }
  if (has_targets_ && (targets_.dimension() < 1 || targets_.dimension() > 2)) {
    throw Error("TensorDataset: expected targets of shape [N] or [N, K], got " + to_string(shape_of(targets_)));
  }
  if (has_targets_ && targets_.shape(0) != size_) {
    throw Error("TensorDataset: expected as many target rows as input rows: inputs " + to_string(shape_of(inputs_)) +
                " have " + std::to_string(size_) + " rows, targets " + to_string(shape_of(targets_)) + " have " +
                std::to_string(targets_.shape(0)));
  }
}

const Labels& TensorDataset::labels() const {
  if (!has_labels_) {
    throw Error("TensorDataset::labels: this dataset has no class labels: it holds regression targets " +
                to_string(shape_of(targets_)) + " (see targets())");
  }
  return labels_;
}

const Array& TensorDataset::targets() const {
  if (!has_targets_) {
    throw Error("TensorDataset::targets: this dataset has no float targets: it holds " +
                std::to_string(labels_.size()) + " class labels (see labels())");
  }
  return targets_;
}

Array& TensorDataset::mutable_targets() {
  targets();  // throws when there are none
  return targets_;
}

Shape TensorDataset::example_shape() const { return without_first(shape_of(inputs_)); }

void TensorDataset::check_consistent(const char* op) const {
  if (inputs_.dimension() == 0 || inputs_.shape(0) != size_) {
    const std::string per = has_labels_ ? "label" : "example";
    throw Error(std::string(op) + ": inputs were reshaped to " + to_string(shape_of(inputs_)) +
                ", which no longer has one row per " + per + " (" + std::to_string(size_) + " " + per + "s)");
  }
  if (has_targets_ && (targets_.dimension() < 1 || targets_.dimension() > 2 || targets_.shape(0) != size_)) {
    throw Error(std::string(op) + ": targets were reshaped to " + to_string(shape_of(targets_)) +
                ", which is not [N] or [N, K] with one row per example (" + std::to_string(size_) + " examples)");
  }
}

void TensorDataset::gather(const char* op, const std::size_t* indices, std::size_t count, float* input, Labels& labels,
                           float* targets) const {
  check_consistent(op);
  const std::size_t n = size_;
  const std::size_t row = n == 0 ? 0 : inputs_.size() / n;
  const std::size_t target_row = n == 0 || !has_targets_ ? 0 : targets_.size() / n;
  labels.resize(has_labels_ ? count : 0);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t index = indices[i];
    if (index >= n) {
      throw Error(std::string(op) + ": index " + std::to_string(index) + " is out of range for a dataset of " +
                  std::to_string(n) + " examples");
    }
    std::memcpy(input + i * row, inputs_.data() + index * row, row * sizeof(float));
    if (has_labels_) labels[i] = labels_[index];
    if (has_targets_) {
      std::memcpy(targets + i * target_row, targets_.data() + index * target_row, target_row * sizeof(float));
    }
  }
}

Example TensorDataset::get(std::size_t index) const {
  check_consistent("TensorDataset::get");
  Example example;
  example.input = Array::from_shape(example_shape());
  Array target = Array::from_shape(has_targets_ ? without_first(shape_of(targets_)) : Shape{0});
  Labels label;
  gather("TensorDataset::get", &index, 1, example.input.data(), label, target.data());
  if (has_labels_) example.label = label[0];
  if (has_targets_) example.target = std::move(target);
  return example;
}

Batch TensorDataset::get_batch(const std::size_t* indices, std::size_t count) const {
  check_consistent("TensorDataset::get_batch");
  Array input = Array::from_shape(with_first(count, example_shape()));
  Array targets = Array::from_shape(has_targets_ ? with_first(count, without_first(shape_of(targets_))) : Shape{0});
  Batch batch;
  gather("TensorDataset::get_batch", indices, count, input.data(), batch.labels, targets.data());
  batch.input = Tensor(std::move(input));
  if (has_targets_) batch.targets = Tensor(std::move(targets));
  return batch;
}

TensorDataset TensorDataset::subset(const std::vector<std::size_t>& indices) const {
  check_consistent("TensorDataset::subset");
  Array input = Array::from_shape(with_first(indices.size(), example_shape()));
  Array targets =
      Array::from_shape(has_targets_ ? with_first(indices.size(), without_first(shape_of(targets_))) : Shape{0});
  Labels labels;
  gather("TensorDataset::subset", indices.data(), indices.size(), input.data(), labels, targets.data());
  return TensorDataset(std::move(input), std::move(labels), std::move(targets), has_labels_, has_targets_);
}

}  // namespace xg::data
