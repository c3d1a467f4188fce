// Exercise 06, the reference solution.
#include "clipping.hpp"

#include <algorithm>
#include <cmath>

namespace course {
namespace {

// The p-norm of n numbers, summed in double and rounded to float, as torch's float32 norm.
float norm_of(const float* values, std::size_t n, double p) {
  if (std::isinf(p)) {
    float largest = 0.0f;
    for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, std::fabs(values[i]));
    return largest;
  }
  double total = 0.0;
  if (p == 2.0) {
    for (std::size_t i = 0; i < n; ++i) total += static_cast<double>(values[i]) * values[i];
    return static_cast<float>(std::sqrt(total));
  }
  for (std::size_t i = 0; i < n; ++i) total += std::pow(std::fabs(static_cast<double>(values[i])), p);
  return static_cast<float>(std::pow(total, 1.0 / p));
}

}  // namespace

double clip_by_global_norm(const std::vector<xg::Tensor>& params, double max_norm, double norm_type) {
  // The norm of the per-tensor norms: the same as the norm of everything in one vector.
  std::vector<float> norms;
  for (const xg::Tensor& p : params) {
    if (p.has_grad()) norms.push_back(norm_of(p.grad().data(), p.grad().size(), norm_type));
  }
  if (norms.empty()) return 0.0;
  const float total = norm_of(norms.data(), norms.size(), norm_type);
  // torch: max_norm / (total + 1e-6) in float32, computed as a reciprocal times max_norm; the 1e-6
  // keeps a zero norm from dividing by zero.
  const float factor = (1.0f / (total + static_cast<float>(1e-6))) * static_cast<float>(max_norm);
  if (factor < 1.0f) {
    for (xg::Tensor p : params) {
      if (!p.has_grad()) continue;
      xg::Array& grad = p.mutable_grad();
      for (float& g : grad) g = g * factor;
    }
  }
  return total;
}

void clip_by_value(const std::vector<xg::Tensor>& params, double clip_value) {
  const auto high = static_cast<float>(clip_value);
  for (xg::Tensor p : params) {
    if (!p.has_grad()) continue;
    for (float& g : p.mutable_grad()) g = std::min(std::max(g, -high), high);
  }
}

double clipped_training_step(const std::function<xg::Tensor()>& loss, xg::optim::Optimizer& optimizer,
                             const std::vector<xg::Tensor>& params, double max_norm) {
  optimizer.zero_grad();  // gradients add up over backward calls: clear the last step's first
  loss().backward();
  const double norm = clip_by_global_norm(params, max_norm);  // after backward made them, before step uses them
  optimizer.step();
  return norm;
}

}  // namespace course
