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

// elu(x) = x for x > 0, else alpha (e^x - 1); elu'(x) = 1 for x > 0, else alpha e^x. torch 1.13 writes
// e^x - 1 rather than expm1(x), so tiny negative x give exactly 0 there too.
Tensor elu(const Tensor& x, float alpha) {
  Array y = map_vector(vector_math::exp, x.data());
  const float* px = x.data().data();
  float* py = y.data();
  for (std::size_t i = 0, n = y.size(); i < n; ++i) py[i] = px[i] <= 0.0f ? (py[i] - 1.0f) * alpha : px[i];
  return record("elu", std::move(y), {x}, [alpha](BackwardContext& ctx) {
    Array grad = map_vector(vector_math::exp, ctx.input(0));
    const float* g = ctx.grad.data();
    const float* v = ctx.input(0).data();
    float* dx = grad.data();
    for (std::size_t i = 0, n = grad.size(); i < n; ++i) dx[i] = v[i] <= 0.0f ? g[i] * alpha * dx[i] : g[i];
    ctx.accumulate(0, std::move(grad));
  });
}

// silu(x) = x sigmoid(x) = x / (1 + e^-x), PyTorch's form.
// silu'(x) = s (1 + x (1 - s)), s = sigmoid(x), recomputed from the input.
Tensor silu(const Tensor& x) {
  Array y = map_vector(vector_math::exp, x.data(), [](float v) { return -v; });  // e^-x
  const float* px = x.data().data();
  float* py = y.data();
  for (std::size_t i = 0, n = y.size(); i < n; ++i) py[i] = px[i] / (1.0f + py[i]);
  return record("silu", std::move(y), {x}, [](BackwardContext& ctx) {
    Array grad = map_vector(vector_math::exp, ctx.input(0), [](float v) { return -v; });
    const float* g = ctx.grad.data();
    const float* v = ctx.input(0).data();
    float* dx = grad.data();
    for (std::size_t i = 0, n = grad.size(); i < n; ++i) {
      const float s = 1.0f / (1.0f + dx[i]);
      dx[i] = g[i] * s * (1.0f + v[i] * (1.0f - s));
    }
    ctx.accumulate(0, std::move(grad));
  });
}

// softplus(x) = log(1 + e^(beta x)) / beta, and x itself where beta x > threshold: there the two agree
// in float and e^(beta x) could overflow. softplus'(x) = z / (z + 1), z = e^(beta x) (the sigmoid of
// beta x), and 1 above the threshold.
Tensor softplus(const Tensor& x, float beta, float threshold) {
  Array y = map_vector(vector_math::exp, x.data(), [beta](float v) { return v * beta; });  // e^(beta x)
  const float* px = x.data().data();
  float* py = y.data();
  for (std::size_t i = 0, n = y.size(); i < n; ++i) {
    py[i] = px[i] * beta > threshold ? px[i] : std::log1p(py[i]) / beta;
  }
  return record("softplus", std::move(y), {x}, [beta, threshold](BackwardContext& ctx) {
    Array grad = map_vector(vector_math::exp, ctx.input(0), [beta](float v) { return v * beta; });
    const float* g = ctx.grad.data();
    const float* v = ctx.input(0).data();
    float* dx = grad.data();
    for (std::size_t i = 0, n = grad.size(); i < n; ++i) {
      dx[i] = v[i] * beta > threshold ? g[i] : g[i] * dx[i] / (dx[i] + 1.0f);
    }
    ctx.accumulate(0, std::move(grad));
  });
}

}  // namespace xg
