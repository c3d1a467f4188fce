// Elementwise losses between an input and a target of the same shape, each forward beside its
// backward. Both the input and the target may require grad, as in PyTorch.

#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>
#include <xgrad/nn/detail/loss_reduction.hpp>
#include <xgrad/nn/functional.hpp>

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

// Records an elementwise loss: loss_i = f(x_i, t_i), with dloss_i/dx_i = dx(x_i, t_i) and
// dloss_i/dt_i = dt(x_i, t_i).
template <class Loss, class GradInput, class GradTarget>
Tensor elementwise_loss(const char* op, const Tensor& input, const Tensor& target, Reduction reduction, Loss f,
                        GradInput dx, GradTarget dt) {
  check_same_shape(op, input, target);
  const std::size_t n = input.numel();
  Array losses = Array::from_shape(input.data().shape());
  const float* x = input.data().data();
  const float* t = target.data().data();
  for (std::size_t i = 0; i < n; ++i) losses.data()[i] = f(x[i], t[i]);
  const auto count = static_cast<double>(n);
  return record(op, detail::reduce_losses(std::move(losses), reduction, count), {input, target},
                [reduction, count, dx, dt](BackwardContext& ctx) {
                  const detail::SampleGrad sample_grad(ctx.grad, reduction, count);
                  const float* x = ctx.input(0).data();
                  const float* t = ctx.input(1).data();
                  for (std::size_t which = 0; which < 2; ++which) {
                    if (!ctx.needs_grad(which)) continue;
                    Array grad = Array::from_shape(ctx.input(0).shape());
                    for (std::size_t i = 0; i < grad.size(); ++i) {
                      grad.data()[i] = sample_grad[i] * (which == 0 ? dx(x[i], t[i]) : dt(x[i], t[i]));
                    }
                    ctx.accumulate(which, std::move(grad));
                  }
                });
}

}  // namespace

// (x - t)^2;  d/dx = 2 (x - t),  d/dt = -2 (x - t)
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return elementwise_loss(
      "MSELoss", input, target, reduction, [](float x, float t) { return (x - t) * (x - t); },
      [](float x, float t) { return 2.0f * (x - t); }, [](float x, float t) { return -2.0f * (x - t); });
}

// |x - t|;  d/dx = sign(x - t) (0 where x = t, as PyTorch's sgn),  d/dt = -sign(x - t)
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  auto sign = [](float d) { return static_cast<float>((d > 0.0f) - (d < 0.0f)); };
  return elementwise_loss(
      "L1Loss", input, target, reduction, [](float x, float t) { return std::abs(x - t); },
      [sign](float x, float t) { return sign(x - t); }, [sign](float x, float t) { return -sign(x - t); });
}

// -(t log s(x) + (1 - t) log(1 - s(x))), s the sigmoid, in PyTorch's overflow-free form
//   (1 - t) x + m + log(e^-m + e^(-x - m)),  m = max(-x, 0)
// where neither exponent is positive. d/dx = s(x) - t,  d/dt = -x.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, Reduction reduction) {
  auto stable_sigmoid = [](float x) {
    if (x >= 0.0f) return 1.0f / (1.0f + std::exp(-x));
    const float e = std::exp(x);
    return e / (1.0f + e);
  };
  return elementwise_loss(
      "BCEWithLogitsLoss", input, target, reduction,
      [](float x, float t) {
        const float m = std::max(-x, 0.0f);
        return (1.0f - t) * x + m + std::log(std::exp(-m) + std::exp(-x - m));
      },
      [stable_sigmoid](float x, float t) { return stable_sigmoid(x) - t; }, [](float x, float) { return -x; });
}

}  // namespace xg::nn::functional
