// Your first xgrad program: fit a line y = 3x - 2 to noisy points with gradient descent, the whole
// loop written out by hand: forward, loss, zero the gradients, backward, step.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  xg::manual_seed(0);
  const xg::Tensor x = xg::randn({256, 1});
  const xg::Tensor y = 3.0f * x - 2.0f + 0.1f * xg::randn({256, 1});

  xg::Tensor w = xg::zeros({1, 1}, /*requires_grad=*/true);
  xg::Tensor b = xg::zeros({1}, /*requires_grad=*/true);
  const float learning_rate = 0.1f;

  for (int step = 1; step <= 100; ++step) {
    xg::Tensor prediction = xg::matmul(x, w) + b;  // forward
    xg::Tensor error = prediction - y;
    xg::Tensor loss = xg::mean(error * error);  // mean squared error
    w.zero_grad();                              // gradients accumulate: clear them first
    b.zero_grad();
    loss.backward();                       // d loss / d w and d loss / d b
    w.data() -= learning_rate * w.grad();  // step: plain gradient descent
    b.data() -= learning_rate * b.grad();
    if (step % 20 == 0) std::printf("step %3d  loss %.5f  w %.3f  b %.3f\n", step, loss.item(), w.item(), b.item());
  }
  return 0;
}
