// The two normalization ops, batch_norm and layer_norm, each one graph node with its analytic
// backward beside its forward (as torch's native kernels; composing them from mean, sub, div, ...
// would make a dozen nodes and as many passes over the batch).
//
// Both normalize x to xhat = (x - mean) * invstd, invstd = 1 / sqrt(var + eps), with the biased
// variance (divided by the count), and then scale and shift: y = xhat * w + b. They differ in what
// the statistics run over: batch_norm takes one mean per channel, over the batch (and length);
// layer_norm one per row, over its trailing normalized_shape. With g = dL/dy, gw = g * w, and the
// means m(.) over the same elements as the statistics,
//   dL/dx = invstd * (gw - m(gw) - xhat * m(gw * xhat))    (statistics from x, so x's gradient flows through them)
//   dL/dw = sum of g * xhat,  dL/db = sum of g             (over everything that shares a w)
// In evaluation mode batch_norm's statistics are constants (the running buffers): dL/dx = g * invstd * w.
// Sums are kept in double: a mean over 60,000 float32 values would otherwise lose digits.

#include <xgrad/nn/functional.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace xg::nn::functional {

namespace {

// An input [N, C] or [N, C, L] as batch_norm sees it: element (n, c, l) sits at (n * C + c) * L + l.
struct ChannelLayout {
  std::size_t batch = 0, channels = 0, length = 1;
  std::size_t per_channel() const { return batch * length; }
};

// Calls f(i, c) for every element i and its channel c. [N, C] gets a loop of its own, over each row's
// channels, which the compiler vectorizes; with a length of 1 the general loop's innermost loop would
// run once per element.
template <class F>
void for_each_element(const ChannelLayout& s, F f) {
  if (s.length == 1) {
    for (std::size_t n = 0; n < s.batch; ++n) {
      for (std::size_t c = 0; c < s.channels; ++c) f(n * s.channels + c, c);
    }
    return;
  }
  for (std::size_t n = 0; n < s.batch; ++n) {
    for (std::size_t c = 0; c < s.channels; ++c) {
      const std::size_t start = (n * s.channels + c) * s.length;
      for (std::size_t l = 0; l < s.length; ++l) f(start + l, c);
    }
  }
}

void check_channel_vector(const char* what, const Tensor& tensor, std::size_t channels) {
  if (!tensor.defined()) return;
  if (tensor.dim() != 1 || tensor.numel() != channels) {
    throw Error(std::string("batch_norm: expected ") + what + " of shape [" + std::to_string(channels) + "], got " +
                to_string(tensor.shape()));
  }
}

ChannelLayout channel_layout(const Tensor& input) {
  const auto& shape = input.data().shape();
  if (shape.size() != 2 && shape.size() != 3) {
    throw Error("batch_norm: expected a 2-D input [N, C] or a 3-D input [N, C, L], got shape " +
                to_string(input.shape()));
  }
  return {shape[0], shape[1], shape.size() == 3 ? shape[2] : 1};
}

// y = x * scale + shift per channel: the normalization and the affine map folded into one multiply
// and add per element (torch's CPU kernel folds them the same way).
Array scale_and_shift(const Array& input, const ChannelLayout& s, const std::vector<float>& scale,
                      const std::vector<float>& shift) {
  Array output = Array::from_shape(input.shape());
  const float* x = input.data();
  float* y = output.data();
  for_each_element(s, [&](std::size_t i, std::size_t c) { y[i] = x[i] * scale[c] + shift[c]; });
  return output;
}

// dL/dw = sum g * xhat and dL/db = sum g, written by accumulate_in_place's rule (out = share + beta * out).
void write_affine_grads(const BackwardContext& ctx, const std::vector<double>& weight_share,
                        const std::vector<double>& bias_share) {
  auto writer = [](const std::vector<double>& share) {
    // With beta 0, `out` is uninitialized memory, which may hold NaN (and 0 * NaN is NaN): not read.
    return [&share](float* out, float beta) {
      for (std::size_t j = 0; j < share.size(); ++j) {
        out[j] = beta == 0.0f ? static_cast<float>(share[j]) : static_cast<float>(share[j]) + beta * out[j];
      }
    };
  };
  if (ctx.needs_grad(1)) ctx.accumulate_in_place(1, writer(weight_share));
  if (ctx.needs_grad(2)) ctx.accumulate_in_place(2, writer(bias_share));
}

// The whole batch's per-channel sums of x and of squared deviations from its mean, and its value
// count, from this process's `x` and every other's, in one exchange: each process sends its sums,
// its squared deviations from its own mean (two passes, as one process makes them) and its count,
// and every process merges them in process order (Chan et al.: M2 = sum_r M2_r + n_r (mean_r -
// mean)^2, exact in real arithmetic), so every process gets the same doubles.
void merge_across_processes(BatchSums& across, const float* x, const ChannelLayout& s, std::vector<double>& sum,
                            std::vector<double>& squares, std::size_t& count) {
  const std::size_t channels = s.channels;
  const auto local_count = static_cast<double>(s.per_channel());
  std::vector<double> local(2 * channels + 1, 0.0);
  std::copy(sum.begin(), sum.end(), local.begin());
  local[2 * channels] = local_count;
  if (local_count > 0) {
    std::vector<double> local_mean(channels);
    for (std::size_t c = 0; c < channels; ++c) local_mean[c] = sum[c] / local_count;
    for_each_element(s, [&](std::size_t i, std::size_t c) {
      const double deviation = static_cast<double>(x[i]) - local_mean[c];
      local[channels + c] += deviation * deviation;
    });
  }
  const std::vector<double> all = across.gather(local);
  const std::size_t stride = local.size(), processes = all.size() / stride;
  double total = 0.0;
  std::fill(sum.begin(), sum.end(), 0.0);
  for (std::size_t r = 0; r < processes; ++r) {
    total += all[r * stride + 2 * channels];
    for (std::size_t c = 0; c < channels; ++c) sum[c] += all[r * stride + c];
  }
  count = static_cast<std::size_t>(total);
  std::fill(squares.begin(), squares.end(), 0.0);
  if (count == 0) return;
  for (std::size_t r = 0; r < processes; ++r) {
    const double* part = all.data() + r * stride;
    const double n = part[2 * channels];
    if (n == 0) continue;
    for (std::size_t c = 0; c < channels; ++c) {
      const double apart = part[c] / n - sum[c] / total;
      squares[c] += part[channels + c] + n * apart * apart;
    }
  }
}

}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  return batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps, nullptr);
}

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps,
                  const std::shared_ptr<BatchSums>& across_processes) {
  const ChannelLayout s = channel_layout(input);
  check_channel_vector("running_mean", running_mean, s.channels);
  check_channel_vector("running_var", running_var, s.channels);
  check_channel_vector("weight", weight, s.channels);
  check_channel_vector("bias", bias, s.channels);
  if (weight.defined() != bias.defined()) throw Error("batch_norm: give both weight and bias, or neither");
  if (running_mean.defined() != running_var.defined()) {
    throw Error("batch_norm: give both running_mean and running_var, or neither");
  }
  const bool use_batch_stats = training || !running_mean.defined();
  // Split across processes, the statistics are the whole batch's: sums and counts are exchanged.
  const std::shared_ptr<BatchSums> across = use_batch_stats ? across_processes : nullptr;
  const std::size_t local_count = s.per_channel();
  std::size_t count = local_count;

  const float* x = input.data().data();
  std::vector<float> mean(s.channels), invstd(s.channels);
  if (use_batch_stats) {
    std::vector<double> sum(s.channels, 0.0), squares(s.channels, 0.0);
    for_each_element(s, [&](std::size_t i, std::size_t c) { sum[c] += x[i]; });
    if (across) merge_across_processes(*across, x, s, sum, squares, count);
    if (count <= 1) {
      throw Error("batch_norm: expected more than 1 value per channel when training, got input size " +
                  to_string(input.shape()) + (across ? " (" + std::to_string(count) + " across processes)" : ""));
    }
    for (std::size_t c = 0; c < s.channels; ++c) mean[c] = static_cast<float>(sum[c] / static_cast<double>(count));
    if (!across) {
      // Two passes (mean first, then squared deviations): the one-pass sum of squares cancels badly.
      for_each_element(s, [&](std::size_t i, std::size_t c) {
        const double deviation = static_cast<double>(x[i]) - mean[c];
        squares[c] += deviation * deviation;
      });
    }
    for (std::size_t c = 0; c < s.channels; ++c) {
      invstd[c] = static_cast<float>(1.0 / std::sqrt(squares[c] / static_cast<double>(count) + eps));
    }
    if (training && running_mean.defined()) {
      // The running variance takes the unbiased variance (divided by count - 1), as in torch.
      Tensor mean_buffer = running_mean, var_buffer = running_var;
      float* rm = mean_buffer.data().data();
      float* rv = var_buffer.data().data();
      const auto m = static_cast<float>(momentum);
      for (std::size_t c = 0; c < s.channels; ++c) {
        rm[c] = m * mean[c] + (1.0f - m) * rm[c];
        rv[c] = m * static_cast<float>(squares[c] / static_cast<double>(count - 1)) + (1.0f - m) * rv[c];
      }
    }
  } else {
    const float* rm = running_mean.data().data();
    const float* rv = running_var.data().data();
    for (std::size_t c = 0; c < s.channels; ++c) {
      mean[c] = rm[c];
      invstd[c] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(rv[c]) + eps));
    }
  }

  const bool affine = weight.defined();
  std::vector<float> scale(s.channels), shift(s.channels);
  for (std::size_t c = 0; c < s.channels; ++c) {
    scale[c] = invstd[c] * (affine ? weight.data().data()[c] : 1.0f);
    shift[c] = (affine ? bias.data().data()[c] : 0.0f) - mean[c] * scale[c];
  }
  Array output = scale_and_shift(input.data(), s, scale, shift);

  BackwardFn backward = [s, use_batch_stats, affine, count, across, mean = std::move(mean),
                         invstd = std::move(invstd)](BackwardContext& ctx) {
    const float* x = ctx.input(0).data();
    const float* g = ctx.grad.data();
    std::vector<double> grad_sum(s.channels, 0.0), grad_dot_xhat(s.channels, 0.0);
    for_each_element(s, [&](std::size_t i, std::size_t c) {
      grad_sum[c] += g[i];
      grad_dot_xhat[c] += static_cast<double>(g[i]) * ((x[i] - mean[c]) * invstd[c]);
    });
    if (ctx.needs_grad(0)) {
      const float* w = affine ? ctx.input(1).data() : nullptr;
      // Across processes dx needs the whole batch's means of g and g * xhat; dw and db (below) stay
      // this process's own sums, which the gradient allreduce adds up like any other gradient.
      std::vector<double> batch_sums;
      if (across) {
        batch_sums.reserve(2 * s.channels);
        batch_sums.insert(batch_sums.end(), grad_sum.begin(), grad_sum.end());
        batch_sums.insert(batch_sums.end(), grad_dot_xhat.begin(), grad_dot_xhat.end());
        across->backward(batch_sums, s.per_channel());
      }
      const double* sum_of_grad = across ? batch_sums.data() : grad_sum.data();
      const double* sum_of_grad_xhat = across ? batch_sums.data() + s.channels : grad_dot_xhat.data();
      const auto n = static_cast<double>(count);
      // dx = (g - a_c - xhat * b_c) * invstd * w, with a_c and b_c the means of g and g * xhat (0 in eval).
      std::vector<float> gain(s.channels), grad_mean(s.channels), xhat_mean(s.channels);
      for (std::size_t c = 0; c < s.channels; ++c) {
        gain[c] = invstd[c] * (w ? w[c] : 1.0f);
        grad_mean[c] = use_batch_stats ? static_cast<float>(sum_of_grad[c] / n) : 0.0f;
        xhat_mean[c] = use_batch_stats ? static_cast<float>(sum_of_grad_xhat[c] / n) : 0.0f;
      }
      Array grad = Array::from_shape(ctx.grad.shape());
      float* dx = grad.data();
      for_each_element(s, [&](std::size_t i, std::size_t c) {
        const float xhat = (x[i] - mean[c]) * invstd[c];
        dx[i] = (g[i] - grad_mean[c] - xhat * xhat_mean[c]) * gain[c];
      });
      ctx.accumulate(0, std::move(grad));
    }
    if (affine) write_affine_grads(ctx, grad_dot_xhat, grad_sum);
  };
  if (affine) return record("batch_norm", std::move(output), {input, weight, bias}, std::move(backward));
  return record("batch_norm", std::move(output), {input}, std::move(backward));
}

Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  const Shape shape = input.shape();
  const std::size_t k = normalized_shape.size();
  const bool fits =
      k > 0 && shape.size() >= k &&
      std::equal(normalized_shape.begin(), normalized_shape.end(), shape.end() - static_cast<std::ptrdiff_t>(k));
  if (!fits) {
    throw Error("layer_norm: normalized_shape " + to_string(normalized_shape) + " expects an input of shape [*, " +
                join_with(normalized_shape, [](std::size_t n) { return std::to_string(n); }) + "], got " +
                to_string(shape));
  }
  for (const Tensor* affine_part : {&weight, &bias}) {
    if (affine_part->defined() && affine_part->shape() != normalized_shape) {
      throw Error("layer_norm: expected " + std::string(affine_part == &weight ? "weight" : "bias") + " of shape " +
                  to_string(normalized_shape) + ", got " + to_string(affine_part->shape()));
    }
  }
  if (weight.defined() != bias.defined()) throw Error("layer_norm: give both weight and bias, or neither");
  const bool affine = weight.defined();
  const std::size_t width = numel_of(normalized_shape);
  const std::size_t rows = width == 0 ? 0 : input.numel() / width;

  const float* x = input.data().data();
  const float* w = affine ? weight.data().data() : nullptr;
  const float* b = affine ? bias.data().data() : nullptr;
  Array output = Array::from_shape(input.data().shape());
  float* y = output.data();
  std::vector<float> mean(rows), invstd(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = x + r * width;
    double sum = 0.0, squares = 0.0;
    for (std::size_t j = 0; j < width; ++j) sum += row[j];
    const double row_mean = sum / static_cast<double>(width);
    for (std::size_t j = 0; j < width; ++j) squares += (row[j] - row_mean) * (row[j] - row_mean);
    mean[r] = static_cast<float>(row_mean);
    invstd[r] = static_cast<float>(1.0 / std::sqrt(squares / static_cast<double>(width) + eps));
    float* out = y + r * width;
    const float m = mean[r], a = invstd[r];
    if (affine) {
      for (std::size_t j = 0; j < width; ++j) out[j] = (row[j] - m) * a * w[j] + b[j];
    } else {
      for (std::size_t j = 0; j < width; ++j) out[j] = (row[j] - m) * a;
    }
  }

  BackwardFn backward = [rows, width, affine, mean = std::move(mean),
                         invstd = std::move(invstd)](BackwardContext& ctx) {
    const float* x = ctx.input(0).data();
    const float* w = affine ? ctx.input(1).data() : nullptr;
    const float* g = ctx.grad.data();
    Array grad = ctx.needs_grad(0) ? Array::from_shape(ctx.grad.shape()) : Array();
    std::vector<double> weight_share(affine ? width : 0, 0.0), bias_share(affine ? width : 0, 0.0);
    for (std::size_t r = 0; r < rows; ++r) {
      const float* xr = x + r * width;
      const float* gr = g + r * width;
      const float m = mean[r], a = invstd[r];
      if (affine) {
        for (std::size_t j = 0; j < width; ++j) {
          weight_share[j] += static_cast<double>(gr[j]) * ((xr[j] - m) * a);
          bias_share[j] += gr[j];
        }
      }
      if (!ctx.needs_grad(0)) continue;
      double gw_sum = 0.0, gw_xhat_sum = 0.0;
      for (std::size_t j = 0; j < width; ++j) {
        const float gw = gr[j] * (w ? w[j] : 1.0f);
        gw_sum += gw;
        gw_xhat_sum += static_cast<double>(gw) * ((xr[j] - m) * a);
      }
      const auto gw_mean = static_cast<float>(gw_sum / static_cast<double>(width));
      const auto gw_xhat_mean = static_cast<float>(gw_xhat_sum / static_cast<double>(width));
      float* dx = grad.data() + r * width;
      for (std::size_t j = 0; j < width; ++j) {
        const float gw = gr[j] * (w ? w[j] : 1.0f);
        dx[j] = a * (gw - gw_mean - (xr[j] - m) * a * gw_xhat_mean);
      }
    }
    if (ctx.needs_grad(0)) ctx.accumulate(0, std::move(grad));
    if (affine) write_affine_grads(ctx, weight_share, bias_share);
  };
  if (affine) return record("layer_norm", std::move(output), {input, weight, bias}, std::move(backward));
  return record("layer_norm", std::move(output), {input}, std::move(backward));
}

}  // namespace xg::nn::functional
