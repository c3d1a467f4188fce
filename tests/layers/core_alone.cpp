// Links xgrad::core and nothing above it: a tensor, a node recorded by hand and a backward pass must
// all work without autograd/ (the op here is written out the way autograd's ops are).
#include <xgrad/core/node.hpp>
#include <xgrad/core/tensor.hpp>

#include <cstdio>

int main() {
  xg::Tensor x(xg::Array{1.0f, 2.0f, 3.0f}, /*requires_grad=*/true);
  // y = 3x, with its backward beside it.
  xg::Array tripled = x.data() * 3.0f;
  xg::Tensor y = xg::record("triple", std::move(tripled), {x}, [](xg::BackwardContext& ctx) {
    xg::Array share = ctx.grad * 3.0f;
    ctx.accumulate(0, std::move(share));
  });
  y.backward(xg::Array{1.0f, 10.0f, 100.0f});
  const xg::Array expected{3.0f, 30.0f, 300.0f};
  if (x.grad() != expected) {
    std::fprintf(stderr, "core alone: wrong gradient\n");
    return 1;
  }
  std::printf("core alone: backward gives 3, 30, 300\n");
  return 0;
}
