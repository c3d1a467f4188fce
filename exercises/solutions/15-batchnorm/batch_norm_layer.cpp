// Exercise 15, the reference solution.
#include "batch_norm_layer.hpp"

#include <xgrad/core/error.hpp>

#include <cmath>
#include <vector>

namespace course {

namespace {

// y = x * scale + shift per feature, scale = invstd * w and shift = b - mean * scale: the
// normalization and the affine map folded into one multiply and add per element.
xg::Array scale_and_shift(const xg::Array& x, const xg::Array& weight, const xg::Array& bias,
                          const std::vector<float>& mean, const std::vector<float>& invstd) {
  const std::size_t rows = x.shape()[0], features = x.shape()[1];
  std::vector<float> scale(features), shift(features);
  for (std::size_t c = 0; c < features; ++c) {
    scale[c] = invstd[c] * weight(c);
    shift[c] = bias(c) - mean[c] * scale[c];
  }
  xg::Array y = xg::Array::from_shape({rows, features});
  for (std::size_t n = 0; n < rows; ++n) {
    for (std::size_t c = 0; c < features; ++c) y(n, c) = x(n, c) * scale[c] + shift[c];
  }
  return y;
}

}  // namespace

BatchNormForward batch_norm_train(const xg::Array& x, const xg::Array& weight, const xg::Array& bias,
                                  xg::Array& running_mean, xg::Array& running_var, double momentum, double eps) {
  const std::size_t rows = x.shape()[0], features = x.shape()[1];
  const auto count = static_cast<double>(rows);
  BatchNormForward out;
  out.mean.resize(features);
  out.invstd.resize(features);
  // Sums in double, and two passes (the mean first, then the squared deviations from it).
  std::vector<double> sum(features, 0.0), squares(features, 0.0);
  for (std::size_t n = 0; n < rows; ++n) {
    for (std::size_t c = 0; c < features; ++c) sum[c] += x(n, c);
  }
  for (std::size_t c = 0; c < features; ++c) out.mean[c] = static_cast<float>(sum[c] / count);
  for (std::size_t n = 0; n < rows; ++n) {
    for (std::size_t c = 0; c < features; ++c) {
      const double deviation = static_cast<double>(x(n, c)) - out.mean[c];
      squares[c] += deviation * deviation;
    }
  }
  const auto m = static_cast<float>(momentum);
  for (std::size_t c = 0; c < features; ++c) {
    out.invstd[c] = static_cast<float>(1.0 / std::sqrt(squares[c] / count + eps));  // the biased variance
    running_mean(c) = m * out.mean[c] + (1.0f - m) * running_mean(c);
    // The running variance takes the unbiased one (divided by N - 1), as torch does.
    running_var(c) = m * static_cast<float>(squares[c] / (count - 1)) + (1.0f - m) * running_var(c);
  }
  out.output = scale_and_shift(x, weight, bias, out.mean, out.invstd);
  return out;
}

BatchNormForward batch_norm_eval(const xg::Array& x, const xg::Array& weight, const xg::Array& bias,
                                 const xg::Array& running_mean, const xg::Array& running_var, double eps) {
  const std::size_t features = x.shape()[1];
  BatchNormForward out;
  out.mean.resize(features);
  out.invstd.resize(features);
  for (std::size_t c = 0; c < features; ++c) {
    out.mean[c] = running_mean(c);
    out.invstd[c] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(running_var(c)) + eps));
  }
  out.output = scale_and_shift(x, weight, bias, out.mean, out.invstd);
  return out;
}

// dx = (g - mean(g) - xhat * mean(g * xhat)) * invstd * w in training; g * invstd * w in evaluation.
BatchNormGradients batch_norm_backward(const xg::Array& grad, const xg::Array& x, const xg::Array& weight,
                                       const BatchNormForward& saved, bool training) {
  const std::size_t rows = x.shape()[0], features = x.shape()[1];
  const auto count = static_cast<double>(rows);
  const std::vector<float>& mean = saved.mean;
  const std::vector<float>& invstd = saved.invstd;
  std::vector<double> grad_sum(features, 0.0), grad_dot_xhat(features, 0.0);
  for (std::size_t n = 0; n < rows; ++n) {
    for (std::size_t c = 0; c < features; ++c) {
      grad_sum[c] += grad(n, c);
      grad_dot_xhat[c] += static_cast<double>(grad(n, c)) * ((x(n, c) - mean[c]) * invstd[c]);
    }
  }
  BatchNormGradients g{xg::Array::from_shape({rows, features}), xg::Array::from_shape({features}),
                       xg::Array::from_shape({features})};
  std::vector<float> gain(features), grad_mean(features), xhat_mean(features);
  for (std::size_t c = 0; c < features; ++c) {
    gain[c] = invstd[c] * weight(c);
    grad_mean[c] = training ? static_cast<float>(grad_sum[c] / count) : 0.0f;
    xhat_mean[c] = training ? static_cast<float>(grad_dot_xhat[c] / count) : 0.0f;
    g.weight(c) = static_cast<float>(grad_dot_xhat[c]);
    g.bias(c) = static_cast<float>(grad_sum[c]);
  }
  for (std::size_t n = 0; n < rows; ++n) {
    for (std::size_t c = 0; c < features; ++c) {
      const float xhat = (x(n, c) - mean[c]) * invstd[c];
      g.x(n, c) = (grad(n, c) - grad_mean[c] - xhat * xhat_mean[c]) * gain[c];
    }
  }
  return g;
}

}  // namespace course
