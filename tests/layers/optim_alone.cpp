// Links xgrad::optim (and so core) and nothing else: an optimizer reads .grad and writes values.
#include <xgrad/optim/sgd.hpp>

#include <cstdio>

int main() {
  xg::Tensor w(xg::Array{3.0f}, /*requires_grad=*/true);
  xg::optim::SGD sgd({w}, xg::optim::SGDOptions(0.1));
  w.set_grad(xg::Array{6.0f});
  sgd.step();
  if (w.data()(0) != 3.0f - 0.1f * 6.0f) {
    std::fprintf(stderr, "optim alone: expected 2.4, got %g\n", static_cast<double>(w.data()(0)));
    return 1;
  }
  std::printf("optim alone: one SGD step from 3 with gradient 6 and lr 0.1 gives 2.4\n");
  return 0;
}
