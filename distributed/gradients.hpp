#pragma once
// Keeping the model the same on every rank: broadcast the parameters once, then average the gradients
// before every optimizer step (what torch's DistributedDataParallel does).
//
//   xg::distributed::broadcast_parameters(net->parameters(), /*root=*/0);   // all ranks start equal
//   for (...) {
//     loss.backward();
//     xg::distributed::all_reduce_gradients(net->parameters());            // the mean over ranks
//     optimizer.step();                                                    // the same step everywhere
//   }
//
// Both first check that every rank holds the same parameters: the same number of tensors with the
// same shapes (and, for the gradients, the same ones with a gradient). Ranks that disagree would
// otherwise exchange buffers of different lengths and hang or mix numbers; instead every rank throws
// xg::Error naming what differs.

#include <xgrad/core/options.hpp>
#include <xgrad/core/tensor.hpp>

#include <cstddef>
#include <vector>

namespace xg::distributed {

// Copies root's parameter values to every other rank (MPI_Bcast, bucketed as below).
void broadcast_parameters(const std::vector<Tensor>& params, int root = 0);

struct AllReduceOptions {
  // Gradients are copied into a bucket of at most this many bytes, which one MPI_Allreduce sums in
  // place; then the next bucket. One call per bucket instead of one per tensor keeps the per-call
  // latency from adding up, and a bounded bucket keeps the scratch memory small. 4 MiB holds the
  // default MLP's 0.94 MB of gradients in one bucket.
  XG_ARG(std::size_t, bucket_bytes, std::size_t{4} << 20);
  // Weigh each rank by the examples it trained on: the result is sum_r n_r g_r / N, the gradient of
  // the mean loss over the whole global batch of N examples, whatever the split. Without it (global 0)
  // every rank counts the same (the mean of the ranks' gradients, as torch's DDP), which is the same
  // thing when the shards are equal.
  XG_ARG(std::size_t, local_examples, 0);
  XG_ARG(std::size_t, global_examples, 0);

  // Both counts at once: .examples(n_r, N).
  AllReduceOptions& examples(std::size_t local, std::size_t global) {
    return local_examples(local).global_examples(global);
  }
};

// Replaces each parameter's gradient by its average over the ranks. Parameters without a gradient
// are left out (they must lack one on every rank). Every rank ends with bit-identical gradients.
void all_reduce_gradients(const std::vector<Tensor>& params, const AllReduceOptions& options = {});

// Whether every rank holds bit for bit the same parameter values: one allreduce of a 64-bit hash of
// the values' bits (the largest and smallest across ranks must agree). For tests and for checking a
// job's health now and then; it reads every value, so not for every step of a fast loop.
bool same_on_every_rank(const std::vector<Tensor>& params);

// Throws xg::Error on every rank unless all ranks hold parameters of the same count and shapes (and,
// with check_gradients, the same ones with a gradient). `op` names the caller in the message.
void check_same_parameters(const std::vector<Tensor>& params, const char* op, bool check_gradients = false);

}  // namespace xg::distributed
