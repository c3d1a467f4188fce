// Exercise 09's checks: one TEST per task in README.md, named as the task reads.
#include "adamw_optimizer.hpp"
#include "course_check.hpp"
#include "training_loop.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

namespace {

using course_check::first_difference;

xg::data::TensorDataset spirals(std::uint64_t seed) {
  xg::Generator generator(seed);
  return xg::data::spirals(/*n_per_class=*/300, /*n_classes=*/3, /*noise=*/0.2, generator);
}

xg::nn::MLP spiral_net(std::uint64_t seed) {
  xg::Generator generator(seed);
  return xg::nn::MLP({2, 64, 64, 3}, xg::nn::Activation::ReLU, 0.0, generator);
}

TEST(TrainingLoop, TrainStepIsForwardLossZeroGradBackwardStep) {
  // Twenty of your steps against the loop written out with xgrad's AdamW: the same weights bit for
  // bit, the same losses and counts. (Both use xgrad's AdamW here, so only the loop is checked.)
  const xg::data::TensorDataset data = spirals(0);
  xg::nn::MLP mine = spiral_net(1);
  xg::nn::MLP reference = spiral_net(1);
  xg::optim::AdamW my_optimizer(mine->parameters(), xg::optim::AdamWOptions(1e-2));
  xg::optim::AdamW reference_optimizer(reference->parameters(), xg::optim::AdamWOptions(1e-2));
  xg::nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(data, xg::data::DataLoaderOptions(64).shuffle(true).seed(2));
  int step = 0;
  for (xg::data::Batch& batch : loader) {
    if (++step > 20) break;
    const course::StepResult result = course::train_step(mine, loss_fn, my_optimizer, batch);
    const xg::Tensor logits = reference(batch.input);
    const xg::Tensor loss = loss_fn(logits, batch.labels);
    reference_optimizer.zero_grad();
    loss.backward();
    reference_optimizer.step();
    EXPECT_EQ(result.loss, loss.item()) << "the loss train_step returned at step " << step;
    EXPECT_EQ(result.correct, course::correct_predictions(logits, batch.labels)) << "correct at step " << step;
    const std::vector<xg::Tensor> a = mine->parameters();
    const std::vector<xg::Tensor> b = reference->parameters();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string difference = first_difference(a[i].data(), b[i].data());
      ASSERT_EQ(difference, "") << "after step " << step << ", parameter " << i
                                << " (a difference from step 2 on: were last step's gradients cleared?)";
    }
  }
}

TEST(TrainingLoop, TrainEpochAveragesTheLossOverExamples) {
  // With lr 0 nothing moves, so the epoch's mean loss and accuracy are those of the whole dataset.
  // 900 examples in batches of 64: 14 batches, the last of 4, which a plain mean of batch losses
  // would weigh as much as the others.
  const xg::data::TensorDataset data = spirals(3);
  xg::nn::MLP net = spiral_net(4);
  xg::optim::AdamW frozen(net->parameters(), xg::optim::AdamWOptions(0.0).weight_decay(0.0));
  xg::nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(data, xg::data::DataLoaderOptions(64).shuffle(true).seed(5));
  std::vector<std::size_t> sizes;
  const course::EpochResult epoch =
      course::train_epoch(net, loss_fn, frozen, loader, [&](std::size_t size, double) { sizes.push_back(size); });
  const course::Evaluation whole = course::evaluate(net, data);
  EXPECT_NEAR(epoch.mean_loss, whole.loss, 1e-6 * whole.loss) << "the mean loss per example";
  EXPECT_DOUBLE_EQ(epoch.accuracy, whole.accuracy) << "the accuracy over the epoch";
  EXPECT_EQ(sizes.size(), 15u) << "after_batch calls: one per batch, ceil(900 / 64) = 15";
  EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}), 900u) << "examples over all calls";
}

TEST(TrainingLoop, SpiralsReach95PercentWithYourAdamW) {
  const xg::data::TensorDataset data = spirals(0);
  xg::nn::MLP net = spiral_net(0);
  course::AdamWOptimizer optimizer(net->parameters(), xg::optim::AdamWOptions(1e-2).weight_decay(1e-4));
  xg::nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(data, xg::data::DataLoaderOptions(64).shuffle(true).seed(0));
  course::EpochResult first;
  for (int epoch = 1; epoch <= 40; ++epoch) {
    const course::EpochResult result = course::train_epoch(net, loss_fn, optimizer, loader);
    if (epoch == 1) first = result;
  }
  const course::Evaluation final_state = course::evaluate(net, data);
  EXPECT_GE(final_state.accuracy, 0.95) << "training accuracy after 40 epochs";
  EXPECT_LT(final_state.loss, first.mean_loss / 5) << "the loss after 40 epochs against the first epoch's";
}

TEST(TrainingLoop, FashionMnistSubsetLearnsWithYourAdamW) {
  if (!std::filesystem::exists(xg::data::kFashionMnistDir)) {
    GTEST_SKIP() << "Fashion-MNIST is not installed (scripts/setup.sh installs dataset-fashion-mnist)";
  }
  // 6,000 training images, 3 epochs; tested on the first 2,000 test images. (The program trains on
  // all 60,000 for 10 epochs and reaches about 0.89.)
  const auto first = [](const xg::data::TensorDataset& all, std::size_t n) {
    std::vector<std::size_t> indices(n);
    std::iota(indices.begin(), indices.end(), std::size_t{0});
    return all.subset(indices);
  };
  const xg::data::TensorDataset train =
      first(xg::data::load_mnist(xg::data::kFashionMnistDir, xg::data::Split::kTrain), 6000);
  const xg::data::TensorDataset test =
      first(xg::data::load_mnist(xg::data::kFashionMnistDir, xg::data::Split::kTest), 2000);
  xg::Generator generator(0);
  xg::nn::MLP net({784, 256, 128, 10}, xg::nn::Activation::ReLU, 0.0, generator);
  course::AdamWOptimizer optimizer(net->parameters(), xg::optim::AdamWOptions(2e-3).weight_decay(0.05));
  xg::nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(train, xg::data::DataLoaderOptions(128).shuffle(true).seed(0));
  for (int epoch = 1; epoch <= 3; ++epoch) course::train_epoch(net, loss_fn, optimizer, loader);
  EXPECT_GE(course::evaluate(net, test).accuracy, 0.80)
      << "test accuracy after 3 epochs on 6,000 images (0.82 with the solution)";
}

}  // namespace
