// The experiment of docs/tour/03-op.md. The lines between the two "tour" markers are shown on that
// page; tests/CMakeLists.txt builds this program and checks that the page shows them and their output.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  // tour: begin
  // An op of our own, written as autograd/ writes its ops: the forward's values, then record().
  auto cube = [](const xg::Tensor& x) {
    xg::Array out = x.data() * x.data() * x.data();  // evaluated here: an Array, not a lazy expression
    return xg::record("cube", std::move(out), {x}, [](xg::BackwardContext& ctx) {
      const xg::Array& v = ctx.input(0);                      // x as it was in the forward pass
      ctx.accumulate(0, xg::Array(3.0f * v * v * ctx.grad));  // d(x^3)/dx = 3 x^2
    });
  };
  xg::Tensor x = xg::tensor(xt::xarray<float>{{0.5f, -1.0f, 2.0f}, {1.5f, -0.25f, 1.0f}}, /*requires_grad=*/true);
  xg::GradcheckReport report = xg::gradcheck([&](const std::vector<xg::Tensor>& in) { return cube(in[0]); }, {x});
  std::printf("cube: %s, %zu elements checked\n", report.passed ? "passed" : "FAILED", report.elements_checked);

  // A broadcasting mul: b [3] is used once per row of a [2, 3], so its gradient sums over the rows.
  xg::Tensor a = xg::tensor(xt::xarray<float>{{1, 2, 3}, {4, 5, 6}});
  xg::Tensor b = xg::tensor(xt::xarray<float>{1, 1, 1}, /*requires_grad=*/true);
  xg::sum(a * b).backward();
  std::printf("db = %g %g %g\n", b.grad()(0), b.grad()(1), b.grad()(2));
  // tour: end
  return 0;
}
