#pragma once
// The MLP example as one rank of an mpirun job (distributed/), or as one process on its own. Built
// with MPI and started by mpirun, every rank trains the same model on its shard of each global batch
// (--batch-size is the global batch) and averages gradients before each step; only rank 0 prints and
// writes files. Otherwise every call here is the single-process no-op, so main.cpp reads the same.
//
//   mpirun -np 2 build/examples/mlp/mlp --epochs 3

#include <xgrad/xgrad.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

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
  void start(const std::vector<xg::Tensor>& params, std::size_t train_size, std::size_t batch_size,
             std::uint64_t seed) const;
  // Under mpirun every BatchNorm1d of `net` becomes a SyncBatchNorm (the global batch's statistics:
  // distributed/sync_batch_norm.hpp), so the ranks train the model one process trains. The saved
  // model is the same file either way. Nothing in one process.
  void synchronize_batch_norm(xg::nn::Module& net) const;
  // A checkpoint holds rank 0's dropout generator, which --resume restores on every rank: the other
  // ranks then draw from seed + rank + world_size * epochs_done instead, so that their masks still
  // differ (a resumed multi-rank run is therefore not bit-identical to an uninterrupted one when it
  // uses dropout; a one-process run is). Does nothing on rank 0 and in one process.
  void reseed_dropout_after_resume(std::uint64_t seed, std::int64_t epochs_done) const;
  // This rank's part of a global batch: rows rank, rank + W, ... (the batch itself in one process).
  xg::data::Batch shard(const xg::data::Batch& global) const;
  // After backward: the gradient of the whole global batch's mean loss, on every rank.
  void average_gradients(const std::vector<xg::Tensor>& params, std::size_t local_examples,
                         std::size_t global_examples) const;
  // Sum over ranks (the value itself in one process).
  double sum(double value) const;

  // A failing rank takes the whole job down with the message (never leaves the others waiting in
  // an allreduce); in one process it prints "mlp: MESSAGE" and returns 1, the exit code.
  int fail(const std::string& message) const;

 private:
  bool mpi_ = false;
  int rank_ = 0;
  int world_ = 1;
};

}  // namespace mlp
