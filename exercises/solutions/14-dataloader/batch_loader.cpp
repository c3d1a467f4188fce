// Exercise 14, the reference solution.
#include "batch_loader.hpp"

#include <xgrad/core/error.hpp>

#include <algorithm>
#include <numeric>
#include <utility>

namespace course {

// Fisher-Yates: position i - 1 takes a uniformly chosen one of the i elements not yet placed.
std::vector<std::size_t> shuffled_indices(std::size_t n, xg::Generator& generator) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[generator.randint(i)]);
  return order;
}

std::size_t BatchLoader::num_batches() const {
  const std::size_t n = dataset_.size(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

std::vector<std::vector<std::size_t>> BatchLoader::next_epoch() {
  std::vector<std::size_t> order(dataset_.size());
  if (options_.shuffle) {
    order = shuffled_indices(dataset_.size(), generator_);
  } else {
    std::iota(order.begin(), order.end(), std::size_t{0});
  }
  std::vector<std::vector<std::size_t>> batches;
  for (std::size_t k = 0; k < num_batches(); ++k) {
    const std::size_t first = k * options_.batch_size;
    const std::size_t last = std::min(first + options_.batch_size, order.size());
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(first),
                         order.begin() + static_cast<std::ptrdiff_t>(last));
  }
  return batches;
}

}  // namespace course
