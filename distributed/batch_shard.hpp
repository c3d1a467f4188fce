#pragma once
// Cutting one global batch between the ranks, so that data-parallel training takes the very steps a
// single process would: every rank loads the same global batch (the same seeded DataLoader on every
// rank gives the same order) and keeps its shard; the shards of one global batch together are that
// batch, example for example. With AllReduceOptions::examples(shard size, batch size) the averaged
// gradient is the gradient of the whole batch's mean loss, even when the batch does not divide evenly.
//
//   for (xg::data::Batch& global : loader) {
//     xg::data::Batch mine = xg::distributed::shard_of_batch(global, rank, world);
//     ...forward, backward on mine...
//     all_reduce_gradients(params, AllReduceOptions().examples(mine.size(), global.size()));
//   }

#include <xgrad/data/dataset.hpp>

#include <cstddef>

namespace xg::distributed {

// Rows rank, rank + W, rank + 2W, ... of the batch (W = world): rank r of W holds ceil((B - r) / W)
// examples, which is 0 when B <= r. Throws xg::Error unless rank < world.
data::Batch shard_of_batch(const data::Batch& global, std::size_t rank, std::size_t world);

}  // namespace xg::distributed
