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
// Forward, per BatchNorm layer: one allgather (as torch's) of each rank's per-channel sums, squared
// deviations from its own mean and value count, merged exactly in rank order (so uneven shards give
// the global statistics). With a SharedMemoryAllReduce alive, these exchanges go through its shared
// memory instead of MPI. Backward: one allreduce of the sums of g and g * xhat
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

class SyncBatchNormImpl : public nn::BatchNorm1dImpl {
 public:
  explicit SyncBatchNormImpl(const nn::BatchNorm1dOptions& options);
  // A SyncBatchNorm holding `batch_norm`'s tensors (the same handles) in its mode.
  explicit SyncBatchNormImpl(const nn::BatchNorm1dImpl& batch_norm);
  void pretty_print(std::ostream& out) const override;
};

XG_MODULE(SyncBatchNorm);

// Replaces every BatchNorm1d in `module`'s tree by a SyncBatchNorm holding the same tensors (torch's
// SyncBatchNorm.convert_sync_batchnorm). Returns how many were replaced. The module itself, when it is
// a BatchNorm1d, cannot replace itself: wrap it in a Sequential.
std::size_t convert_sync_batchnorm(nn::Module& module);
// The reverse: every SyncBatchNorm becomes a plain BatchNorm1d holding the same tensors.
std::size_t revert_sync_batchnorm(nn::Module& module);

}  // namespace xg::distributed
