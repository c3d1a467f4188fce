// Exercise 09's program (given; scripts/exercise.sh 9 runs it once the checks pass): the MLP
// 784-256-128-10 on Fashion-MNIST, trained by your train_epoch with your AdamW (lr 2e-3, weight decay
// 0.05, the learning rate warmed up over the first epoch and then following a cosine to 0, as
// examples/mlp does), with the same progress bar and loss / accuracy curves. Writes curves.svg and
// metrics.csv to the folder in argv[1]; argv[2] sets the number of epochs (10).
#include "adamw_optimizer.hpp"
#include "training_loop.hpp"

#include <support/plot.hpp>
#include <support/progress.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const std::string out = argc > 1 ? argv[1] : ".";
  const int epochs = argc > 2 ? std::max(1, std::stoi(argv[2])) : 10;
  if (!std::filesystem::exists(xg::data::kFashionMnistDir)) {
    std::fprintf(stderr, "Fashion-MNIST is not in %s: sudo apt-get install dataset-fashion-mnist\n",
                 xg::data::kFashionMnistDir);
    return 1;
  }
  const xg::data::TensorDataset train = xg::data::load_mnist(xg::data::kFashionMnistDir, xg::data::Split::kTrain);
  const xg::data::TensorDataset test = xg::data::load_mnist(xg::data::kFashionMnistDir, xg::data::Split::kTest);
  xg::Generator generator(0);
  xg::nn::MLP net({784, 256, 128, 10}, xg::nn::Activation::ReLU, 0.0, generator);
  course::AdamWOptimizer optimizer(net->parameters(), xg::optim::AdamWOptions(2e-3).weight_decay(0.05));
  xg::nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(train, xg::data::DataLoaderOptions(128).shuffle(true).seed(0));
  const auto steps_per_epoch = static_cast<std::int64_t>(loader.num_batches());
  xg::optim::WarmupCosineLR schedule(optimizer, steps_per_epoch, steps_per_epoch * epochs);
  std::printf("MLP 784-256-128-10 on Fashion-MNIST (%zu training, %zu test images), your AdamW, %d epochs\n\n",
              train.size(), test.size(), epochs);

  std::ofstream metrics(out + "/metrics.csv");
  metrics << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n";
  std::vector<double> train_loss, test_loss, train_accuracy, test_accuracy;
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
    const course::Evaluation on_test = course::evaluate(net, test);
    std::printf("epoch %2d/%d  train loss %.4f acc %.4f | test loss %.4f acc %.4f | %.1f s\n", epoch, epochs,
                result.mean_loss, result.accuracy, on_test.loss, on_test.accuracy, progress.seconds());
    std::fflush(stdout);
    metrics << epoch << ',' << result.mean_loss << ',' << result.accuracy << ',' << on_test.loss << ','
            << on_test.accuracy << ',' << progress.seconds() << '\n';
    train_loss.push_back(result.mean_loss);
    test_loss.push_back(on_test.loss);
    train_accuracy.push_back(result.accuracy);
    test_accuracy.push_back(on_test.accuracy);
  }
  const support::LineChart loss("loss", "epoch", "cross-entropy", {{"train", train_loss}, {"test", test_loss}});
  const support::LineChart accuracy("accuracy", "epoch", "fraction correct",
                                    {{"train", train_accuracy}, {"test", test_accuracy}});
  support::save_svg(out + "/curves.svg", {"MLP 784-256-128-10 on Fashion-MNIST, your AdamW", {loss, accuracy}});
  std::printf("\nfinal test accuracy: %.4f\nwrote %s/curves.svg and %s/metrics.csv\n", test_accuracy.back(),
              out.c_str(), out.c_str());
  return 0;
}
