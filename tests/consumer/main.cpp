// Built by scripts/check_install.sh against an installed xgrad: the umbrella header and the
// exported target must be enough. Exits non-zero when the gradient is wrong.
#include <xgrad/xgrad.hpp>

#include <iostream>

int main() {
  xg::Tensor x = xg::tensor(xt::xarray<float>{{1, 2}, {3, 4}}, true);
  xg::Tensor y = xg::sum(x * x + 2.0f * x);
  y.backward();
  const xt::xarray<float> expected = {{4, 6}, {8, 10}};
  if (x.grad() != expected) {
    std::cerr << "consumer: wrong gradient " << xg::Tensor(x.grad()) << "\n";
    return 1;
  }
  std::cout << "consumer: find_package(xgrad) works; y = " << y.item() << ", dy/dx = 2x + 2 as expected\n";
  return 0;
}
