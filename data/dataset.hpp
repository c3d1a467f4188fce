#pragma once
// Datasets: numbered examples, each an input array with an integer class label (classification), float
// targets (regression), or both.
//
// Labels are xg::Labels (core/tensor.hpp), one std::int64_t class index per example; pass a batch's
// labels straight to CrossEntropyLoss. Targets are floats, [N] (one value per example) or [N, K] (K
// values per example); pass a batch's targets straight to MSELoss or L1Loss:
//
//   xg::data::TensorDataset data(inputs, targets);       // inputs [N, D], targets [N, K]
//   for (xg::data::Batch& batch : loader) loss = mse(net(batch.input), batch.targets);

#include <xgrad/core/tensor.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace xg::data {

using xg::Labels;  // the one labels type (core/tensor.hpp), also spelled xg::data::Labels

// One example: its input (e.g. [784] or [28, 28]), its class label when the dataset has labels, and
// its target when the dataset has targets: shape [] for targets [N], [K] for targets [N, K].
struct Example {
  Example() = default;
  // A constructor rather than an aggregate, so that {input, label} still initializes every member.
  Example(Array input, std::int64_t label, std::optional<Array> target = std::nullopt)
      : input(std::move(input)), label(label), target(std::move(target)) {}

  Array input;
  std::int64_t label = 0;
  std::optional<Array> target;
};

// Several examples stacked: input [B, ...], labels [B] (empty when the dataset has none) and targets
// [B] or [B, K] (an undefined tensor when the dataset has none).
struct Batch {
  Tensor input;
  Labels labels;
  Tensor targets;
  bool has_targets() const { return targets.defined(); }
  // A batch without targets is a classification batch; one with targets has labels when it carries
  // one per example.
  bool has_labels() const { return !has_targets() || (!labels.empty() && labels.size() == size()); }
  std::size_t size() const { return has_targets() ? targets.shape()[0] : labels.size(); }
};

// The interface the DataLoader reads from (libtorch: torch::data::datasets::Dataset).
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual std::size_t size() const = 0;
  // Throws xg::Error when index >= size().
  virtual Example get(std::size_t index) const = 0;
  // What the examples carry: class labels (the default), float targets, or both. A regression dataset
  // overrides both and sets Example::target in get().
  virtual bool has_labels() const { return true; }
  virtual bool has_targets() const { return false; }
  // The examples at indices[0..count) stacked into one batch. This default calls get() per index
  // and requires every input (and every target) to have the same shape; a dataset with contiguous
  // storage overrides it to copy whole rows at once.
  virtual Batch get_batch(const std::size_t* indices, std::size_t count) const;
};

// Inputs [N, ...] held in one contiguous row-major array, with N class labels, float targets [N] or
// [N, K], or both. Batching copies rows with memcpy, no per-example call.
class TensorDataset : public Dataset {
 public:
  // An empty classification dataset (no examples, inputs of shape [0]).
  TensorDataset();
  // Classification. Throws unless inputs has at least one dimension and inputs.shape(0) == labels.size().
  TensorDataset(Array inputs, Labels labels);
  TensorDataset(const Tensor& inputs, Labels labels);  // copies the tensor's values
  // Regression: targets [N] or [N, K], N the inputs' first dimension. (Spell a braced list of class
  // labels Labels{...}: a bare {0, 1, 2} could be either.)
  TensorDataset(Array inputs, Array targets);
  TensorDataset(const Tensor& inputs, const Tensor& targets);  // copies the tensors' values
  // Both: N labels and N rows of targets.
  TensorDataset(Array inputs, Labels labels, Array targets);

  std::size_t size() const override { return size_; }
  bool has_labels() const override { return has_labels_; }
  bool has_targets() const override { return has_targets_; }
  Example get(std::size_t index) const override;
  Batch get_batch(const std::size_t* indices, std::size_t count) const override;
  // The examples at these indices, in this order, as a new dataset (rows copied).
  TensorDataset subset(const std::vector<std::size_t>& indices) const;

  const Array& inputs() const { return inputs_; }
  // Throw xg::Error when the dataset has no labels (or no targets), saying what it holds instead.
  const Labels& labels() const;
  const Array& targets() const;
  // For preprocessing in place (see preprocess.hpp). Change values, or reshape the trailing
  // dimensions; a first dimension other than size() makes get() and get_batch() throw.
  Array& mutable_inputs() { return inputs_; }
  Array& mutable_targets();
  // The shape of one input: inputs().shape() without its first dimension.
  Shape example_shape() const;

 private:
  TensorDataset(Array inputs, Labels labels, Array targets, bool has_labels, bool has_targets);
  // Throws if mutable_inputs() or mutable_targets() was reshaped so rows no longer match.
  void check_consistent(const char* op) const;
  // Copies the given rows of the inputs into `input` (count * row floats), and of the labels and targets
  // the dataset has into `labels` and `targets` (sized by the caller).
  void gather(const char* op, const std::size_t* indices, std::size_t count, float* input, Labels& labels,
              float* targets) const;

  Array inputs_;
  Labels labels_;
  Array targets_;
  std::size_t size_ = 0;
  bool has_labels_ = true;
  bool has_targets_ = false;
};

}  // namespace xg::data
