#pragma once
// Datasets: numbered examples, each an input array and an integer class label.
//
// Labels are xg::Labels (core/tensor.hpp), one std::int64_t class index per example; pass a batch's
// labels straight to the loss.

#include <xgrad/core/tensor.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xg::data {

using xg::Labels;  // the one labels type (core/tensor.hpp), also spelled xg::data::Labels

// One example: its input (e.g. [784] or [28, 28]) and its class label.
struct Example {
  Array input;
  std::int64_t label = 0;
};

// Several examples stacked: input [B, ...] and labels [B].
struct Batch {
  Tensor input;
  Labels labels;
  std::size_t size() const { return labels.size(); }
};

// The interface the DataLoader reads from (libtorch: torch::data::datasets::Dataset).
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual std::size_t size() const = 0;
  // Throws xg::Error when index >= size().
  virtual Example get(std::size_t index) const = 0;
  // The examples at indices[0..count) stacked into one batch. This default calls get() per index
  // and requires every input to have the same shape; a dataset with contiguous storage overrides it
  // to copy whole rows at once.
  virtual Batch get_batch(const std::size_t* indices, std::size_t count) const;
};

// Inputs [N, ...] held in one contiguous row-major array, and N labels. Batching copies rows with
// memcpy, no per-example call.
class TensorDataset : public Dataset {
 public:
  // An empty dataset (no examples, inputs of shape [0]).
  TensorDataset();
  // Throws unless inputs has at least one dimension and inputs.shape(0) == labels.size().
  TensorDataset(Array inputs, Labels labels);
  TensorDataset(const Tensor& inputs, Labels labels);  // copies the tensor's values

  std::size_t size() const override { return labels_.size(); }
  Example get(std::size_t index) const override;
  Batch get_batch(const std::size_t* indices, std::size_t count) const override;
  // The examples at these indices, in this order, as a new dataset (rows copied).
  TensorDataset subset(const std::vector<std::size_t>& indices) const;

  const Array& inputs() const { return inputs_; }
  const Labels& labels() const { return labels_; }
  // For preprocessing in place (see preprocess.hpp). Change values, or reshape the trailing
  // dimensions; a first dimension other than size() makes get() and get_batch() throw.
  Array& mutable_inputs() { return inputs_; }
  // The shape of one input: inputs().shape() without its first dimension.
  Shape example_shape() const;

 private:
  // Throws if mutable_inputs() was reshaped so rows no longer match labels.
  void check_consistent(const char* op) const;
  // Copies the given rows into `out` (count * row_size floats) and their labels into `labels`.
  void gather(const char* op, const std::size_t* indices, std::size_t count, float* out, Labels& labels) const;

  Array inputs_;
  Labels labels_;
};

}  // namespace xg::data
