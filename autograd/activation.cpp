// Activation functions, each forward beside its backward.

#include <xgrad/autograd/elementwise.hpp>
#include <xgrad/autograd/ops.hpp>

namespace xg {

// relu'(x) = 1 where x > 0, else 0 (0 at x = 0, as in PyTorch).
Tensor relu(const Tensor& x) {
  return record("relu", map(x.data(), [](float v) { return v > 0.0f ? v : 0.0f; }), {x}, [](BackwardContext& ctx) {
    ctx.accumulate(0,
                   broadcast_apply("relu", ctx.grad, ctx.output, [](float g, float y) { return y > 0.0f ? g : 0.0f; }));
  });
}

}  // namespace xg
