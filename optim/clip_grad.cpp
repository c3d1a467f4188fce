#include <xgrad/optim/clip_grad.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/optim/optimizer.hpp>

#include <algorithm>
#include <cmath>

namespace xg::optim {
namespace {

// The p-norm of one gradient, accumulated in double and rounded to float as torch's float32 result is.
float norm_of(const Array& grad, double p) {
  const float* g = grad.data();
  const std::size_t n = grad.size();
  if (std::isinf(p)) {
    float largest = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
      const float a = std::fabs(g[i]);
      if (a > largest || std::isnan(a)) largest = a;
    }
    return largest;
  }
  double total = 0.0;
  if (p == 2.0) {
    for (std::size_t i = 0; i < n; ++i) total += static_cast<double>(g[i]) * g[i];
    return static_cast<float>(std::sqrt(total));
  }
  for (std::size_t i = 0; i < n; ++i) total += std::pow(std::fabs(static_cast<double>(g[i])), p);
  return static_cast<float>(std::pow(total, 1.0 / p));
}

}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  if (!(norm_type > 0)) {
    throw Error("clip_grad_norm_: invalid norm_type " + format_number(norm_type) + " (expected p > 0 or INFINITY)");
  }
  std::vector<Tensor> with_grad;
  for (const Tensor& p : parameters) {
    if (p.has_grad()) with_grad.push_back(p);
  }
  if (with_grad.empty()) return 0.0;
  // As torch: the norm of the per-tensor norms.
  Array norms = Array::from_shape({with_grad.size()});
  for (std::size_t i = 0; i < with_grad.size(); ++i) norms(i) = norm_of(with_grad[i].grad(), norm_type);
  const float total_norm = norm_of(norms, norm_type);
  if (error_if_nonfinite && !std::isfinite(total_norm)) {
    throw Error("clip_grad_norm_: the total norm of order " + format_number(norm_type) + " of the gradients is " +
                format_number(total_norm) +
                ", so it cannot be clipped (pass error_if_nonfinite = false to scale by it anyway)");
  }
  // torch: max_norm / (total_norm + 1e-6) on float32 tensors, which Python evaluates as
  // reciprocal(total_norm + 1e-6) * max_norm.
  const float clip_coef = (1.0f / (total_norm + static_cast<float>(1e-6))) * static_cast<float>(max_norm);
  if (clip_coef < 1.0f || std::isnan(clip_coef)) {
    for (Tensor& p : with_grad) {
      Array& grad = p.mutable_grad();
      float* g = grad.data();
      for (std::size_t i = 0; i < grad.size(); ++i) g[i] = g[i] * clip_coef;
    }
  }
  return total_norm;
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  const auto high = static_cast<float>(clip_value);
  const float low = -high;
  for (Tensor p : parameters) {
    if (!p.has_grad()) continue;
    Array& grad = p.mutable_grad();
    float* g = grad.data();
    // min(max(g, low), high) keeps NaN, as torch.clamp does.
    for (std::size_t i = 0; i < grad.size(); ++i) g[i] = std::min(std::max(g[i], low), high);
  }
}

}  // namespace xg::optim
