// Exercise 11, the reference solution.
#include "softmax_cross_entropy.hpp"

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>

namespace course {

namespace {

// x - m for every element, m the maximum of its row: the exponent both softmaxes share. Each row's
// largest value becomes 0, so e^(x - m) is at most 1 and never overflows.
xg::Array minus_row_max(const xg::Array& logits) {
  const std::size_t rows = logits.shape()[0], classes = logits.shape()[1];
  xg::Array shifted = xg::Array::from_shape({rows, classes});
  for (std::size_t i = 0; i < rows; ++i) {
    const float* x = logits.data() + i * classes;
    const float m = *std::max_element(x, x + classes);
    for (std::size_t c = 0; c < classes; ++c) shifted.data()[i * classes + c] = x[c] - m;
  }
  return shifted;
}

// The sum of e^(x - m) of row i, in float, in order.
float row_sum(const xg::Array& exps, std::size_t i) {
  const std::size_t classes = exps.shape()[1];
  float sum = 0.0f;
  for (std::size_t c = 0; c < classes; ++c) sum += exps.data()[i * classes + c];
  return sum;
}

}  // namespace

xg::Array softmax_rows(const xg::Array& logits) {
  xg::Array probs = minus_row_max(logits);
  exp_in_place(probs.data(), probs.size());
  const std::size_t classes = probs.shape()[1];
  for (std::size_t i = 0; i < probs.shape()[0]; ++i) {
    const float inverse = 1.0f / row_sum(probs, i);  // one division per row, then multiplications
    for (std::size_t c = 0; c < classes; ++c) probs.data()[i * classes + c] *= inverse;
  }
  return probs;
}

xg::Array log_softmax_rows(const xg::Array& logits) {
  xg::Array log_probs = minus_row_max(logits);
  xg::Array exps = log_probs;
  exp_in_place(exps.data(), exps.size());
  const std::size_t classes = log_probs.shape()[1];
  for (std::size_t i = 0; i < log_probs.shape()[0]; ++i) {
    const float log_sum = std::log(row_sum(exps, i));  // log-sum-exp, less the m already taken out
    for (std::size_t c = 0; c < classes; ++c) log_probs.data()[i * classes + c] -= log_sum;
  }
  return log_probs;
}

CrossEntropyForward cross_entropy_forward(const xg::Array& logits, const xg::Labels& labels) {
  const std::size_t rows = logits.shape()[0], classes = logits.shape()[1];
  CrossEntropyForward out;
  xg::Array log_probs = log_softmax_rows(logits);
  out.losses = xg::Array::from_shape({rows});
  double total = 0.0;
  for (std::size_t i = 0; i < rows; ++i) {
    out.losses(i) = -log_probs.data()[i * classes + static_cast<std::size_t>(labels[i])];
    total += out.losses(i);
  }
  out.mean = static_cast<float>(total / static_cast<double>(rows));  // summed in double, as xgrad does
  out.probs = std::move(log_probs);
  exp_in_place(out.probs.data(), out.probs.size());  // p = e^(log p)
  return out;
}

xg::Array cross_entropy_backward(const xg::Array& probs, const xg::Labels& labels, float grad_of_mean) {
  const std::size_t rows = probs.shape()[0], classes = probs.shape()[1];
  // Each row's share of the mean: grad_of_mean / N, divided once (in double) and rounded to float.
  const auto scale = static_cast<float>(grad_of_mean / static_cast<double>(rows));
  xg::Array grad = xg::Array::from_shape({rows, classes});
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t c = 0; c < classes; ++c) {
      const float onehot = static_cast<std::int64_t>(c) == labels[i] ? 1.0f : 0.0f;
      grad.data()[i * classes + c] = scale * (probs.data()[i * classes + c] - onehot);
    }
  }
  return grad;
}

}  // namespace course
