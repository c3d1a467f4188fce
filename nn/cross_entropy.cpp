// Classification losses on class labels: cross_entropy (log_softmax and the negative log likelihood
// fused into one op) and nll_loss, each forward beside its backward.
//
// For a row x of C logits with label y and label smoothing s (PyTorch's formula):
//   log p_c = x_c - m - log(sum_k e^(x_k - m)),  m = max_k x_k  (stable: no overflow at 1e4)
//   loss    = (1 - s) (-log p_y) + (s / C) sum_c (-log p_c)
//   dloss/dx_c = p_c - q_c,  q = (1 - s) onehot(y) + s / C
// Rows labelled ignore_index contribute 0 and do not count in the mean.

#include <xgrad/autograd/detail/elementwise.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>
#include <xgrad/nn/detail/loss_reduction.hpp>
#include <xgrad/nn/functional.hpp>

#include <algorithm>
#include <cmath>

namespace xg::nn::functional {

Tensor cross_entropy(const Tensor& logits, const Labels& labels, const CrossEntropyLossOptions& options) {
  const char* op = "CrossEntropyLoss";
  check_class_scores(op, logits);
  check_labels(op, labels, logits.shape(), options.ignore_index());
  const double smoothing = options.label_smoothing();
  if (!(smoothing >= 0.0 && smoothing <= 1.0)) {
    throw Error(std::string(op) + ": expected label_smoothing in [0, 1], got " + format_number(smoothing));
  }
  const std::size_t rows = logits.shape()[0], classes = logits.shape()[1];
  const std::int64_t ignore_index = options.ignore_index();

  // Three passes over the [rows, classes] block, so that the exponentials run over whole arrays
  // (core/vector_math.hpp): x - m, then log p = (x - m) - log(sum e^(x - m)), then p = e^(log p), the
  // softmax kept for the backward (0 in ignored rows).
  const float* x = logits.data().data();
  Array probs = Array::from_shape({rows, classes});
  float* p = probs.data();
  for (std::size_t i = 0; i < rows; ++i) {
    const float* row = x + i * classes;
    const float m = *std::max_element(row, row + classes);
    for (std::size_t c = 0; c < classes; ++c) p[i * classes + c] = row[c] - m;
  }
  const Array exps = map_vector(vector_math::exp, probs);
  Array losses = xt::zeros<float>({rows});
  std::size_t counted = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    float* shifted = p + i * classes;  // x - m, becoming log p
    if (labels[i] == ignore_index) continue;
    ++counted;
    const float* e = exps.data() + i * classes;
    float sum = 0.0f;
    for (std::size_t c = 0; c < classes; ++c) sum += e[c];
    const float log_sum = std::log(sum);
    const double nll = -static_cast<double>(shifted[labels[i]] - log_sum);
    double sum_log_p = 0.0;
    for (std::size_t c = 0; c < classes; ++c) {
      shifted[c] -= log_sum;
      sum_log_p += shifted[c];
    }
    losses(i) = static_cast<float>((1.0 - smoothing) * nll - smoothing / static_cast<double>(classes) * sum_log_p);
  }
  vector_math::exp(p, p, probs.size());
  for (std::size_t i = 0; i < rows; ++i) {
    if (labels[i] == ignore_index) std::fill(p + i * classes, p + (i + 1) * classes, 0.0f);
  }

  const Reduction reduction = options.reduction();
  const auto count = static_cast<double>(counted);
  return record("cross_entropy", detail::reduce_losses(std::move(losses), reduction, count), {logits},
                [probs = std::move(probs), labels, ignore_index, smoothing, reduction, count](BackwardContext& ctx) {
                  const std::size_t rows = probs.shape()[0], classes = probs.shape()[1];
                  const detail::SampleGrad sample_grad(ctx.grad, reduction, count);
                  const auto off_target = static_cast<float>(smoothing / static_cast<double>(classes));
                  const auto on_target = static_cast<float>(1.0 - smoothing) + off_target;
                  Array grad = xt::zeros<float>({rows, classes});
                  for (std::size_t i = 0; i < rows; ++i) {
                    if (labels[i] == ignore_index) continue;
                    const float w = sample_grad[i];
                    const float* p = probs.data() + i * classes;
                    float* dx = grad.data() + i * classes;
                    for (std::size_t c = 0; c < classes; ++c) dx[c] = w * (p[c] - off_target);
                    dx[labels[i]] = w * (p[labels[i]] - on_target);
                  }
                  ctx.accumulate(0, std::move(grad));
                });
}

// loss_i = -x[i, y_i];  dloss_i/dx[i, y_i] = -1 and 0 elsewhere.
Tensor nll_loss(const Tensor& log_probs, const Labels& labels, const NLLLossOptions& options) {
  const char* op = "NLLLoss";
  check_class_scores(op, log_probs, "log-probabilities");
  check_labels(op, labels, log_probs.shape(), options.ignore_index());
  const std::size_t rows = log_probs.shape()[0], classes = log_probs.shape()[1];
  const std::int64_t ignore_index = options.ignore_index();

  Array losses = xt::zeros<float>({rows});
  std::size_t counted = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    if (labels[i] == ignore_index) continue;
    ++counted;
    losses(i) = -log_probs.data().data()[i * classes + static_cast<std::size_t>(labels[i])];
  }

  const Reduction reduction = options.reduction();
  const auto count = static_cast<double>(counted);
  return record("nll_loss", detail::reduce_losses(std::move(losses), reduction, count), {log_probs},
                [labels, ignore_index, reduction, count, rows, classes](BackwardContext& ctx) {
                  const detail::SampleGrad sample_grad(ctx.grad, reduction, count);
                  Array grad = xt::zeros<float>({rows, classes});
                  for (std::size_t i = 0; i < rows; ++i) {
                    if (labels[i] != ignore_index)
                      grad.data()[i * classes + static_cast<std::size_t>(labels[i])] = -sample_grad[i];
                  }
                  ctx.accumulate(0, std::move(grad));
                });
}

}  // namespace xg::nn::functional
