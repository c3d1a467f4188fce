#pragma once
// DistributedSampler: splits every epoch between the ranks of a job, as
// torch.utils.data.distributed.DistributedSampler (torch 1.13) does.
//
//   xg::distributed::DistributedSampler sampler(xg::distributed::DistributedSamplerOptions().seed(42));
//   xg::data::DataLoader loader(train, xg::data::DataLoaderOptions(64).sampler(sampler));
//   for (int epoch = 0; epoch < epochs; ++epoch) {
//     sampler.set_epoch(epoch);                     // a new order each epoch, the same on every rank
//     for (xg::data::Batch& batch : loader) { ... }  // this rank's examples only
//   }
//
// Each epoch every rank draws the same permutation of 0..N-1 (from seed + epoch), so no rank needs to
// tell another anything. When N does not divide by the number of ranks W, the list is padded to
// W * ceil(N / W) by repeating its start (some examples are seen twice), or with drop_last cut to
// W * floor(N / W) (some are not seen). Rank r then takes positions r, r + W, r + 2W, ... so every
// rank has the same number of examples, and so the same number of batches: no rank waits at an
// allreduce that another never reaches. The permutation is our randperm (data/dataloader.hpp), not
// torch.randperm: the generators differ, the rules do not.
//
// The epoch does not advance by itself: without set_epoch every epoch has the same order (as torch).

#include <xgrad/core/options.hpp>
#include <xgrad/data/sampler.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace xg::distributed {

// Defaults as torch: the rank and number of ranks of the running MPI job, shuffle, seed 0, padding.
struct DistributedSamplerOptions {
  XG_ARG(std::optional<std::size_t>, num_replicas, std::nullopt);  // unset: MPI's world size
  XG_ARG(std::optional<std::size_t>, rank, std::nullopt);          // unset: this process's MPI rank
  XG_ARG(bool, shuffle, true);
  XG_ARG(std::uint64_t, seed, 0);
  XG_ARG(bool, drop_last, false);
};

class DistributedSampler : public data::Sampler {
 public:
  // Throws xg::Error unless rank < num_replicas and num_replicas >= 1; asks MPI for what is unset.
  explicit DistributedSampler(const DistributedSamplerOptions& options = {});

  void set_epoch(std::uint64_t epoch) { epoch_ = epoch; }
  std::uint64_t epoch() const { return epoch_; }
  std::size_t rank() const { return rank_; }
  std::size_t num_replicas() const { return num_replicas_; }

  std::vector<std::size_t> epoch_indices(std::size_t dataset_size) override;
  // ceil(N / W), or floor(N / W) with drop_last.
  std::size_t num_samples(std::size_t dataset_size) const override;

 private:
  std::size_t num_replicas_;
  std::size_t rank_;
  bool shuffle_;
  std::uint64_t seed_;
  bool drop_last_;
  std::uint64_t epoch_ = 0;
};

}  // namespace xg::distributed
