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

#include <xgrad/core/options.hpp>
#include <xgrad/nn/functional.hpp>
#include <xgrad/nn/module.hpp>

#include <memory>

#include <optional>
#include <utility>

namespace xg::nn {

struct BatchNorm1dOptions {
  BatchNorm1dOptions(std::size_t num_features) : num_features_(num_features) {}  // NOLINT: implicit on purpose
  XG_ARG(std::size_t, num_features, 0);  // C, the features (channels) of [N, C] or [N, C, L]
  XG_ARG(double, eps, 1e-5);
  XG_ARG(std::optional<double>, momentum, 0.1);  // std::nullopt: the plain average over all batches
  XG_ARG(bool, affine, true);
  XG_ARG(bool, track_running_stats, true);
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

XG_MODULE(BatchNorm1d);

struct LayerNormOptions {
  LayerNormOptions(Shape normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT: implicit
  XG_ARG(Shape, normalized_shape, {});  // the trailing dimensions each example is normalized over
  XG_ARG(double, eps, 1e-5);
  XG_ARG(bool, elementwise_affine, true);
};

class LayerNormImpl : public Module {
 public:
  explicit LayerNormImpl(const LayerNormOptions& options);
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& out) const override;

  LayerNormOptions options;
  Tensor weight, bias;  // normalized_shape, undefined without elementwise_affine
};

XG_MODULE(LayerNorm);

}  // namespace xg::nn
