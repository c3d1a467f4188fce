// The experiment of docs/tour/02-engine.md. The lines between the two "tour" markers are shown on that
// page; tests/CMakeLists.txt builds this program and checks that the page shows them and their output.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  // tour: begin
  xg::Tensor x = xg::tensor(xt::xarray<float>{3}, /*requires_grad=*/true);
  (x * x).backward();  // x is used twice: each use sends its share, 3 + 3
  std::printf("after one backward:  dx = %g\n", x.grad()(0));
  (x * x).backward();  // a second pass adds to the leaf's .grad
  std::printf("after two backwards: dx = %g\n", x.grad()(0));
  x.zero_grad();

  xg::Tensor z = x;  // a chain of 100,000 ops: no recursion in the sort or in the release
  for (int i = 0; i < 100000; ++i) z = z * 1.0f;
  z.backward();
  std::printf("through 100,000 ops: dx = %g\n", x.grad()(0));

  xg::Tensor y = x * x;
  y.backward();
  try {
    y.backward();  // the first pass freed what the backward functions saved
  } catch (const xg::Error& e) {
    std::printf("second backward: %s\n", e.what());
  }
  // tour: end
  return 0;
}
