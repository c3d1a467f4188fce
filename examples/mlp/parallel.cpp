#include "parallel.hpp"

#ifdef XGRAD_MLP_WITH_MPI
#include <xgrad/distributed/distributed.hpp>
#endif

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace mlp {

#ifdef XGRAD_MLP_WITH_MPI
namespace {
std::unique_ptr<xg::distributed::Environment>& environment() {
  static std::unique_ptr<xg::distributed::Environment> env;
  return env;
}
}  // namespace

Parallel::Parallel(int& argc, char**& argv) {
  if (!xg::distributed::launched_by_mpi_launcher()) return;
  environment() = std::make_unique<xg::distributed::Environment>(argc, argv);
  mpi_ = true;
  rank_ = xg::distributed::rank();
  world_ = xg::distributed::world_size();
  if (rank_ != 0 && !std::freopen("/dev/null", "w", stdout)) {
    throw std::runtime_error("cannot silence stdout of rank " + std::to_string(rank_));
  }
}

Parallel::~Parallel() { environment().reset(); }

void Parallel::start(const std::vector<xg::Tensor>& params, std::size_t train_size, std::size_t batch_size,
                     std::uint64_t seed) const {
  if (!mpi_) return;
  const auto world = static_cast<std::size_t>(world_);
  const std::size_t tail = train_size % batch_size;
  if (batch_size < world || (tail != 0 && tail < world)) {
    throw xg::Error("--batch-size " + std::to_string(batch_size) + " over " + std::to_string(train_size) +
                    " examples gives a batch of " + std::to_string(batch_size < world ? batch_size : tail) + " for " +
                    std::to_string(world) +
                    " ranks: every rank needs an example of every batch; choose another --batch-size or --limit");
  }
  xg::manual_seed(seed + static_cast<std::uint64_t>(rank_));  // dropout: a different mask on each rank
  xg::distributed::broadcast_parameters(params, 0);
  std::printf("distributed: %d ranks, each trains on rows rank, rank + %d, ... of every global batch of %zu\n", world_,
              world_, batch_size);
}

void Parallel::synchronize_batch_norm(xg::nn::Module& net) const {
  if (mpi_ && xg::distributed::convert_sync_batchnorm(net) > 0) {
    std::printf("distributed: batch norm over the global batch (SyncBatchNorm)\n");
  }
}

void Parallel::reseed_dropout_after_resume(std::uint64_t seed, std::int64_t epochs_done) const {
  if (!mpi_ || rank_ == 0) return;
  xg::manual_seed(seed + static_cast<std::uint64_t>(rank_) +
                  static_cast<std::uint64_t>(world_) * static_cast<std::uint64_t>(epochs_done));
}

xg::data::Batch Parallel::shard(const xg::data::Batch& global) const {
  if (!mpi_) return global;
  return xg::distributed::shard_of_batch(global, static_cast<std::size_t>(rank_), static_cast<std::size_t>(world_));
}

void Parallel::average_gradients(const std::vector<xg::Tensor>& params, std::size_t local_examples,
                                 std::size_t global_examples) const {
  if (!mpi_) return;
  xg::distributed::all_reduce_gradients(params,
                                        xg::distributed::AllReduceOptions().examples(local_examples, global_examples));
}

double Parallel::sum(double value) const { return mpi_ ? xg::distributed::all_reduce_sum(value) : value; }

int Parallel::fail(const std::string& message) const {
  if (mpi_ && world_ > 1) xg::distributed::abort("mlp: " + message);
  std::fprintf(stderr, "mlp: %s\n", message.c_str());
  return 1;
}

#else  // built without MPI: always one process

Parallel::Parallel(int&, char**&) {}
Parallel::~Parallel() = default;
void Parallel::start(const std::vector<xg::Tensor>&, std::size_t, std::size_t, std::uint64_t) const {}
void Parallel::synchronize_batch_norm(xg::nn::Module&) const {}
void Parallel::reseed_dropout_after_resume(std::uint64_t, std::int64_t) const {}
xg::data::Batch Parallel::shard(const xg::data::Batch& global) const { return global; }
void Parallel::average_gradients(const std::vector<xg::Tensor>&, std::size_t, std::size_t) const {}
double Parallel::sum(double value) const { return value; }
int Parallel::fail(const std::string& message) const {
  std::fprintf(stderr, "mlp: %s\n", message.c_str());
  return 1;
}

#endif

}  // namespace mlp
