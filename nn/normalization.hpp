#pragma once
// BatchNorm1d and LayerNorm, with torch's options and defaults (the ops are in functional.hpp).
//
//   xg::nn::BatchNorm1d bn(128);                                        // eps 1e-5, momentum 0.1
//   xg::nn::BatchNorm1d bn2(xg::nn::BatchNorm1dOptions(128).momentum(std::nullopt).affine(false));
//   xg::nn::LayerNorm ln(xg::nn::LayerNormOptions({128}).eps(1e-6));
//
// BatchNorm1d normalizes each feature (channel) of [N, C] or [N, C, L] over the batch. In training mode
// it uses the batch's statistics and updates its buffers running_mean, running_var (with the unbiased
// variance) and num_batches_tracked; in evaluation mode (module.eval()) it uses the buffers, so one
// example at a time gets the same answer as in a batch. With momentum std::nullopt the running
// statistics are the plain average over all batches so far (factor 1 / num_batches_tracked). With
// track_running_stats(false) there are no buffers and the batch's statistics are used in both modes.
// LayerNorm normalizes each example over its trailing normalized_shape, the same in both modes.
// With affine (elementwise_affine) a learned weight (ones) and bias (zeros) follow the normalization.

#include <xgrad/nn/functional.hpp>
#include <xgrad/nn/module.hpp>

#include <memory>

#include <optional>

namespace xg::nn {

class BatchNorm1dOptions {
 public:
  BatchNorm1dOptions(std::size_t num_features) : num_features_(num_features) {}  // NOLINT: implicit on purpose
  BatchNorm1dOptions& eps(double eps) {
    eps_ = eps;
    return *this;
  }
  BatchNorm1dOptions& momentum(std::optional<double> momentum) {
    momentum_ = momentum;
    return *this;
  }
  BatchNorm1dOptions& affine(bool affine) {
    affine_ = affine;
    return *this;
  }
  BatchNorm1dOptions& track_running_stats(bool track) {
    track_running_stats_ = track;
    return *this;
  }
  std::size_t num_features() const { return num_features_; }
  double eps() const { return eps_; }
  std::optional<double> momentum() const { return momentum_; }
  bool affine() const { return affine_; }
  bool track_running_stats() const { return track_running_stats_; }

 private:
  std::size_t num_features_;
  double eps_ = 1e-5;
  std::optional<double> momentum_ = 0.1;
  bool affine_ = true;
  bool track_running_stats_ = true;
};

class BatchNorm1dImpl : public Module {
 public:
  explicit BatchNorm1dImpl(const BatchNorm1dOptions& options);
  // A BatchNorm1d that registers the very tensors of `other` (the same handles, not copies) and takes
  // its mode, with batch statistics summed `across_processes` (nullptr: this batch is the whole batch).
  // Converting to and from distributed's SyncBatchNorm this way keeps an optimizer's tensors the model's.
  BatchNorm1dImpl(const BatchNorm1dImpl& other, std::shared_ptr<functional::BatchSums> across_processes);
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;
  // Running statistics back to mean 0, variance 1, no batches; weight to ones, bias to zeros.
  void reset_parameters();

  BatchNorm1dOptions options;
  Tensor weight, bias;                                    // [C], undefined without affine
  Tensor running_mean, running_var, num_batches_tracked;  // undefined without track_running_stats

 protected:
  // Sums the training statistics over the processes that share the batch (distributed's
  // SyncBatchNorm); nullptr for a plain BatchNorm1d.
  std::shared_ptr<functional::BatchSums> across_processes_;

 private:
  void register_tensors(bool trained, Tensor weight, Tensor bias, Tensor running_mean, Tensor running_var,
                        Tensor num_batches_tracked);
};

class BatchNorm1d : public ModuleHolder<BatchNorm1dImpl> {
 public:
  using ModuleHolder::ModuleHolder;
};

class LayerNormOptions {
 public:
  LayerNormOptions(Shape normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT: implicit
  LayerNormOptions& eps(double eps) {
    eps_ = eps;
    return *this;
  }
  LayerNormOptions& elementwise_affine(bool affine) {
    elementwise_affine_ = affine;
    return *this;
  }
  const Shape& normalized_shape() const { return normalized_shape_; }
  double eps() const { return eps_; }
  bool elementwise_affine() const { return elementwise_affine_; }

 private:
  Shape normalized_shape_;
  double eps_ = 1e-5;
  bool elementwise_affine_ = true;
};

class LayerNormImpl : public Module {
 public:
  explicit LayerNormImpl(const LayerNormOptions& options);
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;

  LayerNormOptions options;
  Tensor weight, bias;  // normalized_shape, undefined without elementwise_affine
};

class LayerNorm : public ModuleHolder<LayerNormImpl> {
 public:
  using ModuleHolder::ModuleHolder;
};

}  // namespace xg::nn
