#include <xgrad/data/dataloader.hpp>

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

namespace xg::data {

std::vector<std::size_t> randperm(std::size_t n, Generator& generator) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[generator.randint(i)]);
  return order;
}

struct DataLoader::Epoch {
  std::shared_ptr<const Dataset> dataset;
  std::vector<std::size_t> order;  // example indices in visiting order
  std::size_t batch_size;
  std::size_t num_batches;
};

DataLoader::DataLoader(const Dataset& dataset, DataLoaderOptions options)
    // A non-owning shared_ptr (empty deleter): the caller keeps the dataset alive.
    : DataLoader(std::shared_ptr<const Dataset>(&dataset, [](const Dataset*) {}), options) {}

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options) {
  if (!dataset_) throw Error("DataLoader: expected a dataset, got a null pointer");
  if (options_.batch_size() == 0) throw Error("DataLoader: expected batch_size >= 1, got 0");
  if (options_.sampler() && options_.shuffle()) {
    throw Error("DataLoader: expected either a sampler or shuffle, got both (the sampler decides the order)");
  }
  if (options_.seed() && !options_.generator()) own_generator_.emplace(*options_.seed());
}

Generator& DataLoader::generator() {
  if (options_.generator()) return *options_.generator();
  if (own_generator_) return *own_generator_;
  return default_generator();
}

std::size_t DataLoader::num_batches() const {
  const std::size_t n = options_.sampler() ? options_.sampler()->num_samples(dataset_->size()) : dataset_->size();
  const std::size_t b = options_.batch_size();
  return options_.drop_last() ? n / b : (n + b - 1) / b;
}

DataLoader::Iterator DataLoader::begin() {
  auto epoch = std::make_shared<Epoch>();
  epoch->dataset = dataset_;
  epoch->batch_size = options_.batch_size();
  epoch->num_batches = num_batches();
  if (options_.sampler()) {
    epoch->order = options_.sampler()->epoch_indices(dataset_->size());
    if (epoch->order.size() != options_.sampler()->num_samples(dataset_->size())) {
      throw Error("DataLoader: the sampler gave " + std::to_string(epoch->order.size()) + " indices, expected " +
                  std::to_string(options_.sampler()->num_samples(dataset_->size())) + " (its num_samples)");
    }
  } else if (options_.shuffle()) {
    epoch->order = randperm(dataset_->size(), generator());
  } else {
    epoch->order.resize(dataset_->size());
    std::iota(epoch->order.begin(), epoch->order.end(), std::size_t{0});
  }
  return Iterator(std::move(epoch), 0);
}

DataLoader::Iterator DataLoader::end() const { return Iterator(nullptr, num_batches()); }

DataLoader::Iterator::Iterator(std::shared_ptr<const Epoch> epoch, std::size_t position)
    : epoch_(std::move(epoch)), position_(position) {
  load();
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  ++position_;
  load();
  return *this;
}

void DataLoader::Iterator::load() {
  if (!epoch_ || position_ >= epoch_->num_batches) {
    batch_ = Batch();
    return;
  }
  const std::size_t first = position_ * epoch_->batch_size;
  const std::size_t count = std::min(epoch_->batch_size, epoch_->order.size() - first);
  batch_ = epoch_->dataset->get_batch(epoch_->order.data() + first, count);
}

}  // namespace xg::data
