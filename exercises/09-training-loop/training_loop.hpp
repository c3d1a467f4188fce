#pragma once
// Exercise 09: the training loop (README.md). Given: this header. You write train_step() and
// train_epoch() in training_loop.cpp.

#include <xgrad/xgrad.hpp>

#include <cstddef>
#include <functional>

namespace course {

struct StepResult {
  double loss = 0;          // the batch's mean loss, from the forward before the step
  std::size_t correct = 0;  // how many of the batch's examples that forward classified right
};

// One step on one batch: forward, loss, zero_grad, backward, step. Yours.
StepResult train_step(xg::nn::MLP& net, xg::nn::CrossEntropyLoss& loss_fn, xg::optim::Optimizer& optimizer,
                      const xg::data::Batch& batch);

struct EpochResult {
  double mean_loss = 0;  // per example: each batch's loss weighted by its size
  double accuracy = 0;   // over every example of the epoch
};

// Called after each batch with its size and loss (the program's progress bar).
using AfterBatch = std::function<void(std::size_t batch_size, double loss)>;

// One pass over `loader`, a train_step per batch. Yours.
EpochResult train_epoch(xg::nn::MLP& net, xg::nn::CrossEntropyLoss& loss_fn, xg::optim::Optimizer& optimizer,
                        xg::data::DataLoader& loader, const AfterBatch& after_batch = nullptr);

// Given: how many rows of `logits` have their largest score at the row's label.
inline std::size_t correct_predictions(const xg::Tensor& logits, const xg::data::Labels& labels) {
  const xg::data::Labels predicted = xg::nn::argmax(logits);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) correct += predicted[i] == labels[i] ? 1 : 0;
  return correct;
}

struct Evaluation {
  double loss = 0;  // mean per example
  double accuracy = 0;
};

// Given: loss and accuracy over a whole dataset, in evaluation mode and without recording a graph.
inline Evaluation evaluate(xg::nn::MLP& net, const xg::data::TensorDataset& dataset) {
  const xg::NoGradGuard no_grad;
  net->eval();
  xg::nn::CrossEntropyLoss sum_loss(xg::nn::CrossEntropyLossOptions().reduction(xg::nn::Reduction::Sum));
  xg::data::DataLoader loader(dataset, xg::data::DataLoaderOptions(1000));
  double loss_sum = 0;
  std::size_t correct = 0;
  for (xg::data::Batch& batch : loader) {
    const xg::Tensor logits = net(batch.input);
    loss_sum += sum_loss(logits, batch.labels).item();
    correct += correct_predictions(logits, batch.labels);
  }
  net->train();
  const double n = static_cast<double>(dataset.size());
  return {loss_sum / n, static_cast<double>(correct) / n};
}

}  // namespace course
