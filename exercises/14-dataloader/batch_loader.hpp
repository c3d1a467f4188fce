#pragma once
// Exercise 14: a DataLoader (README.md). Given: this header. You write shuffled_indices(),
// BatchLoader::num_batches() and BatchLoader::next_epoch() in batch_loader.cpp.

#include <xgrad/core/error.hpp>
#include <xgrad/core/generator.hpp>
#include <xgrad/data/dataset.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace course {

// 0, 1, ..., n - 1 in a random order drawn from `generator`: the Fisher-Yates shuffle, walking down
// from the end (README.md). Yours.
std::vector<std::size_t> shuffled_indices(std::size_t n, xg::Generator& generator);

// torch.utils.data.DataLoader's options (and defaults), with a seed of the loader's own.
struct LoaderOptions {
  std::size_t batch_size = 1;
  bool shuffle = false;
  bool drop_last = false;  // leave out the last batch when it is smaller than batch_size
  std::uint64_t seed = 0;  // the loader's generator's seed (used when shuffle is on)
};

// Hands out a dataset in batches, one epoch at a time.
class BatchLoader {
 public:
  // Given. Borrows the dataset: it must outlive the loader.
  BatchLoader(const xg::data::TensorDataset& dataset, LoaderOptions options)
      : dataset_(dataset), options_(options), generator_(options.seed) {
    if (options.batch_size == 0) throw xg::Error("BatchLoader: expected batch_size >= 1, got 0");
  }

  // How many batches an epoch has: the dataset's size over batch_size, the last partial batch
  // counted unless drop_last. Yours.
  std::size_t num_batches() const;

  // The next epoch's batches, as the example indices of each: in order, or with shuffle in a fresh
  // order from the loader's generator (each call draws a new one). Yours.
  std::vector<std::vector<std::size_t>> next_epoch();

  // Given: the next epoch's batches as data (inputs [B, ...] and labels [B]), handed to `visit` one
  // at a time: for_each_batch([&](const xg::data::Batch& batch) { ... batch.input ... });
  template <class Visit>
  void for_each_batch(Visit visit) {
    for (const std::vector<std::size_t>& indices : next_epoch()) {
      visit(dataset_.get_batch(indices.data(), indices.size()));
    }
  }

  const xg::data::TensorDataset& dataset() const { return dataset_; }
  const LoaderOptions& options() const { return options_; }

 private:
  const xg::data::TensorDataset& dataset_;
  LoaderOptions options_;
  xg::Generator generator_;  // the loader's own: its state moves on with every shuffle
};

}  // namespace course
