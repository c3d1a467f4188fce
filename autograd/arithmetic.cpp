// + - * / and negation, each forward beside its backward.
//
// Tensor-tensor forms broadcast like NumPy. The forward loops directly over memory when the shapes
// are equal (the common case, and much faster than xtensor's broadcasting machinery); otherwise it
// lets xtensor broadcast. The backward computes the gradient at the broadcast shape and
// BackwardContext::accumulate sums it back down to each input's shape.

#include <xgrad/autograd/elementwise.hpp>
#include <xgrad/autograd/ops.hpp>

namespace xg {

// d(a+b)/da = 1, d(a+b)/db = 1
Tensor add(const Tensor& a, const Tensor& b) {
  Array out = broadcast_apply("add", a.data(), b.data(), [](float x, float y) { return x + y; });
  return record("add", std::move(out), {a, b}, [](BackwardContext& ctx) {
    if (ctx.needs_grad(0)) ctx.accumulate(0, Array(ctx.grad));
    if (ctx.needs_grad(1)) ctx.accumulate(1, Array(ctx.grad));
  });
}

// d(a-b)/da = 1, d(a-b)/db = -1
Tensor sub(const Tensor& a, const Tensor& b) {
  Array out = broadcast_apply("sub", a.data(), b.data(), [](float x, float y) { return x - y; });
  return record("sub", std::move(out), {a, b}, [](BackwardContext& ctx) {
    if (ctx.needs_grad(0)) ctx.accumulate(0, Array(ctx.grad));
    if (ctx.needs_grad(1)) ctx.accumulate(1, map(ctx.grad, [](float g) { return -g; }));
  });
}

// d(a*b)/da = b, d(a*b)/db = a
Tensor mul(const Tensor& a, const Tensor& b) {
  Array out = broadcast_apply("mul", a.data(), b.data(), [](float x, float y) { return x * y; });
  return record("mul", std::move(out), {a, b}, [](BackwardContext& ctx) {
    auto times = [](float g, float v) { return g * v; };
    if (ctx.needs_grad(0)) ctx.accumulate(0, broadcast_apply("mul", ctx.grad, ctx.input(1), times));
    if (ctx.needs_grad(1)) ctx.accumulate(1, broadcast_apply("mul", ctx.grad, ctx.input(0), times));
  });
}

// d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
Tensor div(const Tensor& a, const Tensor& b) {
  Array out = broadcast_apply("div", a.data(), b.data(), [](float x, float y) { return x / y; });
  return record("div", std::move(out), {a, b}, [](BackwardContext& ctx) {
    if (ctx.needs_grad(0)) {
      ctx.accumulate(0, broadcast_apply("div", ctx.grad, ctx.input(1), [](float g, float y) { return g / y; }));
    }
    if (ctx.needs_grad(1)) {
      // -g * a / b^2 written as -g * out / b: reuse the quotient, one division fewer.
      Array g_times_out = broadcast_apply("div", ctx.grad, ctx.output, [](float g, float q) { return g * q; });
      ctx.accumulate(1, broadcast_apply("div", g_times_out, ctx.input(1), [](float gq, float y) { return -gq / y; }));
    }
  });
}

Tensor add(const Tensor& a, float b) {
  return record("add_scalar", map(a.data(), [b](float x) { return x + b; }), {a},
                [](BackwardContext& ctx) { ctx.accumulate(0, Array(ctx.grad)); });
}

Tensor sub(const Tensor& a, float b) {
  return record("sub_scalar", map(a.data(), [b](float x) { return x - b; }), {a},
                [](BackwardContext& ctx) { ctx.accumulate(0, Array(ctx.grad)); });
}

Tensor sub(float a, const Tensor& b) {
  return record("rsub_scalar", map(b.data(), [a](float x) { return a - x; }), {b},
                [](BackwardContext& ctx) { ctx.accumulate(0, map(ctx.grad, [](float g) { return -g; })); });
}

Tensor mul(const Tensor& a, float b) {
  return record("mul_scalar", map(a.data(), [b](float x) { return x * b; }), {a},
                [b](BackwardContext& ctx) { ctx.accumulate(0, map(ctx.grad, [b](float g) { return g * b; })); });
}

Tensor div(const Tensor& a, float b) {
  return record("div_scalar", map(a.data(), [b](float x) { return x / b; }), {a},
                [b](BackwardContext& ctx) { ctx.accumulate(0, map(ctx.grad, [b](float g) { return g / b; })); });
}

// d(a/x)/dx = -a/x^2 = -out/x
Tensor div(float a, const Tensor& b) {
  return record("rdiv_scalar", map(b.data(), [a](float x) { return a / x; }), {b}, [](BackwardContext& ctx) {
    Array g_times_out = broadcast_apply("rdiv_scalar", ctx.grad, ctx.output, [](float g, float q) { return g * q; });
    ctx.accumulate(
        0, broadcast_apply("rdiv_scalar", g_times_out, ctx.input(0), [](float gq, float x) { return -gq / x; }));
  });
}

Tensor neg(const Tensor& x) {
  return record("neg", map(x.data(), [](float v) { return -v; }), {x},
                [](BackwardContext& ctx) { ctx.accumulate(0, map(ctx.grad, [](float g) { return -g; })); });
}

}  // namespace xg
