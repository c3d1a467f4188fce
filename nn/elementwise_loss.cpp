// Elementwise losses between an input and a target of the same shape, each forward beside its
// backward. Both the input and the target may require grad, as in PyTorch; weights are constants.

#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>
#include <xgrad/nn/detail/loss_reduction.hpp>
#include <xgrad/nn/functional.hpp>

#include <algorithm>
#include <cmath>

namespace xg::nn::functional {

namespace {

void check_same_shape(const char* op, const Tensor& input, const Tensor& target) {
  if (!target.defined()) {
    throw Error(std::string(op) +
                ": the target is undefined (a Batch has targets only when its dataset has float "
                "targets; class labels are batch.labels)");
  }
  if (input.shape() != target.shape()) {
    throw Error(std::string(op) + ": expected the target to have the input's shape " + to_string(input.shape()) +
                ", got " + to_string(target.shape()));
  }
}

// An optional weight per element whose shape ends the input's ([K] for [N, K], or the whole shape):
// element i of the input takes weight[i % K], which is how PyTorch broadcasts it. Without one, every
// element weighs 1.
class RepeatingWeight {
 public:
  RepeatingWeight() = default;
  RepeatingWeight(const char* op, const char* what, const Tensor& weight, const Tensor& input) {
    if (!weight.defined()) return;
    const Shape& w = weight.shape();
    const Shape& x = input.shape();
    if (w.size() > x.size() || !std::equal(w.begin(), w.end(), x.end() - static_cast<std::ptrdiff_t>(w.size()))) {
      const std::string last = x.empty() ? "[]" : "[" + std::to_string(x.back()) + "]";
      throw Error(std::string(op) + ": expected " + what + " of the input's shape " + to_string(x) +
                  " or of its trailing dimensions, such as " + last + ", got " + to_string(w));
    }
    values_ = weight.data();
    defined_ = true;
  }
  float operator[](std::size_t i) const { return defined_ ? values_.data()[i % values_.size()] : 1.0f; }
  bool defined() const { return defined_; }

 private:
  Array values_;
  bool defined_ = false;
};

// Records an elementwise loss: loss_i = w_i f(x_i, t_i, i), with dloss_i/dx_i = w_i dx(x_i, t_i, i)
// and dloss_i/dt_i = w_i dt(x_i, t_i, i), w the optional weight. Reduction::Mean divides by `count`,
// every element unless told otherwise (KLDivLoss's batchmean divides by the batch size).
template <class Loss, class GradInput, class GradTarget>
Tensor elementwise_loss(const char* op, const Tensor& input, const Tensor& target, Reduction reduction, Loss f,
                        GradInput dx, GradTarget dt, RepeatingWeight weight = {}, double count = -1.0) {
  check_same_shape(op, input, target);
  const std::size_t n = input.numel();
  if (count < 0.0) count = static_cast<double>(n);
  Array losses = Array::from_shape(input.data().shape());
  const float* x = input.data().data();
  const float* t = target.data().data();
  for (std::size_t i = 0; i < n; ++i) losses.data()[i] = weight[i] * f(x[i], t[i], i);
  return record(op, detail::reduce_losses(std::move(losses), reduction, count), {input, target},
                [reduction, count, dx, dt, weight = std::move(weight)](BackwardContext& ctx) {
                  const detail::SampleGrad sample_grad(ctx.grad, reduction, count);
                  const float* x = ctx.input(0).data();
                  const float* t = ctx.input(1).data();
                  for (std::size_t which = 0; which < 2; ++which) {
                    if (!ctx.needs_grad(which)) continue;
                    Array grad = Array::from_shape(ctx.input(0).shape());
                    for (std::size_t i = 0; i < grad.size(); ++i) {
                      const float d = which == 0 ? dx(x[i], t[i], i) : dt(x[i], t[i], i);
                      grad.data()[i] = sample_grad[i] * weight[i] * d;
                    }
                    ctx.accumulate(which, std::move(grad));
                  }
                });
}

float sign(float d) { return static_cast<float>((d > 0.0f) - (d < 0.0f)); }

// log(1 + e^-x) without overflow: m + log(e^-m + e^(-x - m)), m = max(-x, 0), where neither
// exponent is positive (PyTorch's form).
float softplus_of_negative(float x) {
  const float m = std::max(-x, 0.0f);
  return std::log(std::exp(-m) + std::exp(-x - m)) + m;
}

}  // namespace

// (x - t)^2;  d/dx = 2 (x - t),  d/dt = -2 (x - t)
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return elementwise_loss(
      "MSELoss", input, target, reduction, [](float x, float t, std::size_t) { return (x - t) * (x - t); },
      [](float x, float t, std::size_t) { return 2.0f * (x - t); },
      [](float x, float t, std::size_t) { return -2.0f * (x - t); });
}

// |x - t|;  d/dx = sign(x - t) (0 where x = t, as PyTorch's sgn),  d/dt = -sign(x - t)
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return elementwise_loss(
      "L1Loss", input, target, reduction, [](float x, float t, std::size_t) { return std::abs(x - t); },
      [](float x, float t, std::size_t) { return sign(x - t); },
      [](float x, float t, std::size_t) { return -sign(x - t); });
}

// z = |x - t|:  0.5 z^2 where z < delta, else delta (z - 0.5 delta): the two meet at z = delta with
// equal slope. d/dx = x - t clamped to [-delta, delta],  d/dt = -d/dx.
Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossOptions& options) {
  if (!(options.delta() > 0.0)) {
    throw Error("HuberLoss: expected delta > 0, got " + format_number(options.delta()));
  }
  const auto delta = static_cast<float>(options.delta());
  auto clamped = [delta](float x, float t, std::size_t) { return std::clamp(x - t, -delta, delta); };
  return elementwise_loss(
      "HuberLoss", input, target, options.reduction(),
      [delta](float x, float t, std::size_t) {
        const float z = std::abs(x - t);
        return z < delta ? 0.5f * z * z : delta * (z - 0.5f * delta);
      },
      clamped, [clamped](float x, float t, std::size_t i) { return -clamped(x, t, i); });
}

// z = |x - t|:  0.5 z^2 / beta where z < beta, else z - 0.5 beta: Huber divided by beta, so the
// linear part has slope 1. beta = 0 is the L1 loss. torch 1.13's backward: the slope of d = x - t is
// -1 for d <= -beta, 1 for d >= beta, else d / beta, and the target's is the same rule applied to
// t - x. (So with beta = 0 and x = t both gradients are -1, where L1Loss gives 0: torch's numbers.)
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossOptions& options) {
  const char* op = "SmoothL1Loss";
  if (!(options.beta() >= 0.0))
    throw Error(std::string(op) + ": expected beta >= 0, got " + format_number(options.beta()));
  const auto beta = static_cast<float>(options.beta());
  auto slope = [beta](float from, float to, std::size_t) {
    const float d = from - to;
    return d <= -beta ? -1.0f : (d >= beta ? 1.0f : d / beta);
  };
  return elementwise_loss(
      op, input, target, options.reduction(),
      [beta](float x, float t, std::size_t) {
        const float z = std::abs(x - t);
        return z < beta ? 0.5f * z * z / beta : z - 0.5f * beta;
      },
      slope, [slope](float x, float t, std::size_t i) { return slope(t, x, i); });
}

// x are probabilities:  (t - 1) max(log(1 - x), -100) - t max(log x, -100), torch 1.13's formula:
// the clamp makes x = 0 or 1 cost 100 instead of inf. d/dx = (x - t) / max(x (1 - x), 1e-12) (also
// clamped, so finite at 0 and 1); d/dt = -logit(x) = log((1 - x) / x), infinite at 0 and 1 as in PyTorch.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BCELossOptions& options) {
  const char* op = "BCELoss";
  check_same_shape(op, input, target);
  const float* x = input.data().data();
  for (std::size_t i = 0, n = input.numel(); i < n; ++i) {
    if (!(x[i] >= 0.0f && x[i] <= 1.0f)) {  // NaN fails too, as in PyTorch
      throw Error(std::string(op) + ": expected every input in [0, 1] (probabilities), got " + format_number(x[i]) +
                  " at position " + std::to_string(i));
    }
  }
  return elementwise_loss(
      op, input, target, options.reduction(),
      [](float x, float t, std::size_t) {
        return (t - 1.0f) * std::max(std::log(1.0f - x), -100.0f) - t * std::max(std::log(x), -100.0f);
      },
      [](float x, float t, std::size_t) { return (x - t) / std::max((1.0f - x) * x, 1e-12f); },
      [](float x, float, std::size_t) { return -std::log(x / (1.0f - x)); },
      RepeatingWeight(op, "a weight", options.weight(), input));
}

// -(p t log s(x) + (1 - t) log(1 - s(x))), s the sigmoid and p the pos_weight, in PyTorch's form
//   (1 - t) x + (1 + (p - 1) t) softplus(-x)
// d/dx = (p t + 1 - t) s(x) - p t  (s(x) - t without pos_weight),  d/dt = -x + (p - 1) softplus(-x).
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BCEWithLogitsLossOptions& options) {
  const char* op = "BCEWithLogitsLoss";
  auto stable_sigmoid = [](float x) {
    if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
    const float e = std::exp(x);
    return e / (1.0f + e);
  };
  const RepeatingWeight pos_weight(op, "a pos_weight", options.pos_weight(), input);
  return elementwise_loss(
      op, input, target, options.reduction(),
      [pos_weight](float x, float t, std::size_t i) {
        const float log_weight = 1.0f + (pos_weight[i] - 1.0f) * t;
        return (1.0f - t) * x + log_weight * softplus_of_negative(x);
      },
      [pos_weight, stable_sigmoid](float x, float t, std::size_t i) {
        const float pt = pos_weight[i] * t;
        return (pt + 1.0f - t) * stable_sigmoid(x) - pt;
      },
      [pos_weight](float x, float, std::size_t i) {
        return pos_weight.defined() ? -x + (pos_weight[i] - 1.0f) * softplus_of_negative(x) : -x;
      },
      RepeatingWeight(op, "a weight", options.weight(), input));
}

// x are log-probabilities. t probabilities: t log t - t x, with 0 log 0 = 0 (torch's xlogy);
// d/dx = -t, d/dt = log t + 1 - x (NaN at t = 0, where torch's xlogy backward divides 0 by 0).
// t log-probabilities (log_target): e^t (t - x); d/dx = -e^t, d/dt = e^t (t - x + 1).
Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivLossOptions& options) {
  const char* op = "KLDivLoss";
  Reduction reduction = Reduction::Mean;
  double count = static_cast<double>(input.numel());
  switch (options.reduction()) {
    case KLDivReduction::None:
      reduction = Reduction::None;
      break;
    case KLDivReduction::Sum:
      reduction = Reduction::Sum;
      break;
    case KLDivReduction::Mean:
      break;
    case KLDivReduction::BatchMean:
      if (input.dim() == 0) {
        throw Error(std::string(op) + ": reduction 'batchmean' needs a batch dimension, got an input of shape []");
      }
      count = static_cast<double>(input.shape()[0]);
      break;
  }
  if (options.log_target()) {
    return elementwise_loss(
        op, input, target, reduction, [](float x, float t, std::size_t) { return std::exp(t) * (t - x); },
        [](float, float t, std::size_t) { return -std::exp(t); },
        [](float x, float t, std::size_t) { return std::exp(t) * (t - x + 1.0f); }, {}, count);
  }
  return elementwise_loss(
      op, input, target, reduction,
      [](float x, float t, std::size_t) { return (t == 0.0f ? 0.0f : t * std::log(t)) - t * x; },
      [](float, float t, std::size_t) { return -t; },
      [](float x, float t, std::size_t) { return (t == 0.0f ? 0.0f : std::log(t)) + t / t - x; }, {}, count);
}

}  // namespace xg::nn::functional
