// Exercise 09, the reference solution.
#include "training_loop.hpp"

namespace course {

StepResult train_step(xg::nn::MLP& net, xg::nn::CrossEntropyLoss& loss_fn, xg::optim::Optimizer& optimizer,
                      const xg::data::Batch& batch) {
  const xg::Tensor logits = net(batch.input);             // forward
  const xg::Tensor loss = loss_fn(logits, batch.labels);  // loss
  optimizer.zero_grad();                                  // last step's gradients out
  loss.backward();                                        // this batch's gradients in
  optimizer.step();                                       // move the weights
  return {loss.item(), correct_predictions(logits, batch.labels)};
}

EpochResult train_epoch(xg::nn::MLP& net, xg::nn::CrossEntropyLoss& loss_fn, xg::optim::Optimizer& optimizer,
                        xg::data::DataLoader& loader, const AfterBatch& after_batch) {
  double loss_sum = 0;
  std::size_t correct = 0;
  std::size_t examples = 0;
  for (xg::data::Batch& batch : loader) {
    const StepResult step = train_step(net, loss_fn, optimizer, batch);
    // The loss is a mean over the batch: weigh it by the batch's size, as the last batch is smaller.
    loss_sum += step.loss * static_cast<double>(batch.size());
    correct += step.correct;
    examples += batch.size();
    if (after_batch) after_batch(batch.size(), step.loss);
  }
  const double n = static_cast<double>(examples);
  return {loss_sum / n, static_cast<double>(correct) / n};
}

}  // namespace course
