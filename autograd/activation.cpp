// Activation functions, each forward beside its backward.

#include <xgrad/autograd/detail/elementwise.hpp>
#include <xgrad/autograd/ops.hpp>

#include <cmath>

namespace xg {

// relu'(x) = 1 where x > 0, else 0 (0 at x = 0, as in PyTorch). NaN passes through, gradient and all,
// as in PyTorch, so that a diverged model shows NaN rather than silent zeros.
Tensor relu(const Tensor& x) {
  return record("relu", map(x.data(), [](float v) { return v < 0.0f ? 0.0f : v; }), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(
        0, broadcast_apply("relu", ctx.grad, ctx.output, [](float g, float y) { return y <= 0.0f ? 0.0f : g; }));
  });
}

// leaky_relu'(x) = 1 for x > 0, else negative_slope.
Tensor leaky_relu(const Tensor& x, float negative_slope) {
  const float slope = negative_slope;
  return record("leaky_relu", map(x.data(), [slope](float v) { return v > 0.0f ? v : v * slope; }), {x},
                [slope](BackwardContext& ctx) {
                  ctx.accumulate(0, broadcast_apply("leaky_relu", ctx.grad, ctx.input(0),
                                                    [slope](float g, float v) { return v > 0.0f ? g : g * slope; }));
                });
}

// tanh'(x) = 1 - tanh(x)^2: reuse the output. 1 - y^2 is formed in double, which rounds it once like
// PyTorch's fused multiply-add does.
Tensor tanh(const Tensor& x) {
  return record("tanh", map_vector(vector_math::tanh, x.data()), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("tanh", ctx.grad, ctx.output, [](float g, float y) {
                     return g * static_cast<float>(1.0 - static_cast<double>(y) * y);
                   }));
  });
}

// sigmoid(x) = 1 / (1 + e^-x), PyTorch's formula: for x below about -88, e^-x overflows to inf and the
// result is exactly 0, as in PyTorch. sigmoid'(x) = s (1 - s): reuse the output.
Tensor sigmoid(const Tensor& x) {
  Array s = map_vector(vector_math::exp, x.data(), [](float v) { return -v; });  // e^-x
  float* ps = s.data();
  for (std::size_t i = 0, n = s.size(); i < n; ++i) ps[i] = 1.0f / (1.0f + ps[i]);
  return record("sigmoid", std::move(s), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(
        0, broadcast_apply("sigmoid", ctx.grad, ctx.output, [](float g, float s) { return g * (1.0f - s) * s; }));
  });
}

// gelu(x) = x Phi(x), Phi the standard normal CDF = (1 + erf(x / sqrt 2)) / 2.
// gelu'(x) = Phi(x) + x phi(x), phi the standard normal density. erf and exp run over whole arrays
// (core/vector_math.hpp); the rest is one loop.
Tensor gelu(const Tensor& x) {
  constexpr float inv_sqrt2 = 0.70710678118654752f;
  constexpr float inv_sqrt_2pi = 0.39894228040143268f;
  Array y = map_vector(vector_math::erf, x.data(), [](float v) { return v * inv_sqrt2; });  // erf(x / sqrt 2)
  const float* px = x.data().data();
  float* py = y.data();
  for (std::size_t i = 0, n = y.size(); i < n; ++i) py[i] = 0.5f * px[i] * (1.0f + py[i]);
  return record("gelu", std::move(y), {x}, [](BackwardContext& ctx) {
    const Array& input = ctx.input(0);
    Array grad = map_vector(vector_math::erf, input, [](float v) { return v * inv_sqrt2; });
    const Array gauss = map_vector(vector_math::exp, input, [](float v) { return -0.5f * v * v; });  // e^(-x^2/2)
    const float* g = ctx.grad.data();
    const float* v = input.data();
    const float* e = gauss.data();
    float* out = grad.data();
    for (std::size_t i = 0, n = grad.size(); i < n; ++i) {
      const float cdf = 0.5f * (1.0f + out[i]);
      const float pdf = inv_sqrt_2pi * e[i];
      out[i] = g[i] * (cdf + v[i] * pdf);
    }
    ctx.accumulate(0, std::move(grad));
  });
}

}  // namespace xg
