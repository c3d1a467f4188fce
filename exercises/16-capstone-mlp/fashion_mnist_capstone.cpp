// Exercise 16's program (given; scripts/exercise.sh 16 runs it once the checks pass): your MLP
// 784-256-128-10 with BatchNorm on all of Fashion-MNIST, trained by your train_epoch with your AdamW,
// cosine schedule, loader and loss (CapstoneTraining, capstone_net.hpp), a line per epoch and the
// loss / accuracy curves. Writes curves.svg and metrics.csv to the folder in argv[1]; argv[2] sets the
// number of epochs (10). Exits with 1 when the last test accuracy is below 0.85.
#include "capstone_net.hpp"
#include "fashion_mnist_run.hpp"

#include <chrono>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : ".";
  const int epochs = fashion_mnist_run::epochs_from(argc, argv, 10);
  const std::optional<fashion_mnist_run::Splits> data = fashion_mnist_run::load();
  if (!data) return 1;
  course::CapstoneTraining run(data->train, epochs);
  std::printf(
      "Your MLP 784-256-128-10 with BatchNorm on Fashion-MNIST (%zu training, %zu test images):\n"
      "your Linear, BatchNorm, Module, loss, loader, AdamW and cosine schedule; %d epochs\n\n",
      data->train.size(), data->test.size(), epochs);
  fashion_mnist_run::EpochLog log(out, epochs);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const course::EpochResult result = run.epoch();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const course::Evaluation on_test = course::evaluate(run.net, data->test);
    log.add(epoch, result.mean_loss, result.accuracy, on_test.loss, on_test.accuracy, seconds);
  }
  const double accuracy = log.finish("Your MLP 784-256-128-10 with BatchNorm on Fashion-MNIST");
  return accuracy >= 0.85 ? 0 : 1;
}
