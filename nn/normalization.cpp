#include <xgrad/nn/normalization.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/core/factories.hpp>
#include <xgrad/nn/functional.hpp>

#include <ostream>

namespace xg::nn {

BatchNorm1dImpl::BatchNorm1dImpl(const BatchNorm1dOptions& options) : options(options) {
  const std::size_t c = options.num_features();
  if (c == 0) throw Error("BatchNorm1d: expected num_features >= 1, got 0");
  if (!(options.eps() > 0.0)) throw Error("BatchNorm1d: expected eps > 0, got " + format_number(options.eps()));
  if (options.momentum() && !(*options.momentum() >= 0.0 && *options.momentum() <= 1.0)) {
    throw Error("BatchNorm1d: expected a momentum in [0, 1] (or none), got " + format_number(*options.momentum()));
  }
  const bool affine = options.affine(), track = options.track_running_stats();
  // The count is held as float32 like every tensor here: exact up to 2^24 batches.
  register_tensors(/*trained=*/true, affine ? ones({c}) : Tensor(), affine ? zeros({c}) : Tensor(),
                   track ? zeros({c}) : Tensor(), track ? ones({c}) : Tensor(), track ? zeros({}) : Tensor());
}

BatchNorm1dImpl::BatchNorm1dImpl(const BatchNorm1dImpl& other, std::shared_ptr<functional::BatchSums> across_processes)
    : options(other.options), across_processes_(std::move(across_processes)) {
  // A frozen weight stays frozen.
  register_tensors(other.weight.defined() && other.weight.requires_grad(), other.weight, other.bias, other.running_mean,
                   other.running_var, other.num_batches_tracked);
  train(other.is_training());
}

void BatchNorm1dImpl::register_tensors(bool trained, Tensor weight_values, Tensor bias_values, Tensor mean_values,
                                       Tensor var_values, Tensor batches_values) {
  if (options.affine()) {
    weight = register_parameter("weight", std::move(weight_values), trained);
    bias = register_parameter("bias", std::move(bias_values), trained);
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", std::move(mean_values));
    running_var = register_buffer("running_var", std::move(var_values));
    num_batches_tracked = register_buffer("num_batches_tracked", std::move(batches_values));
  }
}

void BatchNorm1dImpl::reset_parameters() {
  if (options.track_running_stats()) {
    running_mean.data().fill(0.0f);
    running_var.data().fill(1.0f);
    num_batches_tracked.data().fill(0.0f);
  }
  if (options.affine()) {
    weight.data().fill(1.0f);
    bias.data().fill(0.0f);
  }
}

Tensor BatchNorm1dImpl::forward(const Tensor& input) {
  if (input.dim() != 2 && input.dim() != 3) {
    throw Error("BatchNorm1d: expected a 2-D input [N, C] or a 3-D input [N, C, L], got shape " +
                to_string(input.shape()));
  }
  if (input.shape()[1] != options.num_features()) {
    throw Error("BatchNorm1d: expected " + std::to_string(options.num_features()) +
                " features in dimension 1 of the input, got shape " + to_string(input.shape()));
  }
  const bool update = is_training() && options.track_running_stats();
  // torch's exponential_average_factor: the momentum, or 1 / batches so far for a cumulative average.
  double factor = options.momentum().value_or(0.0);
  if (update) {
    const std::size_t per_channel = input.numel() / std::max<std::size_t>(1, input.shape()[1]);
    // Counted only for a batch the op accepts: torch counts first, but a refused batch changes nothing here.
    if (per_channel > 1) num_batches_tracked.data()() += 1.0f;
    if (!options.momentum()) factor = 1.0 / std::max(1.0f, num_batches_tracked.data()());
  }
  // In evaluation the buffers are used when there are any; training always takes the batch's statistics.
  return functional::batch_norm(input, running_mean, running_var, weight, bias,
                                is_training() || !options.track_running_stats(), factor, options.eps(),
                                across_processes_);
}

void BatchNorm1dImpl::pretty_print(std::ostream& out) const {
  out << "BatchNorm1d(" << options.num_features() << ", eps=" << options.eps() << ", momentum=";
  if (options.momentum()) {
    out << *options.momentum();
  } else {
    out << "None";
  }
  out << ", affine=" << (options.affine() ? "true" : "false")
      << ", track_running_stats=" << (options.track_running_stats() ? "true" : "false") << ")";
}

LayerNormImpl::LayerNormImpl(const LayerNormOptions& options) : options(options) {
  const Shape& shape = options.normalized_shape();
  if (shape.empty() || numel_of(shape) == 0) {
    throw Error("LayerNorm: expected a normalized_shape of sizes >= 1, got " + to_string(shape));
  }
  if (!(options.eps() > 0.0)) throw Error("LayerNorm: expected eps > 0, got " + format_number(options.eps()));
  if (options.elementwise_affine()) {
    weight = register_parameter("weight", ones(shape));
    bias = register_parameter("bias", zeros(shape));
  }
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return functional::layer_norm(input, options.normalized_shape(), weight, bias, options.eps());
}

void LayerNormImpl::pretty_print(std::ostream& out) const {
  out << "LayerNorm(" << to_string(options.normalized_shape()) << ", eps=" << options.eps()
      << ", elementwise_affine=" << (options.elementwise_affine() ? "true" : "false") << ")";
}

}  // namespace xg::nn
