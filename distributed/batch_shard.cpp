#include <xgrad/distributed/batch_shard.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <string>

namespace xg::distributed {

namespace {

// Rows rank, rank + world, ... of a tensor with one row per example.
Tensor every_world_th_row(const Tensor& tensor, std::size_t rank, std::size_t world, std::size_t rows) {
  const Array& values = tensor.data();
  Shape shape = tensor.shape();
  const std::size_t row = shape[0] > 0 ? values.size() / shape[0] : 0;
  shape[0] = rows;
  Array mine = Array::from_shape(shape);
  for (std::size_t i = 0; i < rows; ++i)
    std::copy_n(values.data() + (rank + i * world) * row, row, mine.data() + i * row);
  return Tensor(std::move(mine));
}

void check_rows(const Tensor& tensor, const char* what, std::size_t examples) {
  const Shape shape = tensor.shape();
  if (shape.empty() || shape[0] != examples) {
    throw Error(std::string("shard_of_batch: expected ") + what + " with one row per example (" +
                std::to_string(examples) + "), got " + std::to_string(shape.empty() ? 0 : shape[0]) + " rows");
  }
}

}  // namespace

data::Batch shard_of_batch(const data::Batch& global, std::size_t rank, std::size_t world) {
  if (world == 0 || rank >= world) {
    throw Error("shard_of_batch: expected a rank below the world size, got rank " + std::to_string(rank) + " of " +
                std::to_string(world));
  }
  const std::size_t examples = global.size();
  check_rows(global.input, "inputs", examples);
  if (global.has_targets()) check_rows(global.targets, "targets", examples);
  const bool labelled = !global.labels.empty();
  if (labelled && global.labels.size() != examples) {
    throw Error("shard_of_batch: expected one label per example (" + std::to_string(examples) + "), got " +
                std::to_string(global.labels.size()));
  }
  const std::size_t rows = examples > rank ? (examples - rank + world - 1) / world : 0;
  data::Batch shard;
  shard.input = every_world_th_row(global.input, rank, world, rows);
  if (global.has_targets()) shard.targets = every_world_th_row(global.targets, rank, world, rows);
  if (labelled) {
    shard.labels.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) shard.labels[i] = global.labels[rank + i * world];
  }
  return shard;
}

}  // namespace xg::distributed
