#pragma once
// DataLoader: iterates over a dataset in batches, reshuffled every epoch.
//
//   xg::data::DataLoader loader(train, xg::data::DataLoaderOptions().batch_size(128).shuffle(true).seed(42));
//   for (int epoch = 0; epoch < 10; ++epoch)
//     for (xg::data::Batch& batch : loader) { ... batch.input [B, ...], batch.labels [B] ... }
//
// Every begin() starts a new epoch: with shuffle on it draws a fresh permutation from the loader's
// generator. With a seed of its own (.seed()) or a generator passed in, epoch k's order depends only on
// that seed and k; on the default generator it also moves with every other draw (initialisation,
// dropout masks). Each example appears exactly once per
// epoch; the last batch is smaller unless drop_last is set. Batches are built one at a time as the
// iterator advances; each batch owns its arrays, so keeping one is safe.

#include <xgrad/core/generator.hpp>
#include <xgrad/core/options.hpp>
#include <xgrad/data/dataset.hpp>
#include <xgrad/data/sampler.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

namespace xg::data {

// 0..n-1 in a uniformly random order (Fisher-Yates with generator.randint). Not torch.randperm's
// order: the generators differ.
std::vector<std::size_t> randperm(std::size_t n, Generator& generator);

// Defaults as in PyTorch: batch_size 1, no shuffle, keep the last partial batch. As in libtorch, a
// bare batch size converts to options: DataLoader loader(dataset, 64).
struct DataLoaderOptions {
  DataLoaderOptions() = default;
  DataLoaderOptions(std::size_t batch_size) : batch_size_(batch_size) {}  // NOLINT(google-explicit-constructor)

  XG_ARG(std::size_t, batch_size, 1);
  XG_ARG(bool, shuffle, false);
  XG_ARG(bool, drop_last, false);
  // Shuffle with the loader's own Generator seeded with this.
  XG_ARG(std::optional<std::uint64_t>, seed, std::nullopt);
  // Shuffle with this generator (it must outlive the loader). Takes precedence over seed().
  // With neither, the loader shuffles with xg::default_generator(), so xg::manual_seed() decides.
  XG_ARG(Generator*, generator, nullptr);
  // Visit the indices this sampler gives each epoch (it must outlive the loader) instead of every
  // example once. As in torch, it cannot be combined with shuffle: the sampler decides the order.
  XG_ARG(Sampler*, sampler, nullptr);

  // Both are borrowed, so they may also be given as the objects themselves: .generator(my_generator).
  DataLoaderOptions& generator(Generator& generator) { return this->generator(&generator); }
  DataLoaderOptions& sampler(Sampler& sampler) { return this->sampler(&sampler); }
};

class DataLoader {
  struct Epoch;  // one epoch's order, shared by its iterators

 public:
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using pointer = Batch*;
    using reference = Batch&;

    Batch& operator*() { return batch_; }
    Batch* operator->() { return &batch_; }
    Iterator& operator++();
    // Iterators compare by position (the batch number within the epoch).
    bool operator==(const Iterator& other) const { return position_ == other.position_; }
    bool operator!=(const Iterator& other) const { return position_ != other.position_; }

   private:
    friend class DataLoader;
    Iterator(std::shared_ptr<const Epoch> epoch, std::size_t position);
    void load();

    std::shared_ptr<const Epoch> epoch_;
    std::size_t position_;
    Batch batch_;
  };

  // Borrows the dataset: it must outlive the loader and its iterators.
  explicit DataLoader(const Dataset& dataset, DataLoaderOptions options = {});
  // Shares ownership of the dataset.
  explicit DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options = {});
  // A temporary dataset would dangle: pass a named dataset or a std::shared_ptr.
  DataLoader(Dataset&& dataset, DataLoaderOptions options = {}) = delete;

  // Starts a new epoch (reshuffling when shuffle is on).
  Iterator begin();
  Iterator end() const;

  // Batches per epoch, like len(loader) in PyTorch: ceil(N / B), or floor(N / B) with drop_last
  // (N: the dataset's size, or the sampler's number of samples).
  std::size_t num_batches() const;
  const Dataset& dataset() const { return *dataset_; }
  const DataLoaderOptions& options() const { return options_; }
  // The generator the next begin() shuffles with (its own, the one passed in, or the default): a
  // checkpoint saves its state so that a resumed run visits the examples in the same order.
  Generator& generator();

 private:
  std::shared_ptr<const Dataset> dataset_;
  DataLoaderOptions options_;
  std::optional<Generator> own_generator_;  // set when options.seed() is
};

}  // namespace xg::data
