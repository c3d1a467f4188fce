// Run as `mpirun -np N mpi_sharded_optimizer OPTIMIZER` (adamw: AdamW with weight decay; sgd: SGD with
// momentum): the sharded step (ShardedOptimizer, ZeRO stage 1: each rank sums and updates only its
// range of the values, then the ranks share them) against the unsharded one (SharedMemoryAllReduce::
// all_reduce, then a whole step on every rank). Two copies of the example's default model (BatchNorm1d
// as SyncBatchNorm, the last hidden layer 129 wide so that the 236183 values split unevenly over 2 and
// 3 ranks) train side by side on the same 20 global batches of 128. After every step each rank's
// sharded parameters must be byte-identical to its unsharded ones (and so to every other rank's).
// After the last, consolidate_state_dict() and the sharded optimizer's saved state must be the
// unsharded one's byte for byte. LBFGS must be refused. Prints PASS or FAIL; exits 1 on failure.
#include "training_common.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

namespace {

constexpr int kSteps = 20;
constexpr std::size_t kGlobalBatch = 128;

bool same_bytes(const std::vector<xg::Tensor>& a, const std::vector<xg::Tensor>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(a[i].data().data(), b[i].data().data(), a[i].numel() * sizeof(float)) != 0) return false;
  }
  return true;
}

std::string saved(const xg::optim::Optimizer& optimizer) {
  std::ostringstream out;
  optimizer.save(out);
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  xg::distributed::Environment mpi(argc, argv);
  const std::string name = argc > 1 ? argv[1] : "adamw";
  const auto rank = static_cast<std::size_t>(xg::distributed::rank());
  const auto world = static_cast<std::size_t>(xg::distributed::world_size());
  xg::nn::MLP whole_net = xgtest::default_mlp(129, xg::nn::Norm::Batch);
  xg::nn::MLP sharded_net = xgtest::default_mlp(129, xg::nn::Norm::Batch);
  const std::vector<xg::Tensor> whole_params = whole_net->parameters(), sharded_params = sharded_net->parameters();
  xg::distributed::SharedMemoryAllReduce whole_exchange(whole_params), sharded_exchange(sharded_params);
  // Each model's SyncBatchNorm sums through its own exchange (the same tensors after converting).
  xg::distributed::convert_sync_batchnorm(*whole_net, &whole_exchange);
  xg::distributed::convert_sync_batchnorm(*sharded_net, &sharded_exchange);
  auto whole_optimizer = xgtest::make_optimizer(name, whole_params);
  auto sharded_optimizer = xgtest::make_optimizer(name, sharded_params);
  xg::distributed::ShardedOptimizer sharded(sharded_exchange, *sharded_optimizer);

  // This rank's share, gathered on rank 0: [begin, end) of the flattened values per rank.
  std::size_t begin = 0, end = 0, at = 0;
  bool found_begin = false;
  const auto ranges = sharded_exchange.my_value_ranges();
  for (const xg::Tensor& p : sharded_params) {
    const xg::optim::ValueRange range = ranges.at(p.id());
    if (range.size() > 0 && !found_begin) begin = at + range.begin, found_begin = true;
    if (range.size() > 0) end = at + range.end;
    at += p.numel();
  }
  unsigned long share[2] = {begin, end};
  std::vector<unsigned long> shares(2 * world);
  MPI_Gather(share, 2, MPI_UNSIGNED_LONG, shares.data(), 2, MPI_UNSIGNED_LONG, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    std::printf("%zu ranks update values", world);
    for (std::size_t r = 0; r < world; ++r) std::printf(" [%lu, %lu)", shares[2 * r], shares[2 * r + 1]);
    std::printf(" of %zu\n", at);
  }

  xg::nn::CrossEntropyLoss loss_fn;
  const xg::data::TensorDataset data = xgtest::equivalence_data();
  xg::data::DataLoader loader(data, xg::data::DataLoaderOptions(kGlobalBatch).shuffle(true).seed(11));
  bool identical = true;
  int step = 0;
  for (xg::data::Batch& global : loader) {
    if (step++ == kSteps) break;
    const xg::data::Batch mine = xg::distributed::shard_of_batch(global, rank, world);
    const auto weights = xg::distributed::AllReduceOptions().examples(mine.size(), global.size());
    xg::Tensor whole_loss = loss_fn(whole_net(mine.input), mine.labels);
    whole_optimizer->zero_grad();
    whole_loss.backward();
    whole_exchange.all_reduce(weights);
    whole_optimizer->step();
    xg::Tensor sharded_loss = loss_fn(sharded_net(mine.input), mine.labels);
    sharded_optimizer->zero_grad();
    sharded_loss.backward();
    sharded.reduce_gradients(weights);
    sharded_optimizer->step();
    sharded.share_parameters();
    identical = identical && same_bytes(whole_params, sharded_params);
  }
  identical = xgtest::all_ranks(identical);

  // Before consolidating, a rank's state is current in its range only (with several ranks).
  const bool stale_before = saved(*sharded_optimizer) != saved(*whole_optimizer);
  sharded.consolidate_state_dict();
  const std::string state = saved(*sharded_optimizer);
  bool same_state = state == saved(*whole_optimizer);
  // Every rank's file the same bytes too (the unsharded ones are: every rank ran the same step).
  std::string rank0_state = state;
  auto size = static_cast<unsigned long>(state.size());
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG, 0, MPI_COMM_WORLD);
  rank0_state.resize(size);
  MPI_Bcast(rank0_state.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD);
  same_state = xgtest::all_ranks(same_state && rank0_state == state);
  const bool stale = xgtest::all_ranks(stale_before);

  std::string refused = "nothing";
  try {
    xg::optim::LBFGS lbfgs(sharded_params);
    xg::distributed::ShardedOptimizer not_element_wise(sharded_exchange, lbfgs);
  } catch (const xg::Error& e) {
    refused = e.what();
  }

  const bool ok = identical && same_state && stale;
  if (rank == 0) {
    std::printf(
        "sharded %s: parameters byte-identical to the unsharded step's on every rank after each of %d steps: %s\n",
        sharded_optimizer->name().c_str(), kSteps, identical ? "yes" : "no");
    std::printf("optimizer state stale outside each rank's range before consolidating: %s\n", stale ? "yes" : "no");
    std::printf("saved optimizer state after consolidate_state_dict byte-identical to the unsharded one's: %s\n",
                same_state ? "yes" : "no");
    std::printf("LBFGS refused: %s\n", refused.c_str());
    std::printf("%s\n", ok ? "PASS" : "FAIL");
  }
  return ok ? 0 : 1;
}
