#pragma once
// Sampler: decides which examples a DataLoader visits in an epoch, and in which order
// (torch.utils.data.Sampler). Pass one with DataLoaderOptions::sampler(); without one the loader
// visits every example once, in order or shuffled. distributed/ has the one that splits an epoch
// between processes (DistributedSampler).

#include <cstddef>
#include <vector>

namespace xg::data {

class Sampler {
 public:
  virtual ~Sampler() = default;
  // The example indices of the next epoch, in visiting order; each must be below dataset_size.
  virtual std::vector<std::size_t> epoch_indices(std::size_t dataset_size) = 0;
  // How many indices epoch_indices() returns for a dataset of this size (len(sampler) in torch).
  virtual std::size_t num_samples(std::size_t dataset_size) const = 0;
};

}  // namespace xg::data
