#include <xgrad/distributed/batch_shard.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <string>

namespace xg::distributed {

data::Batch shard_of_batch(const data::Batch& global, std::size_t rank, std::size_t world) {
  if (world == 0 || rank >= world) {
    throw Error("shard_of_batch: expected a rank below the world size, got rank " + std::to_string(rank) + " of " +
                std::to_string(world));
  }
  const Array& input = global.input.data();
  Shape shape = global.input.shape();
  if (shape.empty() || shape[0] != global.size()) {
    throw Error("shard_of_batch: expected inputs with one row per label (" + std::to_string(global.size()) + "), got " +
                std::to_string(shape.empty() ? 0 : shape[0]) + " rows");
  }
  const std::size_t rows = global.size() > rank ? (global.size() - rank + world - 1) / world : 0;
  const std::size_t row = shape[0] > 0 ? input.size() / shape[0] : 0;
  shape[0] = rows;
  Array mine = Array::from_shape(shape);
  data::Batch shard;
  shard.labels.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t source = rank + i * world;
    std::copy_n(input.data() + source * row, row, mine.data() + i * row);
    shard.labels[i] = global.labels[source];
  }
  shard.input = Tensor(std::move(mine));
  return shard;
}

}  // namespace xg::distributed
