// libtorch's side of the end-to-end comparison: the same MLP, loss, optimizer and loop as
// compare_xgrad.cpp, written the way a libtorch user would: the training set is one tensor, and each
// batch is gathered from it with index_select in the order xgrad's DataLoader visits.

#include "compare.hpp"

#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adamw.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <chrono>
#include <cstring>

namespace bench {

namespace {

class LibtorchTrainer : public Trainer {
 public:
  LibtorchTrainer(const PlainData& data, const Setup& setup, const MlpWeights& initial, OrderSource next_order)
      : examples_(static_cast<std::int64_t>(data.examples)),
        // from_blob borrows the memory: no copy of the data set.
        inputs_(torch::from_blob(const_cast<float*>(data.inputs), {examples_, static_cast<std::int64_t>(data.features)},
                                 torch::kFloat)),
        labels_(torch::from_blob(const_cast<std::int64_t*>(data.labels), {examples_}, torch::kLong)),
        net_(make_net(setup.sizes)),
        optimizer_(net_->parameters(), torch::optim::AdamWOptions(setup.lr).weight_decay(setup.weight_decay)),
        next_order_(std::move(next_order)) {
    copy_weights(initial);
  }

  std::string name() const override { return "libtorch"; }

  EpochResult train_epoch(std::size_t batch_size, std::size_t max_batches) override {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::int64_t> order = next_order_(static_cast<std::size_t>(examples_));
    const torch::Tensor order_tensor = torch::from_blob(order.data(), {examples_}, torch::kLong);
    const auto batch = static_cast<std::int64_t>(batch_size);
    EpochResult result;
    double loss_sum = 0.0;
    std::size_t batches = 0;
    for (std::int64_t first = 0; first < examples_; first += batch) {
      const torch::Tensor indices = order_tensor.slice(0, first, std::min(first + batch, examples_));
      const torch::Tensor input = inputs_.index_select(0, indices);
      const torch::Tensor target = labels_.index_select(0, indices);
      torch::Tensor logits = net_->forward(input);
      torch::Tensor loss = torch::nn::functional::cross_entropy(logits, target);
      optimizer_.zero_grad();
      loss.backward();
      optimizer_.step();
      loss_sum += static_cast<double>(loss.item<float>()) * static_cast<double>(indices.size(0));
      result.samples += static_cast<std::size_t>(indices.size(0));
      if (++batches == max_batches) break;
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.mean_loss = loss_sum / static_cast<double>(result.samples);
    return result;
  }

 private:
  static torch::nn::Sequential make_net(const std::vector<std::size_t>& sizes) {
    torch::nn::Sequential net;
    for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
      net->push_back(torch::nn::Linear(static_cast<std::int64_t>(sizes[i]), static_cast<std::int64_t>(sizes[i + 1])));
      if (i + 2 < sizes.size()) net->push_back(torch::nn::ReLU());
    }
    return net;
  }

  // parameters() lists each Linear's weight then its bias, as xgrad's MLP does.
  void copy_weights(const MlpWeights& initial) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> params = net_->parameters();
    for (std::size_t layer = 0; layer < initial.weights.size(); ++layer) {
      copy_into(params[2 * layer], initial.weights[layer]);
      copy_into(params[2 * layer + 1], initial.biases[layer]);
    }
  }

  static void copy_into(torch::Tensor& param, const std::vector<float>& values) {
    if (static_cast<std::size_t>(param.numel()) != values.size()) {
      throw std::runtime_error("libtorch trainer: initial weights do not match the model's shapes");
    }
    std::memcpy(param.data_ptr<float>(), values.data(), values.size() * sizeof(float));
  }

  std::int64_t examples_;
  torch::Tensor inputs_;
  torch::Tensor labels_;
  torch::nn::Sequential net_;
  torch::optim::AdamW optimizer_;
  OrderSource next_order_;
};

}  // namespace

std::unique_ptr<Trainer> make_libtorch_trainer(const PlainData& data, const Setup& setup, const MlpWeights& initial,
                                               OrderSource next_order) {
  return std::make_unique<LibtorchTrainer>(data, setup, initial, std::move(next_order));
}

void set_libtorch_threads(int threads) { torch::set_num_threads(threads); }

std::string libtorch_version() { return TORCH_VERSION; }

}  // namespace bench
