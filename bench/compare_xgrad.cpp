// xgrad's side of the end-to-end comparison: the training loop of examples/mlp, without its progress
// bar and metrics.

#include "compare.hpp"

#include <xgrad/xgrad.hpp>

#include <chrono>

namespace bench {

namespace {

class XgradTrainer : public Trainer {
 public:
  XgradTrainer(const xg::data::TensorDataset& dataset, const Setup& setup)
      : dataset_(dataset),
        init_generator_(setup.seed),
        net_(setup.sizes, xg::nn::Activation::ReLU, 0.0, init_generator_),
        optimizer_(net_->parameters(), xg::optim::AdamWOptions(setup.lr).weight_decay(setup.weight_decay)),
        shuffle_generator_(setup.seed) {}

  std::string name() const override { return "xgrad"; }

  EpochResult train_epoch(std::size_t batch_size, std::size_t max_batches) override {
    const auto start = std::chrono::steady_clock::now();
    xg::data::DataLoader loader(dataset_,
                                xg::data::DataLoaderOptions(batch_size).shuffle(true).generator(shuffle_generator_));
    EpochResult result;
    double loss_sum = 0.0;
    std::size_t batches = 0;
    for (xg::data::Batch& batch : loader) {
      xg::Tensor logits = net_(batch.input);
      xg::Tensor loss = loss_fn_(logits, batch.labels);
      optimizer_.zero_grad();
      loss.backward();
      optimizer_.step();
      loss_sum += static_cast<double>(loss.item()) * static_cast<double>(batch.size());
      result.samples += batch.size();
      if (++batches == max_batches) break;
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.mean_loss = loss_sum / static_cast<double>(result.samples);
    return result;
  }

 private:
  const xg::data::TensorDataset& dataset_;
  xg::Generator init_generator_;
  xg::nn::MLP net_;
  xg::optim::AdamW optimizer_;
  xg::nn::CrossEntropyLoss loss_fn_;
  xg::Generator shuffle_generator_;
};

}  // namespace

std::unique_ptr<Trainer> make_xgrad_trainer(const xg::data::TensorDataset& dataset, const Setup& setup) {
  return std::make_unique<XgradTrainer>(dataset, setup);
}

MlpWeights xgrad_initial_weights(const Setup& setup) {
  xg::Generator generator(setup.seed);
  xg::nn::MLP net(setup.sizes, xg::nn::Activation::ReLU, 0.0, generator);
  MlpWeights weights;
  // parameters() lists each Linear's weight, then its bias, input layer first.
  const std::vector<xg::Tensor> params = net->parameters();
  for (std::size_t i = 0; i + 1 < params.size(); i += 2) {
    weights.weights.emplace_back(params[i].data().begin(), params[i].data().end());
    weights.biases.emplace_back(params[i + 1].data().begin(), params[i + 1].data().end());
  }
  return weights;
}

OrderSource xgrad_shuffle_orders(const Setup& setup) {
  auto generator = std::make_shared<xg::Generator>(setup.seed);
  return [generator](std::size_t examples) {
    const std::vector<std::size_t> order = xg::data::randperm(examples, *generator);
    return std::vector<std::int64_t>(order.begin(), order.end());
  };
}

void set_xgrad_threads(int threads) { xg::blas::set_num_threads(threads); }

}  // namespace bench
