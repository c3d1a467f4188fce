#pragma once
// all_reduce_gradients for ranks on one machine, through memory they share: each rank writes its
// (weighted) gradients into its own part of one shared buffer, the ranks meet once, and each rank
// sums every rank's part, in rank order, straight into its gradients. A SyncBatchNorm given one
// (convert_sync_batchnorm(net, &exchange)) sends its small exchanges the same way (all_gather,
// sum_over_ranks) instead of through MPI's collectives.
//
//   xg::distributed::SharedMemoryAllReduce reduce(net->parameters());   // collective; one machine only
//   for (...) {
//     loss.backward();
//     reduce.all_reduce(AllReduceOptions().examples(mine.size(), global.size()));
//     optimizer.step();
//   }
//
// Why: on a machine with one rank per core there is no spare core to move a message, so an MPI
// allreduce's copies, its page pinning (CMA) and its handshakes all cost the ranks' own time, and
// every handshake is a moment where one rank waits for the other to be scheduled. Here the gradient
// is copied once (the packing any bucketed allreduce does) and read once, and the ranks meet once.
// Every rank adds the same numbers in the same order, so every rank ends bit-identical; with 2 ranks
// the sum a + b is MPI_SUM's own, with more the grouping may differ from MPI's (within the float
// summation bound, README "Distributed training").
//
// Two buffers alternate from call to call, so that a rank writing the next step's gradients never
// overwrites numbers another rank is still reading: that rank has passed a later meeting, which every
// rank reaches only after finishing the previous step's reads. The meeting itself is a counter per
// rank in the shared memory: spun on for a few microseconds, then waited on with sched_yield (the
// .cpp says why).

#include <xgrad/core/tensor.hpp>
#include <xgrad/distributed/gradients.hpp>
#include <xgrad/optim/optimizer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace xg::distributed {

class SharedMemoryAllReduce {
 public:
  // Checks that every rank holds the same parameters (count and shapes) and that all ranks share one
  // machine (MPI_COMM_TYPE_SHARED); throws xg::Error on every rank otherwise. Collective.
  explicit SharedMemoryAllReduce(const std::vector<Tensor>& params);
  ~SharedMemoryAllReduce();
  SharedMemoryAllReduce(const SharedMemoryAllReduce&) = delete;
  SharedMemoryAllReduce& operator=(const SharedMemoryAllReduce&) = delete;

  // As all_reduce_gradients(params, options) (its bucket_bytes aside): afterwards every rank's
  // gradients are the average over ranks. A parameter without a gradient on a rank counts as zeros
  // there and gets one.
  void all_reduce(const AllReduceOptions& options = {});

  // A sharded optimizer step, ZeRO stage 1 (distributed/sharded_optimizer.hpp, which uses these).
  // The values of the parameters, flattened one after the other in the constructor's order, are cut
  // into one contiguous range per rank, as even as the count allows, cut anywhere, even inside a
  // tensor. (torch's ZeroRedundancyOptimizer gives each rank whole tensors: here the 784 x 256 weight
  // of the example's model is 85% of the values, so whole tensors could not balance two ranks.)
  //
  // This rank's part of each parameter (an empty range where it owns none of it).
  std::unordered_map<const TensorImpl*, optim::ValueRange> my_value_ranges() const;
  // all_reduce's first half: after it, this rank's gradients hold the average over the ranks in its
  // own range only, the same bits all_reduce gives there (the same sums in the same order); the rest
  // of its gradients is stale (its own or a part-way sum) and must not be read. One meeting.
  void reduce_scatter(const AllReduceOptions& options = {});
  // Every rank's range of `values_of(param)` copied to every rank: each rank writes its range into
  // the shared buffer, the ranks meet once, each copies the others' ranges. values_of returns an array
  // of the parameter's size, or nullptr to skip the parameter (every rank must skip the same ones).
  // Collective.
  void all_gather_ranges(const std::function<float*(const Tensor&)>& values_of);

  // `values` summed over the ranks in place, in rank order, the same bits on every rank (with 2 ranks
  // a + b, MPI_SUM's own). Collective: every rank calls it with the same size, between the same
  // all_reduce calls.
  void sum_over_ranks(std::vector<double>& values);
  // Every rank's `local` one after the other in rank order (MPI_Allgather's result), in one meeting
  // (more for over 2048 values). Collective, as sum_over_ranks.
  std::vector<double> all_gather(const std::vector<double>& local);

  // How many times this rank has met the others: one per all_reduce, reduce_scatter and
  // all_gather_ranges, one per 2048 values (or fewer) of all_gather and sum_over_ranks. A test counts
  // them to see which exchanges went this way.
  std::uint64_t meetings() const;
  // Expires when this exchange is destroyed. Who keeps a pointer to it (SyncBatchNorm) looks here
  // before each use, to fail with an xg::Error instead of touching freed memory.
  std::weak_ptr<const void> lifetime() const;

  // Whether every rank of the job runs on this machine (collective).
  static bool all_ranks_on_one_machine();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace xg::distributed
