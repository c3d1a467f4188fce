// Elementwise math: exp, log, pow. Each backward is the derivative times the incoming gradient.

#include <xgrad/autograd/elementwise.hpp>
#include <xgrad/autograd/ops.hpp>

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

}  // namespace xg
