// Elementwise math: exp, log, pow, sqrt, abs, clamp. Each backward is the derivative times the incoming
// gradient, in PyTorch's order of operations. Poles give IEEE infinities as in PyTorch: log(0) = -inf
// with gradient inf, sqrt'(0) = inf.

#include <xgrad/autograd/detail/elementwise.hpp>
#include <xgrad/autograd/ops.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace xg {

// d exp(x) = exp(x): reuse the output.
Tensor exp(const Tensor& x) {
  return record("exp", map_vector(vector_math::exp, x.data()), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("exp", ctx.grad, ctx.output, [](float g, float y) { return g * y; }));
  });
}

// d log(x) = 1/x
Tensor log(const Tensor& x) {
  return record("log", map_vector(vector_math::log, x.data()), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("log", ctx.grad, ctx.input(0), [](float g, float v) { return g / v; }));
  });
}

namespace {

// x^p as PyTorch computes it: the common exponents as exact products, roots and reciprocals (x^2 is
// x * x, not std::pow), any other through std::pow. A negative base with a non-integer exponent is
// NaN, as in PyTorch.
float power(float x, float p) {
  if (p == 2.0f) return x * x;
  if (p == 3.0f) return x * x * x;
  if (p == 0.5f) return std::sqrt(x);
  if (p == -0.5f) return 1.0f / std::sqrt(x);
  if (p == -1.0f) return 1.0f / x;
  if (p == -2.0f) return 1.0f / (x * x);
  return std::pow(x, p);
}

}  // namespace

// d x^p = p x^(p-1), and exactly 0 for p = 0 (PyTorch's choice; the formula would give 0 * inf = NaN
// at x = 0).
Tensor pow(const Tensor& x, float exponent) {
  const float p = exponent;
  return record("pow", map(x.data(), [p](float v) { return power(v, p); }), {x}, [p](BackwardContext& ctx) {
    if (p == 0.0f) {
      ctx.accumulate(0, xt::zeros<float>(ctx.input(0).shape()));
      return;
    }
    ctx.accumulate(0, broadcast_apply("pow", ctx.grad, ctx.input(0),
                                      [p](float g, float v) { return g * (p * power(v, p - 1.0f)); }));
  });
}

// d sqrt(x) = 1 / (2 sqrt(x)): reuse the output.
Tensor sqrt(const Tensor& x) {
  return record("sqrt", map(x.data(), [](float v) { return std::sqrt(v); }), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("sqrt", ctx.grad, ctx.output, [](float g, float y) { return g / (2.0f * y); }));
  });
}

// d|x| = sign(x), which is 0 at x = 0 (PyTorch's choice).
Tensor abs(const Tensor& x) {
  return record("abs", map(x.data(), [](float v) { return std::abs(v); }), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("abs", ctx.grad, ctx.input(0), [](float g, float v) {
                     const float sign = static_cast<float>((v > 0.0f) - (v < 0.0f));
                     return g * sign;
                   }));
  });
}

// The gradient passes where min <= x <= max (boundaries included, as in PyTorch) and is 0 outside.
Tensor clamp(const Tensor& x, float min, float max) {
  if (!(min <= max)) {
    std::ostringstream message;
    message << "clamp: expected min <= max, got min=" << min << " and max=" << max;
    throw Error(message.str());
  }
  return record("clamp", map(x.data(), [min, max](float v) { return std::min(std::max(v, min), max); }), {x},
                [min, max](BackwardContext& ctx) {
                  ctx.accumulate(0, broadcast_apply("clamp", ctx.grad, ctx.input(0), [min, max](float g, float v) {
                                   return (v >= min && v <= max) ? g : 0.0f;
                                 }));
                });
}

}  // namespace xg
