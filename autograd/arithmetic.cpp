// + - * / and negation, each forward beside its backward.
//
// Tensor-tensor forms broadcast like NumPy. The forward is always a plain loop over memory
// (detail/elementwise.hpp's broadcast_apply: xtensor's broadcasting machinery is far slower); the
// backward computes the gradient at the broadcast shape and BackwardContext::accumulate sums it back
// down to each input's shape.

#include <xgrad/autograd/detail/elementwise.hpp>
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

// d(a/b)/da = 1/b, d(a/b)/db = -a/b^2, computed as -g * ((a/b) / b) like PyTorch, reusing the quotient.
// Division by zero gives IEEE infinities (or NaN for 0/0), as in PyTorch.
Tensor div(const Tensor& a, const Tensor& b) {
  Array out = broadcast_apply("div", a.data(), b.data(), [](float x, float y) { return x / y; });
  return record("div", std::move(out), {a, b}, [](BackwardContext& ctx) {
    if (ctx.needs_grad(0)) {
      ctx.accumulate(0, broadcast_apply("div", ctx.grad, ctx.input(1), [](float g, float y) { return g / y; }));
    }
    if (ctx.needs_grad(1)) {
      Array quotient_over_b = broadcast_apply("div", ctx.output, ctx.input(1), [](float q, float y) { return q / y; });
      ctx.accumulate(1, broadcast_apply("div", ctx.grad, quotient_over_b, [](float g, float r) { return -g * r; }));
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

// a / x, as libtorch computes it (a tensor full of a, divided by x); d(a/x)/dx = -g * ((a/x) / x).
Tensor div(float a, const Tensor& b) {
  return record("rdiv_scalar", map(b.data(), [a](float x) { return a / x; }), {b}, [](BackwardContext& ctx) {
    Array quotient_over_x =
        broadcast_apply("rdiv_scalar", ctx.output, ctx.input(0), [](float q, float x) { return q / x; });
    ctx.accumulate(0,
                   broadcast_apply("rdiv_scalar", ctx.grad, quotient_over_x, [](float g, float r) { return -g * r; }));
  });
}

Tensor neg(const Tensor& x) {
  return record("neg", map(x.data(), [](float v) { return -v; }), {x},
                [](BackwardContext& ctx) { ctx.accumulate(0, map(ctx.grad, [](float g) { return -g; })); });
}

}  // namespace xg
