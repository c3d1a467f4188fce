// The experiment of docs/tour/08-training-loop.md. The lines between the two "tour" markers are shown on
// that page; tests/CMakeLists.txt builds this program and checks that the page shows them and their
// output.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  // tour: begin
  // Fit y = 2x + 1 from 8 points with one Linear(1, 1), with and without zero_grad().
  xg::Tensor x = xg::tensor(xt::xarray<float>(xt::reshape_view(xt::linspace<float>(-1, 1, 8), {8, 1})));
  xg::Tensor target = xg::tensor(xt::xarray<float>(2.0f * x.data() + 1.0f));
  for (bool zero_grad : {true, false}) {
    xg::manual_seed(0);
    xg::nn::Linear model(1, 1);
    xg::nn::MSELoss loss_fn;
    xg::optim::SGD optimizer(model->parameters(), xg::optim::SGDOptions(0.1));
    float loss_value = 0.0f;
    for (int step = 0; step < 200; ++step) {
      xg::Tensor loss = loss_fn(model(x), target);  // forward and loss
      if (zero_grad) optimizer.zero_grad();         // clear the last step's gradients
      loss.backward();                              // add this step's
      optimizer.step();                             // w -= lr * dL/dw
      loss_value = loss.item();
    }
    std::printf("zero_grad %-3s: w = %.3f, b = %.3f, loss %.4f\n", zero_grad ? "on" : "off", model->weight.data()(0, 0),
                model->bias.data()(0), loss_value);
  }
  // tour: end
  return 0;
}
