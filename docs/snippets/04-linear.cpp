// The experiment of docs/tour/04-linear.md. The lines between the two "tour" markers are shown on that
// page; tests/CMakeLists.txt builds this program and checks that the page shows them and their output.
#include <xgrad/xgrad.hpp>

#include <cmath>
#include <cstdio>

int main() {
  // tour: begin
  xg::manual_seed(0);
  xg::nn::Linear fc(3, 2);  // weight [2, 3], bias [2], from U(-1/sqrt(3), 1/sqrt(3))
  for (const auto& [name, p] : fc->named_parameters()) {
    std::printf("%s %s, largest |value| %.3f (bound %.3f)\n", name.c_str(), xg::to_string(p.shape()).c_str(),
                xt::amax(xt::abs(p.data()))(), 1.0 / std::sqrt(3.0));
  }
  // A batch of 4 rows. With L = sum(y), dL/dy is all ones, so dL/dW = G^T x sums x over the rows,
  // and dL/db (the column sums of G) counts them.
  xg::Tensor x = xg::tensor(xt::xarray<float>{{1, 0, 2}, {0, 1, 1}, {3, 1, 0}, {1, 1, 1}});
  xg::Tensor y = fc(x);
  std::printf("y %s, made by %s\n", xg::to_string(y.shape()).c_str(), y.grad_fn()->op.c_str());
  xg::sum(y).backward();
  const xg::Array& dw = fc->weight.grad();
  std::printf("dW rows: [%g %g %g] [%g %g %g]\n", dw(0, 0), dw(0, 1), dw(0, 2), dw(1, 0), dw(1, 1), dw(1, 2));
  std::printf("db: [%g %g]\n", fc->bias.grad()(0), fc->bias.grad()(1));
  // tour: end
  return 0;
}
