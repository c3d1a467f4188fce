// Classification losses on class labels: cross_entropy (log_softmax and the negative log likelihood
// fused into one op) and nll_loss, each forward beside its backward.
//
// For a row x of C logits with label y, label smoothing s and class weights w (all 1 without a
// weight; torch 1.13's formula, which weighs the smoothing term's classes by their own weights):
//   log p_c = x_c - m - log(sum_k e^(x_k - m)),  m = max_k x_k  (stable: no overflow at 1e4)
//   loss    = (1 - s) w_y (-log p_y) + (s / C) sum_c w_c (-log p_c)
//   dloss/dx_c = a p_c - b_c,  a = (1 - s) w_y + (s / C) sum_k w_k,  b_c = (1 - s) w_y [c = y] + (s / C) w_c
// (without weights: p_c - q_c, q = (1 - s) onehot(y) + s / C). Rows labelled ignore_index contribute 0,
// and the mean divides by the sum of w_y over the other rows: their count without weights.

#include <xgrad/autograd/detail/elementwise.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>
#include <xgrad/nn/detail/loss_reduction.hpp>
#include <xgrad/nn/functional.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace xg::nn::functional {

namespace {

// The class weights as floats, checked to be one per class; empty when there are none.
std::vector<float> class_weights(const char* op, const Tensor& weight, std::size_t classes) {
  if (!weight.defined()) return {};
  if (weight.dim() != 1 || weight.numel() != classes) {
    throw Error(std::string(op) + ": expected a weight of shape [" + std::to_string(classes) +
                "], one per class, got " + to_string(weight.shape()));
  }
  return std::vector<float>(weight.data().begin(), weight.data().end());
}

// The weight of class c: 1 without weights.
float weight_of(const std::vector<float>& weights, std::int64_t c) {
  return weights.empty() ? 1.0f : weights[static_cast<std::size_t>(c)];
}

}  // namespace

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
  std::vector<float> weights = class_weights(op, options.weight(), classes);

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
  double count = 0.0;  // the mean's denominator
  for (std::size_t i = 0; i < rows; ++i) {
    float* shifted = p + i * classes;  // x - m, becoming log p
    if (labels[i] == ignore_index) continue;
    const double picked = weight_of(weights, labels[i]);
    count += picked;
    const float* e = exps.data() + i * classes;
    float sum = 0.0f;
    for (std::size_t c = 0; c < classes; ++c) sum += e[c];
    const float log_sum = std::log(sum);
    const double nll = -static_cast<double>(shifted[labels[i]] - log_sum);
    double sum_log_p = 0.0;  // sum_c w_c log p_c
    for (std::size_t c = 0; c < classes; ++c) {
      shifted[c] -= log_sum;
      sum_log_p += static_cast<double>(weight_of(weights, static_cast<std::int64_t>(c))) * shifted[c];
    }
    losses(i) =
        static_cast<float>((1.0 - smoothing) * picked * nll - smoothing / static_cast<double>(classes) * sum_log_p);
  }
  vector_math::exp(p, p, probs.size());
  for (std::size_t i = 0; i < rows; ++i) {
    if (labels[i] == ignore_index) std::fill(p + i * classes, p + (i + 1) * classes, 0.0f);
  }

  const Reduction reduction = options.reduction();
  return record("cross_entropy", detail::reduce_losses(std::move(losses), reduction, count), {logits},
                [probs = std::move(probs), labels, ignore_index, smoothing, reduction, count,
                 weights = std::move(weights)](BackwardContext& ctx) {
                  const std::size_t rows = probs.shape()[0], classes = probs.shape()[1];
                  const detail::SampleGrad sample_grad(ctx.grad, reduction, count);
                  const double share = smoothing / static_cast<double>(classes);  // s / C
                  std::vector<float> off_target(classes);                         // (s / C) w_c
                  double total_weight = 0.0;                                      // sum_k w_k
                  for (std::size_t c = 0; c < classes; ++c) {
                    const double w = weight_of(weights, static_cast<std::int64_t>(c));
                    off_target[c] = static_cast<float>(share * w);
                    total_weight += w;
                  }
                  Array grad = xt::zeros<float>({rows, classes});
                  for (std::size_t i = 0; i < rows; ++i) {
                    if (labels[i] == ignore_index) continue;
                    const double on_weight = (1.0 - smoothing) * weight_of(weights, labels[i]);  // (1 - s) w_y
                    const auto a = static_cast<float>(on_weight + share * total_weight);
                    const float g = sample_grad[i];
                    const float* p = probs.data() + i * classes;
                    float* dx = grad.data() + i * classes;
                    for (std::size_t c = 0; c < classes; ++c) dx[c] = g * (a * p[c] - off_target[c]);
                    const auto y = static_cast<std::size_t>(labels[i]);
                    dx[y] = g * (a * p[y] - (static_cast<float>(on_weight) + off_target[y]));
                  }
                  ctx.accumulate(0, std::move(grad));
                });
}

// loss_i = -w_y x[i, y_i];  dloss_i/dx[i, y_i] = -w_y and 0 elsewhere; the mean divides by sum w_y.
Tensor nll_loss(const Tensor& log_probs, const Labels& labels, const NLLLossOptions& options) {
  const char* op = "NLLLoss";
  check_class_scores(op, log_probs, "log-probabilities");
  check_labels(op, labels, log_probs.shape(), options.ignore_index());
  const std::size_t rows = log_probs.shape()[0], classes = log_probs.shape()[1];
  const std::int64_t ignore_index = options.ignore_index();
  std::vector<float> weights = class_weights(op, options.weight(), classes);

  Array losses = xt::zeros<float>({rows});
  double count = 0.0;
  for (std::size_t i = 0; i < rows; ++i) {
    if (labels[i] == ignore_index) continue;
    const float picked = weight_of(weights, labels[i]);
    count += picked;
    losses(i) = -picked * log_probs.data().data()[i * classes + static_cast<std::size_t>(labels[i])];
  }

  const Reduction reduction = options.reduction();
  return record(
      "nll_loss", detail::reduce_losses(std::move(losses), reduction, count), {log_probs},
      [labels, ignore_index, reduction, count, rows, classes, weights = std::move(weights)](BackwardContext& ctx) {
        const detail::SampleGrad sample_grad(ctx.grad, reduction, count);
        Array grad = xt::zeros<float>({rows, classes});
        for (std::size_t i = 0; i < rows; ++i) {
          if (labels[i] != ignore_index)
            grad.data()[i * classes + static_cast<std::size_t>(labels[i])] =
                -sample_grad[i] * weight_of(weights, labels[i]);
        }
        ctx.accumulate(0, std::move(grad));
      });
}

}  // namespace xg::nn::functional
