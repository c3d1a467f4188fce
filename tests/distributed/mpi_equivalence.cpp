// Run as `mpirun -np N mpi_equivalence OPTIMIZER TOLERANCE [batch|none] [overlap|shared]`: every rank trains the
// default MLP for 50 steps of global batch 128, each on its shard of every global batch, averaging gradients with
// all_reduce_gradients (with `overlap`, BackwardAllReduce during backward; with `shared`, SharedMemoryAllReduce, which
// SyncBatchNorm then sums through too). With `batch` the MLP has a BatchNorm1d after each hidden Linear, converted to
// SyncBatchNorm on the ranks and left plain in the single process. After every step all ranks must hold bit-identical
// parameters and buffers (running statistics). At the end rank 0 trains a single process on the same 50 global batches
// from the same start and compares: the largest absolute difference of any parameter or buffer must stay within
// TOLERANCE (README, "Distributed training", says where the tolerance comes from). Prints the measured difference;
// exits 1 on failure.
#include "training_common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

constexpr int kSteps = 50;
constexpr std::size_t kGlobalBatch = 128;

std::vector<xg::Array> snapshot(const std::vector<xg::Tensor>& params) {
  std::vector<xg::Array> values;
  for (const xg::Tensor& p : params) values.push_back(p.data());
  return values;
}

// Parameters and buffers, in state_dict order.
std::vector<xg::Tensor> state_of(const xg::nn::MLP& net) {
  std::vector<xg::Tensor> tensors;
  for (const auto& entry : net->state_dict()) tensors.push_back(entry.second);
  return tensors;
}

// The single-process run: the same loader, whole batches.
std::vector<xg::Array> train_alone(const xg::data::TensorDataset& data, const std::string& optimizer_name,
                                   xg::nn::Norm norm) {
  xg::nn::MLP net = xgtest::default_mlp(128, norm);
  auto optimizer = xgtest::make_optimizer(optimizer_name, net->parameters());
  xg::nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(data, xg::data::DataLoaderOptions(kGlobalBatch).shuffle(true).seed(11));
  int step = 0;
  for (xg::data::Batch& batch : loader) {
    if (step++ == kSteps) break;
    xg::Tensor loss = loss_fn(net(batch.input), batch.labels);
    optimizer->zero_grad();
    loss.backward();
    optimizer->step();
  }
  return snapshot(state_of(net));
}

// A Linear's bias followed by BatchNorm1d has a gradient of exactly 0 (the norm subtracts the mean),
// so what backward computes for it is rounding noise, and Adam scales noise of any size up to steps of
// lr: in 50 steps such a bias drifts by up to 50 lr, differently for any regrouping of a sum. The
// running mean, which includes the bias, drifts with it. Neither changes what the model computes in
// training; with SGD (steps proportional to the noise) they are compared like everything else.
bool bias_cancelled_by_batch_norm(const std::vector<std::string>& keys, std::size_t i) {
  const std::string& key = keys[i];
  if (key.size() > 13 && key.compare(key.size() - 13, 13, ".running_mean") == 0) return true;
  const std::size_t dot = key.find('.');
  if (key.substr(dot) != ".bias") return false;
  const std::string next = std::to_string(std::stoul(key.substr(0, dot)) + 1) + ".running_mean";
  return std::find(keys.begin(), keys.end(), next) != keys.end();
}

}  // namespace

int main(int argc, char** argv) {
  xg::distributed::Environment mpi(argc, argv);
  const std::string optimizer_name = argc > 1 ? argv[1] : "adamw";
  const double tolerance = argc > 2 ? std::atof(argv[2]) : 0.0;
  const xg::nn::Norm norm = xg::nn::norm_from_string(argc > 3 ? argv[3] : "none");
  const auto rank = static_cast<std::size_t>(xg::distributed::rank());
  const auto world = static_cast<std::size_t>(xg::distributed::world_size());
  const xg::data::TensorDataset data = xgtest::equivalence_data();

  xg::nn::MLP net = xgtest::default_mlp(128, norm);
  const std::vector<xg::Tensor> params = net->parameters();
  const std::string exchange = argc > 4 ? argv[4] : "";
  std::unique_ptr<xg::distributed::BackwardAllReduce> overlapped;
  if (exchange == "overlap") overlapped = std::make_unique<xg::distributed::BackwardAllReduce>(params, 64 * 1024);
  std::unique_ptr<xg::distributed::SharedMemoryAllReduce> shared;
  if (exchange == "shared") shared = std::make_unique<xg::distributed::SharedMemoryAllReduce>(params);
  // SyncBatchNorm sums through the shared memory with `shared`, else through MPI (the same tensors
  // after converting, so `params` and the exchanges still hold the model's).
  xg::distributed::convert_sync_batchnorm(*net, shared.get());
  const std::vector<xg::Tensor> state = state_of(net);
  xg::distributed::broadcast_parameters(params, 0);
  auto optimizer = xgtest::make_optimizer(optimizer_name, params);
  xg::nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(data, xg::data::DataLoaderOptions(kGlobalBatch).shuffle(true).seed(11));
  int step = 0, diverged_at = -1;
  for (xg::data::Batch& global : loader) {
    if (step == kSteps) break;
    const xg::data::Batch mine = xg::distributed::shard_of_batch(global, rank, world);
    xg::Tensor loss = loss_fn(net(mine.input), mine.labels);
    optimizer->zero_grad();
    const auto weights = xg::distributed::AllReduceOptions().examples(mine.size(), global.size());
    if (overlapped) {
      overlapped->begin(weights);
      loss.backward();
      overlapped->wait();
    } else if (shared) {
      loss.backward();
      shared->all_reduce(weights);
    } else {
      loss.backward();
      xg::distributed::all_reduce_gradients(params, weights);
    }
    optimizer->step();
    ++step;
    if (!xg::distributed::same_on_every_rank(state) && diverged_at < 0) diverged_at = step;
  }
  if (rank != 0) return 0;

  if (diverged_at >= 0) {
    std::printf("FAIL: the ranks' parameters or buffers differ bit-wise after step %d\n", diverged_at);
    return 1;
  }
  if (overlapped) std::printf("allreduce overlapped with backward, %zu buckets\n", overlapped->bucket_count());
  if (shared) std::printf("gradients averaged through shared memory\n");
  std::printf("%zu ranks, %s, norm %s: parameters bit-identical on every rank after each of %d steps\n", world,
              optimizer_name.c_str(), argc > 3 ? argv[3] : "none", step);
  const std::vector<xg::Array> alone = train_alone(data, optimizer_name, norm);
  double max_difference = 0.0, max_movement = 0.0;
  const std::vector<xg::Array> start = snapshot(state_of(xgtest::default_mlp(128, norm)));
  const std::vector<std::string> keys = net->state_dict().keys();
  std::size_t skipped = 0;
  for (std::size_t i = 0; i < state.size(); ++i) {
    if (optimizer_name == "adamw" && bias_cancelled_by_batch_norm(keys, i)) {
      ++skipped;
      continue;
    }
    const float* a = state[i].data().data();
    const float* b = alone[i].data();
    for (std::size_t j = 0; j < state[i].numel(); ++j) {
      // Relative to the value for the running variances (which grow to hundreds), absolute below 1.
      const double scale = std::max(1.0, std::fabs(static_cast<double>(b[j])));
      max_difference = std::max(max_difference, std::fabs(static_cast<double>(a[j]) - b[j]) / scale);
      max_movement = std::max(max_movement, std::fabs(static_cast<double>(b[j]) - start[i].data()[j]) / scale);
    }
  }
  std::printf("max |parameter difference| vs one process: %.3e (tolerance %.1e; largest move in training %.3e)\n",
              max_difference, tolerance, max_movement);
  if (skipped > 0) std::printf("(%zu biases before a BatchNorm1d and running means not compared)\n", skipped);
  if (!(max_difference <= tolerance)) {
    std::printf("FAIL: the difference exceeds the tolerance\n");
    return 1;
  }
  std::printf("PASS\n");
  return 0;
}
