// Your first xgrad program: a small MLP learns to tell three interleaved spirals apart.
// Copy it to start your own: the loop inside is the one every training program has.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  xg::manual_seed(0);
  // 3 spirals of 300 points each: inputs [900, 2], class labels 0, 1, 2.
  xg::data::TensorDataset dataset = xg::data::spirals(/*n_per_class=*/300, /*n_classes=*/3);
  xg::data::DataLoader loader(dataset, xg::data::DataLoaderOptions(/*batch_size=*/64).shuffle(true));

  xg::nn::MLP net({2, 64, 64, 3});  // Linear(2, 64), ReLU, Linear(64, 64), ReLU, Linear(64, 3)
  xg::nn::CrossEntropyLoss loss_fn;
  xg::optim::AdamW optimizer(net->parameters(), xg::optim::AdamWOptions(5e-3));

  for (int epoch = 1; epoch <= 40; ++epoch) {
    double total_loss = 0.0;
    for (xg::data::Batch& batch : loader) {
      xg::Tensor logits = net(batch.input);             // forward
      xg::Tensor loss = loss_fn(logits, batch.labels);  // how wrong we are
      optimizer.zero_grad();                            // gradients accumulate: clear them first
      loss.backward();                                  // d loss / d every parameter
      optimizer.step();                                 // move the parameters downhill
      total_loss += loss.item() * static_cast<double>(batch.size());
    }
    if (epoch % 10 == 0) {
      xg::NoGradGuard no_grad;  // evaluation records no graph
      const double accuracy = xg::nn::accuracy(net(xg::tensor(dataset.inputs())), dataset.labels());
      std::printf("epoch %2d  loss %.4f  accuracy %.3f\n", epoch, total_loss / dataset.size(), accuracy);
    }
  }
  return 0;
}
