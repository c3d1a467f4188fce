// The experiment of docs/tour/01-tensor.md. The lines between the two "tour" markers are shown on that
// page; tests/CMakeLists.txt builds this program and checks that the page shows them and their output.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  // tour: begin
  xg::Tensor a = xg::tensor(xt::xarray<float>{1, 2, 3}, /*requires_grad=*/true);
  xg::Tensor b = a;     // a second handle to the same TensorImpl
  b.data()(0) = 10.0f;  // a write through data() records nothing
  std::printf("a[0] = %g, one tensor: %d, a has a gradient: %d\n", a.data()(0), a.id() == b.id(), a.has_grad());

  xg::Tensor c = a.detach();  // a new leaf with a copy of the values
  c.data()(1) = -1.0f;
  std::printf("a[1] = %g, c[1] = %g, c requires grad: %d\n", a.data()(1), c.data()(1), c.requires_grad());

  xg::Tensor y = xg::sum(a * a);
  std::printf("a is a leaf: %d, y is a leaf: %d, y was made by: %s\n", a.is_leaf(), y.is_leaf(),
              y.grad_fn()->op.c_str());
  // tour: end
  return 0;
}
