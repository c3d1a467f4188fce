#include <xgrad/distributed/sampler.hpp>

#include <xgrad/core/error.hpp>
#include <xgrad/core/generator.hpp>
#include <xgrad/data/dataloader.hpp>
#include <xgrad/distributed/environment.hpp>

#include <numeric>
#include <string>

namespace xg::distributed {

DistributedSampler::DistributedSampler(const DistributedSamplerOptions& options)
    : num_replicas_(options.num_replicas() ? *options.num_replicas() : static_cast<std::size_t>(world_size())),
      rank_(options.rank() ? *options.rank() : static_cast<std::size_t>(distributed::rank())),
      shuffle_(options.shuffle()),
      seed_(options.seed()),
      drop_last_(options.drop_last()) {
  if (num_replicas_ == 0) throw Error("DistributedSampler: expected num_replicas >= 1, got 0");
  if (rank_ >= num_replicas_) {
    throw Error("DistributedSampler: expected a rank in 0.." + std::to_string(num_replicas_ - 1) + ", got " +
                std::to_string(rank_));
  }
}

std::size_t DistributedSampler::num_samples(std::size_t dataset_size) const {
  // torch: ceil((N - W) / W) with drop_last when W does not divide N, which is floor(N / W).
  return drop_last_ ? dataset_size / num_replicas_ : (dataset_size + num_replicas_ - 1) / num_replicas_;
}

std::vector<std::size_t> DistributedSampler::epoch_indices(std::size_t dataset_size) {
  std::vector<std::size_t> order;
  if (shuffle_) {
    Generator generator(seed_ + epoch_);
    order = data::randperm(dataset_size, generator);
  } else {
    order.resize(dataset_size);
    std::iota(order.begin(), order.end(), std::size_t{0});
  }
  const std::size_t per_rank = num_samples(dataset_size);
  std::vector<std::size_t> mine;
  mine.reserve(per_rank);
  // Position p of the padded list is order[p mod N]: the padding repeats the list from its start
  // (as often as needed when W > N, as torch's), and drop_last never reaches past the end.
  for (std::size_t i = 0; i < per_rank && dataset_size > 0; ++i) {
    mine.push_back(order[(rank_ + i * num_replicas_) % dataset_size]);
  }
  return mine;
}

}  // namespace xg::distributed
