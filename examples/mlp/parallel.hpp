#pragma once
// The MLP example as one rank of an mpirun job (distributed/), or as one process on its own. Built
// with MPI and started by mpirun, every rank trains the same model on its shard of each global batch
// (--batch-size is the global batch) and averages gradients before each step; only rank 0 prints and
// writes files. Otherwise every call here is the single-process no-op, so main.cpp reads the same.
//
//   mpirun -np 2 build/examples/mlp/mlp --epochs 3

#include <xgrad/xgrad.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlp {

class Parallel {
 public:
  // Starts MPI when this program was built with it and started by a launcher. The other ranks' stdout
  // goes to /dev/null: they stay quiet (their errors still reach stderr).
  Parallel(int& argc, char**& argv);
  ~Parallel();
  Parallel(const Parallel&) = delete;
  Parallel& operator=(const Parallel&) = delete;

  int rank() const { return rank_; }
  int world_size() const { return world_; }
  bool is_main() const { return rank_ == 0; }  // the rank that prints and writes files

  // Before training: every rank must have at least one example of every global batch; then rank 0's
  // parameters go to all (they are equal already: the same seed, the same --load file) after a check
  // that all ranks built the same model. Dropout masks are drawn from seed + rank.
  // Also readies the gradient exchange of the parameters (begin_gradient_exchange) and, with every
  // rank on one machine, shards the optimizer's step (average_gradients). Every BatchNorm1d of `net`
  // becomes a SyncBatchNorm (the global batch's statistics: distributed/sync_batch_norm.hpp), so the
  // ranks train the model one process trains, its sums going the gradients' way on one machine. The
  // saved model is the same file either way (its SyncBatchNorms use this object's exchange: train it
  // while this object lives). Nothing in one process.
  void start(xg::nn::Module& net, xg::optim::Optimizer& optimizer, std::size_t train_size, std::size_t batch_size,
             std::uint64_t seed) const;
  // Every rank's dropout generator (rank 0's is the checkpoint's own "dropout"), as notes of the
  // checkpoint rank 0 is about to write: call on every rank (it gathers). Nothing in one process.
  void note_dropout_generators(std::map<std::string, std::string>& notes) const;
  // After --resume: each rank > 0 takes its own generator back from those notes, so a resumed run draws
  // the masks of an uninterrupted one. A checkpoint written before they were kept (or by fewer ranks)
  // has none for this rank: it then draws from seed + rank + world_size * epochs_done, a resumed run
  // with dropout is not bit-identical to an uninterrupted one, and rank 0 says so. Throws FlagError on
  // a note it cannot read.
  void restore_dropout_generators(const std::map<std::string, std::string>& notes, std::uint64_t seed,
                                  std::int64_t epochs_done) const;
  // This rank's part of a global batch: rows rank, rank + W, ... (the batch itself in one process).
  xg::data::Batch shard(const xg::data::Batch& global) const;
  // Before backward: how this rank's gradients weigh (its examples of the global batch). Ranks on
  // several machines then send them in buckets as backward finishes them, each summed across ranks
  // while backward goes on with the layers below (xg::distributed::BackwardAllReduce).
  void begin_gradient_exchange(std::size_t local_examples, std::size_t global_examples) const;
  // After backward: every rank holds the gradient of the whole global batch's mean loss. Ranks on one
  // machine sum them here through one shared-memory buffer (xg::distributed::SharedMemoryAllReduce:
  // one copy and one meeting of the ranks, cheaper on one machine than MPI's allreduce, overlapped or
  // not; README "Distributed training"), and each sums only its own range of the values: the
  // optimizer's step then updates only that range (xg::distributed::ShardedOptimizer, ZeRO stage 1),
  // so that the ranks split the sum and the step instead of each repeating them on all the weights.
  // Every rank ends with the same bits either way.
  void average_gradients() const;
  // After the optimizer's step: with a sharded step, every rank's updated range of the weights to every
  // rank (one more meeting). Nothing otherwise.
  void share_updated_weights() const;
  // Before the optimizer's state is saved (a checkpoint, the outputs), on every rank: with a sharded
  // step, every rank's range of the state to every rank, so that the file is the unsharded run's.
  // Nothing otherwise.
  void consolidate_optimizer_state() const;
  // Sum over ranks (the value itself in one process).
  double sum(double value) const;
  std::vector<double> sum(std::vector<double> values) const;
  // Rank 0's decision on every rank (to leave a loop together: early stopping).
  bool decided_by_main(bool decision) const;

  // The moments of a training set every rank holds whole: each rank takes its contiguous part, and the
  // parts are merged in rank order (xg::distributed::all_gather_moments), so every rank fits the same
  // statistics, those of the whole set. In one process: the moments of all of it.
  xg::data::FeatureMoments moments_of(const xg::Array& values) const;

  // `evaluate(part)` (a result with .loss and .accuracy, means over the part) of this rank's part of
  // `dataset` (its blocks of 1000 rows: rank, rank + W, ...), made the means over the whole dataset
  // with sums over ranks: each rank evaluates 1/W of it. Blocks of 1000 are what one process
  // evaluates at once, so the float sum of each block is one process's; the rest is in double.
  template <class Evaluate>
  auto evaluate_across_ranks(const xg::data::TensorDataset& dataset, Evaluate evaluate) const {
    if (!mpi_) return evaluate(dataset);
    const xg::data::TensorDataset part = evaluation_part(dataset);
    decltype(evaluate(dataset)) result{};
    if (part.size() > 0) result = evaluate(part);
    const auto n = static_cast<double>(part.size());
    const std::vector<double> sums = sum({result.loss * n, std::round(result.accuracy * n), n});
    result.loss = sums[0] / std::max(1.0, sums[2]);
    result.accuracy = sums[1] / std::max(1.0, sums[2]);
    return result;
  }

  // A failing rank takes the whole job down with the message (never leaves the others waiting in
  // an allreduce); in one process it prints "mlp: MESSAGE" and returns 1, the exit code.
  int fail(const std::string& message) const;

 private:
  xg::data::TensorDataset evaluation_part(const xg::data::TensorDataset& dataset) const;

  struct Exchange;  // the gradient exchange (parallel.cpp), set up by start()
  std::unique_ptr<Exchange> exchange_;
  bool mpi_ = false;
  int rank_ = 0;
  int world_ = 1;
};

}  // namespace mlp
