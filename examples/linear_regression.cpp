// The smallest regression: a straight line. Fifty points on y = 2x + 1, shaken by noise, and one
// Linear(1, 1) (y = w x + b) trained with MSELoss and plain SGD, which finds w close to 2 and b close to 1.
//
// The dataset holds float targets instead of class labels, so a batch's targets go straight to MSELoss.
// Every step uses all 50 points (one batch of 50): this is full-batch gradient descent.
#include <xgrad/xgrad.hpp>

#include <cmath>
#include <cstdio>

// "y = 2.0514x + 0.7214", or "... - 0.7214" for a negative intercept.
void print_line(const char* label, double w, double b) {
  std::printf("%-15s y = %.4fx %c %.4f\n", label, w, b < 0 ? '-' : '+', std::abs(b));
}

int main() {
  xg::manual_seed(42);  // the noise and the initial w and b
  constexpr std::size_t n = 50;
  constexpr float noise_stddev = 0.5f;
  xg::Array x = xg::Array::from_shape({n, 1});
  xg::Array y = xg::Array::from_shape({n, 1});
  const xg::Array noise = xg::randn({n, 1}).data();
  for (std::size_t i = 0; i < n; ++i) {
    x(i, 0) = 10.0f * static_cast<float>(i) / static_cast<float>(n - 1);  // 0 to 10 in 49 equal steps
    y(i, 0) = 2.0f * x(i, 0) + 1.0f + noise_stddev * noise(i, 0);
  }
  xg::data::TensorDataset dataset(x, y);  // inputs [50, 1], float targets [50, 1]
  xg::data::DataLoader loader(dataset, xg::data::DataLoaderOptions(/*batch_size=*/n));

  xg::nn::Linear model(1, 1);
  xg::nn::MSELoss loss_fn;
  xg::optim::SGD optimizer(model->parameters(), xg::optim::SGDOptions(/*lr=*/0.01));
  print_line("initial:", model->weight.data()(0, 0), model->bias.data()(0));

  for (int epoch = 1; epoch <= 1000; ++epoch) {
    for (xg::data::Batch& batch : loader) {
      xg::Tensor predictions = model(batch.input);            // forward
      xg::Tensor loss = loss_fn(predictions, batch.targets);  // mean of (prediction - y)^2
      optimizer.zero_grad();                                  // gradients accumulate: clear them first
      loss.backward();                                        // d loss / d w and d loss / d b
      optimizer.step();                                       // w -= lr * dw, b -= lr * db
      if (epoch % 200 == 0) std::printf("epoch %4d  loss %.4f\n", epoch, loss.item());
    }
  }

  // The best line through these very points, by the least-squares formulas: what gradient descent on the
  // MSE converges to. It differs from y = 2x + 1 because of the noise, by less the more points there are.
  double mean_x = 0.0, mean_y = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    mean_x += x(i, 0) / static_cast<double>(n), mean_y += y(i, 0) / static_cast<double>(n);
  double sxy = 0.0, sxx = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (x(i, 0) - mean_x) * (y(i, 0) - mean_y);
    sxx += (x(i, 0) - mean_x) * (x(i, 0) - mean_x);
  }
  const double best_w = sxy / sxx;
  std::printf("\n");
  print_line("learned:", model->weight.data()(0, 0), model->bias.data()(0));
  print_line("least squares:", best_w, mean_y - best_w * mean_x);
  print_line("truth:", 2.0, 1.0);
  return 0;
}
