// Run as `mpirun -np N mpi_equivalence OPTIMIZER TOLERANCE`: every rank trains the default MLP for
// 50 steps of global batch 128, each on its shard of every global batch, averaging gradients with
// all_reduce_gradients. After every step all ranks must hold bit-identical parameters. At the end
// rank 0 trains a single process on the same 50 global batches from the same start and compares:
// the largest absolute difference of any parameter must stay within TOLERANCE (README, "Distributed
// training", says where the tolerance comes from). Prints the measured difference; exits 1 on failure.
#include "training_common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr int kSteps = 50;
constexpr std::size_t kGlobalBatch = 128;

std::vector<xg::Array> snapshot(const std::vector<xg::Tensor>& params) {
  std::vector<xg::Array> values;
  for (const xg::Tensor& p : params) values.push_back(p.data());
  return values;
}

// The single-process run: the same loader, whole batches.
std::vector<xg::Array> train_alone(const xg::data::TensorDataset& data, const std::string& optimizer_name) {
  xg::nn::MLP net = xgtest::default_mlp();
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
  return snapshot(net->parameters());
}

}  // namespace

int main(int argc, char** argv) {
  xg::distributed::Environment mpi(argc, argv);
  const std::string optimizer_name = argc > 1 ? argv[1] : "adamw";
  const double tolerance = argc > 2 ? std::atof(argv[2]) : 0.0;
  const auto rank = static_cast<std::size_t>(xg::distributed::rank());
  const auto world = static_cast<std::size_t>(xg::distributed::world_size());
  const xg::data::TensorDataset data = xgtest::equivalence_data();

  xg::nn::MLP net = xgtest::default_mlp();
  const std::vector<xg::Tensor> params = net->parameters();
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
    loss.backward();
    xg::distributed::all_reduce_gradients(params,
                                          xg::distributed::AllReduceOptions().examples(mine.size(), global.size()));
    optimizer->step();
    ++step;
    if (!xg::distributed::same_on_every_rank(params) && diverged_at < 0) diverged_at = step;
  }
  if (rank != 0) return 0;

  if (diverged_at >= 0) {
    std::printf("FAIL: the ranks' parameters differ bit-wise after step %d\n", diverged_at);
    return 1;
  }
  std::printf("%zu ranks, %s: parameters bit-identical on every rank after each of %d steps\n", world,
              optimizer_name.c_str(), step);
  const std::vector<xg::Array> alone = train_alone(data, optimizer_name);
  double max_difference = 0.0, max_movement = 0.0;
  const std::vector<xg::Array> start = snapshot(xgtest::default_mlp()->parameters());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const float* a = params[i].data().data();
    const float* b = alone[i].data();
    for (std::size_t j = 0; j < params[i].numel(); ++j) {
      max_difference = std::max(max_difference, std::fabs(static_cast<double>(a[j]) - b[j]));
      max_movement = std::max(max_movement, std::fabs(static_cast<double>(b[j]) - start[i].data()[j]));
    }
  }
  std::printf("max |parameter difference| vs one process: %.3e (tolerance %.1e; largest move in training %.3e)\n",
              max_difference, tolerance, max_movement);
  if (!(max_difference <= tolerance)) {
    std::printf("FAIL: the difference exceeds the tolerance\n");
    return 1;
  }
  std::printf("PASS\n");
  return 0;
}
