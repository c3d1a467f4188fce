// Exercise 09's program (given; scripts/exercise.sh 9 runs it once the checks pass): the MLP
// 784-256-128-10 on Fashion-MNIST, trained by your train_epoch with your AdamW (lr 2e-3, weight decay
// 0.05, the learning rate warmed up over the first epoch and then following a cosine to 0, as
// examples/mlp does), with the same progress bar and loss / accuracy curves. Writes curves.svg and
// metrics.csv to the folder in argv[1]; argv[2] sets the number of epochs (10).
#include "adamw_optimizer.hpp"
#include "fashion_mnist_run.hpp"
#include "training_loop.hpp"

#include <support/progress.hpp>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : ".";
  const int epochs = fashion_mnist_run::epochs_from(argc, argv, 10);
  const std::optional<fashion_mnist_run::Splits> data = fashion_mnist_run::load();
  if (!data) return 1;
  xg::Generator generator(0);
  xg::nn::MLP net({784, 256, 128, 10}, xg::nn::Activation::ReLU, 0.0, generator);
  course::AdamWOptimizer optimizer(net->parameters(), xg::optim::AdamWOptions(2e-3).weight_decay(0.05));
  xg::nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(data->train, xg::data::DataLoaderOptions(128).shuffle(true).seed(0));
  const auto steps_per_epoch = static_cast<std::int64_t>(loader.num_batches());
  xg::optim::WarmupCosineLR schedule(optimizer, steps_per_epoch, steps_per_epoch * epochs);
  std::printf("MLP 784-256-128-10 on Fashion-MNIST (%zu training, %zu test images), your AdamW, %d epochs\n\n",
              data->train.size(), data->test.size(), epochs);

  fashion_mnist_run::EpochLog log(out, epochs);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    char label[32];
    std::snprintf(label, sizeof label, "epoch %d/%d", epoch, epochs);
    support::ProgressBar progress(label, loader.num_batches(), support::stdout_is_terminal());
    const course::EpochResult result =
        course::train_epoch(net, loss_fn, optimizer, loader, [&](std::size_t batch_size, double loss) {
          progress.update(batch_size, loss);
          schedule.step();  // the learning rate per batch
        });
    progress.finish();
    const course::Evaluation on_test = course::evaluate(net, data->test);
    log.add(epoch, result.mean_loss, result.accuracy, on_test.loss, on_test.accuracy, progress.seconds());
  }
  log.finish("MLP 784-256-128-10 on Fashion-MNIST, your AdamW");
  return 0;
}
