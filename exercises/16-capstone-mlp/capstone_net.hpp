#pragma once
// Exercise 16: the capstone (README.md). Given: this header, which makes your layers of exercises 12
// and 15 into modules of your Module (13), and sets up a training run. You write CapstoneNet's
// constructor and forward, and train_epoch(), in capstone.cpp.

#include "adamw_optimizer.hpp"
#include "batch_loader.hpp"
#include "batch_norm_op.hpp"
#include "course_module.hpp"
#include "cross_entropy_op.hpp"
#include "linear_op.hpp"
#include "schedules.hpp"

#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/generator.hpp>
#include <xgrad/data/dataset.hpp>

#include <cstddef>
#include <memory>

namespace course {

// Given: your LinearLayer (12) as a Module (13), its parameters registered as "weight" and "bias".
struct LinearModule : Module {
  LinearLayer layer;
  LinearModule(std::size_t in_features, std::size_t out_features, xg::Generator& generator)
      : layer(in_features, out_features, generator) {
    register_parameter("weight", layer.weight);
    register_parameter("bias", layer.bias);
  }
  xg::Tensor forward(const xg::Tensor& x) override { return layer.forward(x); }
};

// Given: your BatchNormLayer (15) as a Module: "weight" and "bias", and the module's mode (train() or
// eval(), exercise 13) decides which statistics it uses.
struct BatchNormModule : Module {
  BatchNormLayer layer;
  explicit BatchNormModule(std::size_t num_features) : layer(num_features) {
    register_parameter("weight", layer.weight);
    register_parameter("bias", layer.bias);
  }
  xg::Tensor forward(const xg::Tensor& x) override {
    layer.training = is_training();
    return layer.forward(x);
  }
};

// The MLP 784-256-128-10 with batch normalization:
//   fc1 (784 -> 256), bn1, ReLU, fc2 (256 -> 128), bn2, ReLU, fc3 (128 -> 10): the logits.
struct CapstoneNet : Module {
  // Registers fc1, bn1, fc2, bn2, fc3 in this order, the Linear layers drawing from `generator`. Yours.
  explicit CapstoneNet(xg::Generator& generator);
  // x [B, 784] -> logits [B, 10]; ReLU is xgrad's (xg::relu). Yours.
  xg::Tensor forward(const xg::Tensor& x) override;

  std::shared_ptr<LinearModule> fc1, fc2, fc3;
  std::shared_ptr<BatchNormModule> bn1, bn2;
};

struct EpochResult {
  double mean_loss = 0;  // per example: each batch's loss weighted by its size
  double accuracy = 0;   // over every example of the epoch
};

// One epoch of training in training mode: for each batch of `loader`, forward, loss (your
// cross_entropy), zero_grad, backward, step. Yours.
EpochResult train_epoch(CapstoneNet& net, xg::optim::Optimizer& optimizer, BatchLoader& loader);

// Given: how many rows of logits [B, C] have their largest score at the row's label.
inline std::size_t correct_predictions(const xg::Array& logits, const xg::Labels& labels) {
  const std::size_t classes = logits.shape()[1];
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    std::size_t best = 0;
    for (std::size_t c = 1; c < classes; ++c) {
      if (logits(i, c) > logits(i, best)) best = c;
    }
    correct += static_cast<std::int64_t>(best) == labels[i] ? 1 : 0;
  }
  return correct;
}

struct Evaluation {
  double loss = 0;  // mean per example
  double accuracy = 0;
};

// Given: the loss and accuracy over a dataset, in evaluation mode and without recording a graph; the
// network is back in training mode afterwards.
inline Evaluation evaluate(CapstoneNet& net, const xg::data::TensorDataset& dataset) {
  const xg::NoGradGuard no_grad;
  net.eval();
  LoaderOptions in_thousands;
  in_thousands.batch_size = 1000;
  BatchLoader loader(dataset, in_thousands);
  double loss_sum = 0;
  std::size_t correct = 0;
  loader.for_each_batch([&](const xg::data::Batch& batch) {
    const xg::Tensor logits = net.forward(batch.input);
    loss_sum += static_cast<double>(cross_entropy(logits, batch.labels).item()) * static_cast<double>(batch.size());
    correct += correct_predictions(logits.data(), batch.labels);
  });
  net.train();
  const auto n = static_cast<double>(dataset.size());
  return {loss_sum / n, static_cast<double>(correct) / n};
}

// Given: the training run of the program and of the Fashion-MNIST check. Your network from seed 0, your
// AdamW (lr 2e-3, weight decay 0.05), your loader (batches of 128, shuffled with seed 0) and your
// cosine schedule from exercise 05, the learning rate stepped down once per epoch to 0 after `epochs`.
struct CapstoneTraining {
  CapstoneTraining(const xg::data::TensorDataset& train, int epochs)
      : net(generator),
        optimizer(net.parameters(), xg::optim::AdamWOptions(2e-3).weight_decay(0.05)),
        loader(train, shuffled_batches_of(128)),
        schedule(optimizer, epochs) {}

  // One epoch of train_epoch, then the schedule's step.
  EpochResult epoch() {
    const EpochResult result = train_epoch(net, optimizer, loader);
    schedule.step();
    return result;
  }

  static LoaderOptions shuffled_batches_of(std::size_t batch_size) {
    LoaderOptions options;
    options.batch_size = batch_size;
    options.shuffle = true;
    return options;
  }

  xg::Generator generator{0};
  CapstoneNet net;
  AdamWOptimizer optimizer;
  BatchLoader loader;
  Cosine schedule;
};

}  // namespace course
