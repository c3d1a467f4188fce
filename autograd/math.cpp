// Elementwise math: exp, log, pow, sqrt, abs, clamp. Each backward is the derivative times the incoming gradient.

#include <xgrad/autograd/elementwise.hpp>
#include <xgrad/autograd/ops.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <cmath>

namespace xg {

// d exp(x) = exp(x): reuse the output.
Tensor exp(const Tensor& x) {
  return record("exp", map(x.data(), [](float v) { return std::exp(v); }), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("exp", ctx.grad, ctx.output, [](float g, float y) { return g * y; }));
  });
}

// d log(x) = 1/x
Tensor log(const Tensor& x) {
  return record("log", map(x.data(), [](float v) { return std::log(v); }), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("log", ctx.grad, ctx.input(0), [](float g, float v) { return g / v; }));
  });
}

// d x^p = p x^(p-1)
Tensor pow(const Tensor& x, float exponent) {
  const float p = exponent;
  return record("pow", map(x.data(), [p](float v) { return std::pow(v, p); }), {x}, [p](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("pow", ctx.grad, ctx.input(0),
                                      [p](float g, float v) { return g * p * std::pow(v, p - 1.0f); }));
  });
}

// d sqrt(x) = 1 / (2 sqrt(x)): reuse the output.
Tensor sqrt(const Tensor& x) {
  return record("sqrt", map(x.data(), [](float v) { return std::sqrt(v); }), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("sqrt", ctx.grad, ctx.output, [](float g, float y) { return g / (2.0f * y); }));
  });
}

// d|x| = sign(x), and 0 at x = 0 (PyTorch's choice).
Tensor abs(const Tensor& x) {
  return record("abs", map(x.data(), [](float v) { return std::abs(v); }), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0, broadcast_apply("abs", ctx.grad, ctx.input(0),
                                      [](float g, float v) { return v > 0.0f ? g : (v < 0.0f ? -g : 0.0f); }));
  });
}

// The gradient passes where min <= x <= max (boundaries included, as in PyTorch) and is 0 outside.
Tensor clamp(const Tensor& x, float min, float max) {
  if (!(min <= max)) {
    throw Error("clamp: expected min <= max, got min=" + std::to_string(min) + " max=" + std::to_string(max));
  }
  return record("clamp", map(x.data(), [min, max](float v) { return std::min(std::max(v, min), max); }), {x},
                [min, max](BackwardContext& ctx) {
                  ctx.accumulate(0, broadcast_apply("clamp", ctx.grad, ctx.input(0), [min, max](float g, float v) {
                                   return (v >= min && v <= max) ? g : 0.0f;
                                 }));
                });
}

}  // namespace xg
