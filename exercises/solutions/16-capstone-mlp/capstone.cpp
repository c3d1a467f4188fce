// Exercise 16, the reference solution.
#include "capstone_net.hpp"

#include <xgrad/core/error.hpp>

namespace course {

CapstoneNet::CapstoneNet(xg::Generator& generator) {
  fc1 = register_module("fc1", std::make_shared<LinearModule>(784, 256, generator));
  bn1 = register_module("bn1", std::make_shared<BatchNormModule>(256));
  fc2 = register_module("fc2", std::make_shared<LinearModule>(256, 128, generator));
  bn2 = register_module("bn2", std::make_shared<BatchNormModule>(128));
  fc3 = register_module("fc3", std::make_shared<LinearModule>(128, 10, generator));
}

xg::Tensor CapstoneNet::forward(const xg::Tensor& x) {
  const xg::Tensor h1 = xg::relu(bn1->forward(fc1->forward(x)));
  const xg::Tensor h2 = xg::relu(bn2->forward(fc2->forward(h1)));
  return fc3->forward(h2);
}

EpochResult train_epoch(CapstoneNet& net, xg::optim::Optimizer& optimizer, BatchLoader& loader) {
  net.train();  // evaluate() between epochs may have left it in evaluation mode
  double loss_sum = 0;
  std::size_t correct = 0, seen = 0;
  loader.for_each_batch([&](const xg::data::Batch& batch) {
    const xg::Tensor logits = net.forward(batch.input);
    const xg::Tensor loss = cross_entropy(logits, batch.labels);
    net.zero_grad();
    loss.backward();
    optimizer.step();
    loss_sum += static_cast<double>(loss.item()) * static_cast<double>(batch.size());
    correct += correct_predictions(logits.data(), batch.labels);
    seen += batch.size();
  });
  const auto n = static_cast<double>(seen);
  return {loss_sum / n, static_cast<double>(correct) / n};
}

}  // namespace course
