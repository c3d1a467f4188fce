// The experiment of docs/tour/05-optimizer.md. The lines between the two "tour" markers are shown on that
// page; tests/CMakeLists.txt builds this program and checks that the page shows them and their output.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  // tour: begin
  namespace optim = xg::optim;
  // One step on a plain float: w - lr * grad.
  std::printf("sgd_step(3, 6, 0.1) = %g\n", optim::functional::sgd_step(3.0f, 6.0f, 0.1));

  // Momentum on f(x) = x^2 (gradient 2x): the buffer starts as the first gradient.
  xg::Tensor x = xg::tensor(xt::xarray<float>{3}, /*requires_grad=*/true);
  optim::SGD sgd({x}, optim::SGDOptions(0.1).momentum(0.9));
  for (int step = 1; step <= 2; ++step) {
    x.set_grad(2.0f * x.data());
    sgd.step();
    std::printf("SGD step %d: x = %g, buffer = %g\n", step, x.data()(0),
                sgd.state(x)->buffers.at("momentum_buffer")(0));
  }

  // Adam's first step moves by about lr whatever the gradient's size: bias correction at work.
  for (float gradient : {6.0f, 6000.0f}) {
    xg::Tensor w = xg::tensor(xt::xarray<float>{3}, /*requires_grad=*/true);
    optim::Adam adam({w}, optim::AdamOptions(1e-3));
    w.set_grad(xt::xarray<float>{gradient});
    adam.step();
    std::printf("Adam, gradient %g: w = %.6f after step %lld\n", gradient, w.data()(0),
                static_cast<long long>(adam.state(w)->step));
  }
  // tour: end
  return 0;
}
