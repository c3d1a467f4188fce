#pragma once
// SyncBatchNorm: BatchNorm1d whose training statistics are those of the global batch, split across
// the ranks (torch.nn.SyncBatchNorm). Each rank normalizes its shard with the whole batch's mean and
// variance, so N ranks train the same model as one process with the whole batch.
//
//   xg::nn::MLP net({784, 256, 128, 10}, xg::nn::Activation::ReLU, 0.0, xg::nn::Norm::Batch);
//   xg::distributed::convert_sync_batchnorm(*net);   // every BatchNorm1d becomes a SyncBatchNorm
//   ... train under mpirun ...
//   xg::distributed::revert_sync_batchnorm(*net);    // back to BatchNorm1d (one process, export)
//
// Where the sums go is the caller's choice, as torch's process_group: by default MPI_COMM_WORLD's
// collectives; given a SharedMemoryAllReduce (ranks on one machine), through its shared memory:
//
//   xg::distributed::SharedMemoryAllReduce exchange(net->parameters());  // the same tensors after
//   xg::distributed::convert_sync_batchnorm(*net, &exchange);             // converting, so either order
//
// Lifetime: the exchange must outlive every SyncBatchNorm's training passes that use it (a layer only
// points to it). A training forward or backward after the exchange is destroyed throws xg::Error;
// set_exchange(nullptr) first to go on through MPI. Every rank must give its layers the same kind of
// exchange (all a SharedMemoryAllReduce, constructed together, or all none): ranks that disagree would
// wait for each other in different collectives.
//
// Forward, per BatchNorm layer: one allgather (as torch's) of each rank's per-channel sums, squared
// deviations from its own mean and value count, merged exactly in rank order (so uneven shards give
// the global statistics). Backward: one allreduce of the sums of g and g * xhat
// that dx needs; the weight's and bias's gradients stay per rank and are averaged with the others by
// all_reduce_gradients. Every rank computes the same statistics, so the running buffers stay
// identical. In evaluation mode it is BatchNorm1d (running buffers, nothing exchanged).
//
// Gradients: each rank's loss is taken to be the mean over its own shard, combined as
// all_reduce_gradients(params, AllReduceOptions().examples(local, global)) combines them (the global
// batch's mean loss); with equal shards this is torch's DDP average and torch's formula.
//
// Its parameters, buffers and state_dict are BatchNorm1d's (same keys, shapes and order): files,
// checkpoints and ONNX export see no difference. The converters keep the same tensors, so an optimizer
// built before converting still holds them.

#include <xgrad/nn/module.hpp>
#include <xgrad/nn/normalization.hpp>

#include <memory>

namespace xg::distributed {

class SharedMemoryAllReduce;

class SyncBatchNormImpl : public nn::BatchNorm1dImpl {
 public:
  // `exchange`: where the ranks' sums go (nullptr: MPI_COMM_WORLD's collectives). Not owned.
  explicit SyncBatchNormImpl(const nn::BatchNorm1dOptions& options, SharedMemoryAllReduce* exchange = nullptr);
  // A SyncBatchNorm holding `batch_norm`'s tensors (the same handles) in its mode.
  explicit SyncBatchNormImpl(const nn::BatchNorm1dImpl& batch_norm, SharedMemoryAllReduce* exchange = nullptr);
  void pretty_print(std::ostream& out) const override;
  // Sums through `exchange` from the next training pass on (nullptr: MPI). Every rank at the same point.
  void set_exchange(SharedMemoryAllReduce* exchange);
};

XG_MODULE(SyncBatchNorm);

// Replaces every BatchNorm1d in `module`'s tree by a SyncBatchNorm holding the same tensors, summing
// through `exchange` (torch's SyncBatchNorm.convert_sync_batchnorm(module, process_group); nullptr:
// MPI). Returns how many were replaced; a SyncBatchNorm already there is left as it is (set_exchange
// changes its exchange). The module itself, when it is a BatchNorm1d, cannot replace itself: wrap it in
// a Sequential.
std::size_t convert_sync_batchnorm(nn::Module& module, SharedMemoryAllReduce* exchange = nullptr);
// The reverse: every SyncBatchNorm becomes a plain BatchNorm1d holding the same tensors.
std::size_t revert_sync_batchnorm(nn::Module& module);

}  // namespace xg::distributed
