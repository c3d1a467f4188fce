// End to end (issue #6): the whole loop forward -> loss -> zero_grad -> backward -> step with the real
// models, losses, optimizers and data loaders.
//   Spirals: SGD with momentum, Adam and AdamW each learn three spirals, Adam and AdamW in fewer epochs
//            than plain SGD.
//   Fashion-MNIST: 5,000 training images are enough for 80% on the full test set in a few epochs.
//   Resume: saving the model and the optimizer state mid-run and loading both into fresh objects
//           continues bit for bit.
// Everything is seeded, so every run takes exactly the same path.

#include "data_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace nn = xg::nn;
namespace optim = xg::optim;
using xg::data::Batch;
using xg::data::DataLoader;
using xg::data::DataLoaderOptions;
using xg::data::TensorDataset;

using OptimizerFactory = std::function<std::unique_ptr<optim::Optimizer>(std::vector<xg::Tensor>)>;

// One step of the loop every xgrad program runs.
void train_step(nn::MLP& net, optim::Optimizer& optimizer, const Batch& batch) {
  nn::CrossEntropyLoss loss_fn;
  const xg::Tensor loss = loss_fn(net(batch.input), batch.labels);  // forward, loss
  optimizer.zero_grad();
  loss.backward();
  optimizer.step();
}

void train_epoch(nn::MLP& net, optim::Optimizer& optimizer, DataLoader& loader) {
  for (const Batch& batch : loader) train_step(net, optimizer, batch);
}

double test_accuracy(nn::MLP& net, const TensorDataset& test) {
  xg::NoGradGuard no_grad;
  net->eval();
  const double accuracy = nn::accuracy(net(xg::tensor(test.inputs())), test.labels());
  net->train();
  return accuracy;
}

// ---- spirals -----------------------------------------------------------------------------------------

// Learning rates: each optimizer's usual default, not tuned for this problem.
//   plain SGD     lr 0.1 (the MLP example's default; PyTorch has none)
//   SGD momentum  lr 0.01, momentum 0.9: the same long-run step as plain SGD's 0.1 (lr / (1 - momentum))
//   Adam          lr 1e-3 (PyTorch's default)
//   AdamW         lr 1e-3, weight decay 1e-2 (PyTorch's defaults)
// Measured here (held-out accuracy first >= 95%): SGD at epoch ~50, momentum ~50, Adam and AdamW ~30,
// for init and shuffling seeds 0, 1 and 2.
OptimizerFactory plain_sgd() {
  return [](std::vector<xg::Tensor> p) { return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.1)); };
}
OptimizerFactory sgd_momentum() {
  return
      [](std::vector<xg::Tensor> p) { return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.01).momentum(0.9)); };
}
OptimizerFactory adam() {
  return [](std::vector<xg::Tensor> p) { return std::make_unique<optim::Adam>(p, optim::AdamOptions(1e-3)); };
}
OptimizerFactory adamw() {
  return [](std::vector<xg::Tensor> p) {
    return std::make_unique<optim::AdamW>(p, optim::AdamWOptions(1e-3).weight_decay(1e-2));
  };
}

constexpr double kSpiralsTarget = 0.95;
constexpr int kSpiralsEpochBudget = 100;

// The first epoch after which the accuracy on 600 fresh points (drawn apart from the 600 training
// points) reaches kSpiralsTarget, or -1 if it does not within the budget. Every optimizer starts from
// the same initial weights and sees the same batches in the same order: a fair race.
int epochs_to_target_on_spirals(const OptimizerFactory& make_optimizer) {
  xg::Generator train_points(1), test_points(2), init(0);
  const TensorDataset train = xg::data::spirals(200, 3, 0.2, train_points);
  const TensorDataset test = xg::data::spirals(200, 3, 0.2, test_points);
  nn::MLP net({2, 64, 64, 3}, nn::Activation::ReLU, 0.0, init);
  std::unique_ptr<optim::Optimizer> optimizer = make_optimizer(net->parameters());
  DataLoader loader(train, DataLoaderOptions(32).shuffle(true).seed(0));
  for (int epoch = 1; epoch <= kSpiralsEpochBudget; ++epoch) {
    train_epoch(net, *optimizer, loader);
    if (test_accuracy(net, test) >= kSpiralsTarget) return epoch;
  }
  return -1;
}

TEST(TrainingSpirals, MomentumAdamAndAdamWEachReach95PercentWithinTheBudget) {
  const std::vector<std::pair<const char*, OptimizerFactory>> optimizers = {
      {"SGD momentum", sgd_momentum()}, {"Adam", adam()}, {"AdamW", adamw()}};
  for (const auto& [name, make] : optimizers) {
    const int epochs = epochs_to_target_on_spirals(make);
    EXPECT_GE(epochs, 1) << name << " did not reach 95% in " << kSpiralsEpochBudget << " epochs";
  }
}

TEST(TrainingSpirals, AdamAndAdamWNeedFewerEpochsThanPlainSGD) {
  const int sgd_epochs = epochs_to_target_on_spirals(plain_sgd());
  const int adam_epochs = epochs_to_target_on_spirals(adam());
  const int adamw_epochs = epochs_to_target_on_spirals(adamw());
  // Plain SGD gets there too: the comparison is between two epoch counts, not against "never".
  ASSERT_GE(sgd_epochs, 1) << "plain SGD did not reach 95% in " << kSpiralsEpochBudget << " epochs";
  ASSERT_GE(adam_epochs, 1);
  ASSERT_GE(adamw_epochs, 1);
  EXPECT_LT(adam_epochs, sgd_epochs);
  EXPECT_LT(adamw_epochs, sgd_epochs);
  RecordProperty("epochs_to_95_sgd", sgd_epochs);
  RecordProperty("epochs_to_95_adam", adam_epochs);
  RecordProperty("epochs_to_95_adamw", adamw_epochs);
}

// ---- Fashion-MNIST -----------------------------------------------------------------------------------

TEST(TrainingFashionMnist, FiveThousandImagesReach80PercentOnTheFullTestSetInFiveEpochs) {
  const std::string dir = XGRAD_FASHION_MNIST_DIR;
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "Fashion-MNIST is not installed in " << dir
                 << " (Debian package dataset-fashion-mnist; CI installs it)";
  }
  const TensorDataset all_train = xg::data::load_fashion_mnist(dir, xg::data::Split::kTrain);
  const TensorDataset test = xg::data::load_fashion_mnist(dir, xg::data::Split::kTest);
  ASSERT_EQ(test.size(), 10000u);
  std::vector<std::size_t> first_5000(5000);
  for (std::size_t i = 0; i < first_5000.size(); ++i) first_5000[i] = i;
  const TensorDataset train = all_train.subset(first_5000);

  // The MLP example's network with Adam's defaults. Measured: 0.809 after 3 epochs, 0.816 after 5
  // (0.809 with hidden 128-64).
  xg::Generator init(0);
  nn::MLP net({784, 256, 128, 10}, nn::Activation::ReLU, 0.0, init);
  optim::Adam optimizer(net->parameters(), optim::AdamOptions(1e-3));
  DataLoader loader(train, DataLoaderOptions(64).shuffle(true).seed(0));
  for (int epoch = 0; epoch < 5; ++epoch) train_epoch(net, optimizer, loader);

  const double accuracy = test_accuracy(net, test);
  EXPECT_GE(accuracy, 0.80);
  RecordProperty("test_accuracy", std::to_string(accuracy));
}

// ---- resuming ----------------------------------------------------------------------------------------

std::vector<Batch> first_batches(const TensorDataset& data, std::size_t count) {
  DataLoader loader(data, DataLoaderOptions(32).shuffle(true).seed(5));
  std::vector<Batch> batches;
  while (batches.size() < count) {
    for (Batch& batch : loader) {
      if (batches.size() == count) break;
      batches.push_back(batch);
    }
  }
  return batches;
}

void train_steps(nn::MLP& net, optim::Optimizer& optimizer, const std::vector<Batch>& batches, std::size_t begin,
                 std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) train_step(net, optimizer, batches[i]);
}

// Whether every parameter holds the same bits in both networks.
testing::AssertionResult bit_identical(nn::MLP& a, nn::MLP& b) {
  const std::vector<std::pair<std::string, xg::Tensor>> pa = a->named_parameters(), pb = b->named_parameters();
  if (pa.size() != pb.size()) return testing::AssertionFailure() << "different numbers of parameters";
  for (std::size_t k = 0; k < pa.size(); ++k) {
    const xg::Array& x = pa[k].second.data();
    const xg::Array& y = pb[k].second.data();
    if (x.shape() != y.shape() || std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) != 0) {
      return testing::AssertionFailure() << pa[k].first << " differs";
    }
  }
  return testing::AssertionSuccess();
}

TEST(TrainingResume, SavedModelAndOptimizerStateContinueBitForBit) {
  constexpr std::size_t kBefore = 12, kAfter = 12;  // steps before and after the save
  xg::Generator points(3);
  const TensorDataset data = xg::data::spirals(100, 3, 0.2, points);
  const std::vector<Batch> batches = first_batches(data, kBefore + kAfter);  // crosses an epoch boundary
  const xg_test::TempDir dir;
  const std::string model_path = dir.file("model.xgrad"), optimizer_path = dir.file("model.xgrad.optim");

  const std::vector<std::pair<const char*, OptimizerFactory>> optimizers = {
      {"SGD momentum", sgd_momentum()}, {"Adam", adam()}, {"AdamW", adamw()}};
  for (const auto& [name, make] : optimizers) {
    SCOPED_TRACE(name);
    // The uninterrupted run, saved after kBefore steps.
    xg::Generator init(0);
    nn::MLP net({2, 16, 16, 3}, nn::Activation::ReLU, 0.0, init);
    std::unique_ptr<optim::Optimizer> optimizer = make(net->parameters());
    train_steps(net, *optimizer, batches, 0, kBefore);
    xg::save(net, model_path);
    optimizer->save(optimizer_path);
    train_steps(net, *optimizer, batches, kBefore, kBefore + kAfter);

    // A fresh network (other initial weights) and optimizer, both loaded from the files.
    xg::Generator other_init(99);
    nn::MLP resumed({2, 16, 16, 3}, nn::Activation::ReLU, 0.0, other_init);
    std::unique_ptr<optim::Optimizer> resumed_optimizer = make(resumed->parameters());
    xg::load(resumed, model_path);
    resumed_optimizer->load(optimizer_path);
    train_steps(resumed, *resumed_optimizer, batches, kBefore, kBefore + kAfter);
    EXPECT_TRUE(bit_identical(net, resumed));

    // The optimizer state matters: the model file alone does not continue the run.
    nn::MLP model_only({2, 16, 16, 3}, nn::Activation::ReLU, 0.0, other_init);
    std::unique_ptr<optim::Optimizer> fresh_optimizer = make(model_only->parameters());
    xg::load(model_only, model_path);
    train_steps(model_only, *fresh_optimizer, batches, kBefore, kBefore + kAfter);
    EXPECT_FALSE(bit_identical(net, model_only));
  }
}

}  // namespace
