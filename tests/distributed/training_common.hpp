#pragma once
// What the multi-process test programs share: the data, the model and one training step, built the
// same way on every rank and in the single-process reference.

#include <xgrad/distributed/distributed.hpp>
#include <xgrad/xgrad.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace xgtest {

// 50 global batches of 128: blobs in 784 dimensions with 10 classes, noisy enough that 50 steps
// leave the loss far from 0 (so the gradients stay large and every step matters).
inline xg::data::TensorDataset equivalence_data() {
  xg::Generator generator(7);
  return xg::data::blobs(50 * 128, 10, 784, /*cluster_std=*/12.0, generator);
}

// The default MLP of examples/mlp, initialised from a fixed seed (the same on every rank); with
// Norm::Batch a BatchNorm1d after each hidden Linear (the example's default recipe).
inline xg::nn::MLP default_mlp(std::size_t hidden_last = 128, xg::nn::Norm norm = xg::nn::Norm::None) {
  xg::Generator init(3);
  return xg::nn::MLP({784, 256, hidden_last, 10}, xg::nn::Activation::ReLU, 0.0, norm, init);
}

inline std::unique_ptr<xg::optim::Optimizer> make_optimizer(const std::string& name,
                                                            const std::vector<xg::Tensor>& params) {
  if (name == "sgd") {
    return std::make_unique<xg::optim::SGD>(params, xg::optim::SGDOptions(0.01).momentum(0.9));
  }
  return std::make_unique<xg::optim::AdamW>(params, xg::optim::AdamWOptions(2e-3).weight_decay(0.05));
}

// Whether `mine` holds on every rank (collective): each test program's verdict is the same on all ranks.
inline bool all_ranks(bool mine) { return xg::distributed::all_reduce_sum(std::int64_t{mine ? 0 : 1}) == 0; }

}  // namespace xgtest
