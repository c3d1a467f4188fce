#pragma once
// What the Fashion-MNIST programs of exercises 09 and 16 share (given code, not part of any task):
// both splits loaded (or how to install them), and the log of a run: a line per epoch on stdout, a
// row per epoch in metrics.csv, and at the end the loss and accuracy curves in curves.svg.

#include <xgrad/data/mnist.hpp>

#include <support/plot.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fashion_mnist_run {

struct Splits {
  xg::data::TensorDataset train;  // 60,000 images
  xg::data::TensorDataset test;   // 10,000 images
};

// Both splits from Debian's dataset-fashion-mnist, or nothing after saying on stderr how to get them.
inline std::optional<Splits> load() {
  if (!std::filesystem::exists(xg::data::kFashionMnistDir)) {
    std::fprintf(stderr, "Fashion-MNIST is not in %s: sudo apt-get install dataset-fashion-mnist\n",
                 xg::data::kFashionMnistDir);
    return std::nullopt;
  }
  return Splits{xg::data::load_mnist(xg::data::kFashionMnistDir, xg::data::Split::kTrain),
                xg::data::load_mnist(xg::data::kFashionMnistDir, xg::data::Split::kTest)};
}

// The number of epochs from argv[2], or `otherwise` without one.
inline int epochs_from(int argc, char** argv, int otherwise) {
  return argc > 2 ? std::max(1, std::stoi(argv[2])) : otherwise;
}

// One run's log in the folder `out`: add() after each epoch, finish() at the end.
class EpochLog {
 public:
  EpochLog(std::string out, int epochs) : out_(std::move(out)), epochs_(epochs), metrics_(out_ + "/metrics.csv") {
    metrics_ << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds\n";
  }

  void add(int epoch, double train_loss, double train_accuracy, double test_loss, double test_accuracy,
           double seconds) {
    std::printf("epoch %2d/%d  train loss %.4f acc %.4f | test loss %.4f acc %.4f | %.1f s\n", epoch, epochs_,
                train_loss, train_accuracy, test_loss, test_accuracy, seconds);
    std::fflush(stdout);
    metrics_ << epoch << ',' << train_loss << ',' << train_accuracy << ',' << test_loss << ',' << test_accuracy << ','
             << seconds << '\n';
    train_loss_.push_back(train_loss);
    test_loss_.push_back(test_loss);
    train_accuracy_.push_back(train_accuracy);
    test_accuracy_.push_back(test_accuracy);
  }

  // Draws curves.svg under `title`, says where the files are; returns the last test accuracy.
  double finish(const std::string& title) {
    const support::LineChart loss("loss", "epoch", "cross-entropy", {{"train", train_loss_}, {"test", test_loss_}});
    const support::LineChart accuracy("accuracy", "epoch", "fraction correct",
                                      {{"train", train_accuracy_}, {"test", test_accuracy_}});
    support::save_svg(out_ + "/curves.svg", {title, {loss, accuracy}});
    const double last = test_accuracy_.empty() ? 0.0 : test_accuracy_.back();
    std::printf("\nfinal test accuracy: %.4f\nwrote %s/curves.svg and %s/metrics.csv\n", last, out_.c_str(),
                out_.c_str());
    return last;
  }

 private:
  std::string out_;
  int epochs_;
  std::ofstream metrics_;
  std::vector<double> train_loss_, test_loss_, train_accuracy_, test_accuracy_;
};

}  // namespace fashion_mnist_run
