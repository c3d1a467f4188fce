// Exercise 14's checks: one TEST per task in README.md, named as the task reads.
#include "array_check.hpp"
#include "batch_loader.hpp"

#include <xgrad/data/dataloader.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using Indices = std::vector<std::size_t>;

// n examples whose label is their index and whose input row is (index, -index): a batch shows which
// examples it holds.
xg::data::TensorDataset numbered(std::size_t n) {
  xg::Array inputs = xg::Array::from_shape({n, 2});
  xg::Labels labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    inputs(i, 0) = static_cast<float>(i);
    inputs(i, 1) = -static_cast<float>(i);
    labels[i] = static_cast<std::int64_t>(i);
  }
  return xg::data::TensorDataset(inputs, labels);
}

course::LoaderOptions options(std::size_t batch_size, bool shuffle, bool drop_last, std::uint64_t seed = 0) {
  course::LoaderOptions o;
  o.batch_size = batch_size;
  o.shuffle = shuffle;
  o.drop_last = drop_last;
  o.seed = seed;
  return o;
}

TEST(DataLoader, NumBatchesCountsTheLastPartialBatch) {
  const xg::data::TensorDataset ten = numbered(10);
  const xg::data::TensorDataset nine = numbered(9);
  const xg::data::TensorDataset two = numbered(2);
  EXPECT_EQ(course::BatchLoader(ten, options(3, false, false)).num_batches(), 4u)
      << "10 examples, batches of 3: 3+3+3+1";
  EXPECT_EQ(course::BatchLoader(ten, options(3, false, true)).num_batches(), 3u) << "the same with drop_last";
  EXPECT_EQ(course::BatchLoader(nine, options(3, false, false)).num_batches(), 3u) << "9 examples, batches of 3";
  EXPECT_EQ(course::BatchLoader(nine, options(3, false, true)).num_batches(), 3u) << "the same with drop_last";
  EXPECT_EQ(course::BatchLoader(two, options(5, false, false)).num_batches(), 1u) << "2 examples, batches of 5";
  EXPECT_EQ(course::BatchLoader(two, options(5, false, true)).num_batches(), 0u) << "the same with drop_last";
  EXPECT_EQ(course::BatchLoader(ten, options(1, false, false)).num_batches(), 10u) << "batches of 1";
}

TEST(DataLoader, WithoutShuffleTheBatchesComeInOrder) {
  const xg::data::TensorDataset ten = numbered(10);
  course::BatchLoader loader(ten, options(4, false, false));
  EXPECT_EQ(loader.next_epoch(), (std::vector<Indices>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}))
      << "10 examples in batches of 4: the last holds the 2 left";
  EXPECT_EQ(loader.next_epoch(), (std::vector<Indices>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}})) << "every epoch the same";
  course::BatchLoader dropping(ten, options(4, false, true));
  EXPECT_EQ(dropping.next_epoch(), (std::vector<Indices>{{0, 1, 2, 3}, {4, 5, 6, 7}})) << "drop_last: no batch of 2";
}

TEST(DataLoader, ShuffleIsFisherYatesFromTheSeed) {
  xg::Generator mine(3);
  xg::Generator xgrads(3);
  const Indices order = course::shuffled_indices(10, mine);
  Indices sorted = order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (Indices{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})) << "a permutation: each index once";
  EXPECT_EQ(order, xg::data::randperm(10, xgrads)) << "the order xgrad's randperm draws from the same seed";
  EXPECT_EQ(course::shuffled_indices(1000, mine), xg::data::randperm(1000, xgrads))
      << "the next 1,000 from the same generators (as many draws as xgrad's)";
  EXPECT_EQ(course::shuffled_indices(0, mine), Indices{}) << "no examples";
  EXPECT_EQ(course::shuffled_indices(1, mine), Indices{0}) << "one example";
}

// The labels (= the indices) of every batch of one epoch of xgrad's DataLoader.
std::vector<Indices> xgrad_epoch(xg::data::DataLoader& loader) {
  std::vector<Indices> batches;
  for (xg::data::Batch& batch : loader) batches.emplace_back(batch.labels.begin(), batch.labels.end());
  return batches;
}

TEST(DataLoader, EveryEpochReshufflesAsXgradsLoaderDoes) {
  // 900 examples in batches of 64, shuffled with seed 5: three epochs, each as xgrad's DataLoader
  // with the same options gives it (the same as torch's in every way but its generator).
  const xg::data::TensorDataset data = numbered(900);
  for (const bool drop_last : {false, true}) {
    course::BatchLoader mine(data, options(64, true, drop_last, 5));
    xg::data::DataLoader xgrads(data, xg::data::DataLoaderOptions(64).shuffle(true).drop_last(drop_last).seed(5));
    const std::string with = drop_last ? " (drop_last)" : "";
    std::vector<Indices> first;
    for (int epoch = 1; epoch <= 3; ++epoch) {
      const std::vector<Indices> batches = mine.next_epoch();
      ASSERT_EQ(batches, xgrad_epoch(xgrads)) << "epoch " << epoch << "'s batches against xgrad's DataLoader" << with;
      if (epoch == 1) first = batches;
      if (epoch == 2) {
        EXPECT_NE(batches, first) << "epoch 2 is in another order than epoch 1" << with;
      }
    }
    EXPECT_EQ(mine.num_batches(), drop_last ? 14u : 15u) << "900 / 64" << with;
  }
  // The batches as data (the given for_each_batch): inputs and labels of the chosen rows.
  course::BatchLoader loader(data, options(64, true, false, 6));
  xg::data::DataLoader xgrads(data, xg::data::DataLoaderOptions(64).shuffle(true).seed(6));
  auto reference = xgrads.begin();
  std::size_t seen = 0;
  loader.for_each_batch([&](const xg::data::Batch& batch) {
    EXPECT_EQ(array_check::first_difference(batch.input.data(), reference->input.data()), "") << "batch " << seen;
    seen += batch.size();
    ++reference;
  });
  EXPECT_EQ(seen, 900u) << "every example once in an epoch";
}

}  // namespace
