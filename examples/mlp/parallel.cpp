#include "parallel.hpp"

#ifdef XGRAD_MLP_WITH_MPI
#include <xgrad/distributed/distributed.hpp>
#endif

#include "errors.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace mlp {

#ifdef XGRAD_MLP_WITH_MPI
namespace {
std::unique_ptr<xg::distributed::Environment>& environment() {
  static std::unique_ptr<xg::distributed::Environment> env;
  return env;
}

std::string generator_note(int rank) { return "dropout generator of rank " + std::to_string(rank); }

// A generator's state as a note: "SEED COUNTER SPARE?" and the spare normal as a hexadecimal float (exact).
std::string to_note(const xg::GeneratorState& state) {
  char text[128];
  std::snprintf(text, sizeof text, "%" PRIu64 " %" PRIu64 " %d %a", state.seed, state.state,
                state.has_spare_normal ? 1 : 0, state.spare_normal);
  return text;
}

xg::GeneratorState from_note(const std::string& key, const std::string& text) {
  xg::GeneratorState state;
  int spare = 0, used = 0;
  if (std::sscanf(text.c_str(), "%" SCNu64 " %" SCNu64 " %d %la%n", &state.seed, &state.state, &spare,
                  &state.spare_normal, &used) != 4 ||
      static_cast<std::size_t>(used) != text.size() || (spare != 0 && spare != 1)) {
    throw FlagError("--resume: the checkpoint's note '" + key +
                    "' is not a generator state (SEED COUNTER 0|1 SPARE), got '" + text + "'");
  }
  state.has_spare_normal = spare == 1;
  return state;
}
}  // namespace

// Ranks on one machine average their gradients through shared memory after backward (one copy, one
// meeting of the ranks: SharedMemoryAllReduce), each only its range of the values, which only it
// updates (ShardedOptimizer); ranks on several machines send them in buckets during backward
// (BackwardAllReduce) and every rank updates all the weights. Both give every rank the same bits.
struct Parallel::Exchange {
  std::unique_ptr<xg::distributed::SharedMemoryAllReduce> shared;
  std::unique_ptr<xg::distributed::ShardedOptimizer> sharded;  // over `shared`: declared after it
  std::unique_ptr<xg::distributed::BackwardAllReduce> overlapped;
  xg::distributed::AllReduceOptions weights;
};

Parallel::Parallel(int& argc, char**& argv) : exchange_(std::make_unique<Exchange>()) {
  if (!xg::distributed::launched_by_mpi_launcher()) return;
  environment() = std::make_unique<xg::distributed::Environment>(argc, argv);
  mpi_ = true;
  rank_ = xg::distributed::rank();
  world_ = xg::distributed::world_size();
  if (rank_ != 0 && !std::freopen("/dev/null", "w", stdout)) {
    throw std::runtime_error("cannot silence stdout of rank " + std::to_string(rank_));
  }
}

Parallel::~Parallel() {
  exchange_.reset();  // its hooks and requests before MPI_Finalize
  environment().reset();
}

void Parallel::start(xg::nn::Module& net, xg::optim::Optimizer& optimizer, std::size_t train_size,
                     std::size_t batch_size, std::uint64_t seed) const {
  if (!mpi_) return;
  const std::vector<xg::Tensor> params = net.parameters();
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
  if (xg::distributed::SharedMemoryAllReduce::all_ranks_on_one_machine()) {
    exchange_->shared = std::make_unique<xg::distributed::SharedMemoryAllReduce>(params);
    exchange_->sharded = std::make_unique<xg::distributed::ShardedOptimizer>(*exchange_->shared, optimizer);
  } else {
    exchange_->overlapped = std::make_unique<xg::distributed::BackwardAllReduce>(params);
  }
  // SyncBatchNorm's sums through the gradients' shared memory on one machine (nullptr: MPI). The
  // converted layers hold the same tensors, so the exchanges built above still hold the model's.
  if (xg::distributed::convert_sync_batchnorm(net, exchange_->shared.get()) > 0) {
    std::printf("distributed: batch norm over the global batch (SyncBatchNorm)\n");
  }
  std::printf("distributed: %d ranks, each trains on rows rank, rank + %d, ... of every global batch of %zu\n", world_,
              world_, batch_size);
  std::printf("distributed: gradients averaged %s\n",
              exchange_->shared ? "through shared memory (one machine), each rank updating its share of the weights"
                                : "in buckets during backward (several machines)");
}

void Parallel::note_dropout_generators(std::map<std::string, std::string>& notes) const {
  if (!mpi_) return;
  const std::vector<xg::GeneratorState> states = xg::distributed::gather_generator_states(xg::default_generator());
  for (std::size_t rank = 1; rank < states.size(); ++rank) {
    notes[generator_note(static_cast<int>(rank))] = to_note(states[rank]);
  }
}

void Parallel::restore_dropout_generators(const std::map<std::string, std::string>& notes, std::uint64_t seed,
                                          std::int64_t epochs_done) const {
  if (!mpi_) return;
  if (rank_ == 0) {
    int missing = 0;
    for (int rank = 1; rank < world_; ++rank) missing += notes.count(generator_note(rank)) == 0 ? 1 : 0;
    if (missing > 0) {
      std::printf(
          "note: the checkpoint holds no dropout generator for %d of the %d other ranks (written before they were "
          "kept, or by fewer ranks): those draw fresh masks, so with dropout the run is not bit-identical to "
          "an uninterrupted one\n",
          missing, world_ - 1);
    }
    return;
  }
  const std::string key = generator_note(rank_);
  const auto found = notes.find(key);
  if (found != notes.end()) {
    xg::default_generator().set_state(from_note(key, found->second));
  } else {
    xg::manual_seed(seed + static_cast<std::uint64_t>(rank_) +
                    static_cast<std::uint64_t>(world_) * static_cast<std::uint64_t>(epochs_done));
  }
}

xg::data::Batch Parallel::shard(const xg::data::Batch& global) const {
  if (!mpi_) return global;
  return xg::distributed::shard_of_batch(global, static_cast<std::size_t>(rank_), static_cast<std::size_t>(world_));
}

void Parallel::begin_gradient_exchange(std::size_t local_examples, std::size_t global_examples) const {
  exchange_->weights = xg::distributed::AllReduceOptions().examples(local_examples, global_examples);
  if (exchange_->overlapped) exchange_->overlapped->begin(exchange_->weights);
}

void Parallel::average_gradients() const {
  if (exchange_->overlapped) exchange_->overlapped->wait();
  if (exchange_->sharded) exchange_->sharded->reduce_gradients(exchange_->weights);
}

void Parallel::share_updated_weights() const {
  if (exchange_->sharded) exchange_->sharded->share_parameters();
}

void Parallel::consolidate_optimizer_state() const {
  if (exchange_->sharded) exchange_->sharded->consolidate_state_dict();
}

double Parallel::sum(double value) const { return mpi_ ? xg::distributed::all_reduce_sum(value) : value; }

std::vector<double> Parallel::sum(std::vector<double> values) const {
  return mpi_ ? xg::distributed::all_reduce_sum(std::move(values)) : values;
}

bool Parallel::decided_by_main(bool decision) const {
  return mpi_ ? xg::distributed::broadcast_decision(decision, 0) : decision;
}

xg::data::FeatureMoments Parallel::moments_of(const xg::Array& values) const {
  if (!mpi_) return xg::data::FeatureMoments::of(values);
  const std::size_t rows = values.shape(0), world = static_cast<std::size_t>(world_);
  const std::size_t rank = static_cast<std::size_t>(rank_), begin = rows * rank / world,
                    end = rows * (rank + 1) / world;
  xg::data::FeatureMoments mine;  // an empty part (fewer rows than ranks): count 0
  mine.example_shape = xg::Shape(values.shape().begin() + 1, values.shape().end());
  if (end > begin) {
    xg::Shape part_shape = xg::shape_of(values);
    part_shape[0] = end - begin;
    const std::size_t row = values.size() / rows;
    xg::Array part = xg::Array::from_shape(part_shape);
    std::copy_n(values.data() + begin * row, (end - begin) * row, part.data());
    mine = xg::data::FeatureMoments::of(part);
  }
  return xg::distributed::all_gather_moments(mine);
}

xg::data::TensorDataset Parallel::evaluation_part(const xg::data::TensorDataset& dataset) const {
  constexpr std::size_t kBlock = 1000;  // report.cpp's evaluate() runs blocks of 1000 rows
  std::vector<std::size_t> rows;
  for (std::size_t block = static_cast<std::size_t>(rank_) * kBlock; block < dataset.size();
       block += static_cast<std::size_t>(world_) * kBlock) {
    for (std::size_t row = block; row < std::min(dataset.size(), block + kBlock); ++row) rows.push_back(row);
  }
  return dataset.subset(rows);
}

int Parallel::fail(const std::string& message) const {
  if (mpi_ && world_ > 1) xg::distributed::abort("mlp: " + message);
  std::fprintf(stderr, "mlp: %s\n", message.c_str());
  return 1;
}

#else  // built without MPI: always one process

struct Parallel::Exchange {};
Parallel::Parallel(int&, char**&) {}
Parallel::~Parallel() = default;
void Parallel::start(xg::nn::Module&, xg::optim::Optimizer&, std::size_t, std::size_t, std::uint64_t) const {}
void Parallel::note_dropout_generators(std::map<std::string, std::string>&) const {}
void Parallel::restore_dropout_generators(const std::map<std::string, std::string>&, std::uint64_t,
                                          std::int64_t) const {}
xg::data::Batch Parallel::shard(const xg::data::Batch& global) const { return global; }
void Parallel::begin_gradient_exchange(std::size_t, std::size_t) const {}
void Parallel::average_gradients() const {}
void Parallel::share_updated_weights() const {}
void Parallel::consolidate_optimizer_state() const {}
double Parallel::sum(double value) const { return value; }
std::vector<double> Parallel::sum(std::vector<double> values) const { return values; }
bool Parallel::decided_by_main(bool decision) const { return decision; }
xg::data::FeatureMoments Parallel::moments_of(const xg::Array& values) const {
  return xg::data::FeatureMoments::of(values);
}
xg::data::TensorDataset Parallel::evaluation_part(const xg::data::TensorDataset& dataset) const { return dataset; }
int Parallel::fail(const std::string& message) const {
  std::fprintf(stderr, "mlp: %s\n", message.c_str());
  return 1;
}

#endif

}  // namespace mlp
