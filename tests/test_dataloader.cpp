// Dataset, TensorDataset and DataLoader: batching, shuffling per epoch, reproducibility, drop_last.

#include <xgrad/xgrad.hpp>

#include "data_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <type_traits>
#include <vector>

namespace {

using xg::data::Batch;
using xg::data::DataLoader;
using xg::data::DataLoaderOptions;
using xg::data::Labels;
using xg::data::TensorDataset;
using xg_test::error_message;

// n examples; example i has input [i, 100 + i, 200 + i] and label i, so a batch row names its example.
TensorDataset numbered(std::size_t n) {
  xg::Array inputs = xg::Array::from_shape({n, 3});
  Labels labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < 3; ++j) inputs(i, j) = static_cast<float>(100 * j + i);
    labels[i] = static_cast<std::int64_t>(i);
  }
  return TensorDataset(std::move(inputs), std::move(labels));
}

// One epoch's labels in visiting order; checks each batch's rows belong to its labels.
Labels run_epoch(DataLoader& loader, std::vector<std::size_t>* batch_sizes = nullptr) {
  Labels seen;
  for (Batch& batch : loader) {
    const xg::Array& input = batch.input.data();
    EXPECT_EQ(batch.input.shape(), (xg::Shape{batch.size(), 3}));
    for (std::size_t row = 0; row < batch.size(); ++row) {
      const float label = static_cast<float>(batch.labels[row]);
      EXPECT_EQ(input(row, 0), label);
      EXPECT_EQ(input(row, 1), 100 + label);
      EXPECT_EQ(input(row, 2), 200 + label);
    }
    if (batch_sizes) batch_sizes->push_back(batch.size());
    seen.insert(seen.end(), batch.labels.begin(), batch.labels.end());
  }
  return seen;
}

Labels sorted(Labels labels) {
  std::sort(labels.begin(), labels.end());
  return labels;
}

Labels iota_labels(std::size_t n) {
  Labels labels(n);
  std::iota(labels.begin(), labels.end(), 0);
  return labels;
}

TEST(TensorDataset, GetReturnsTheRowAndLabel) {
  TensorDataset dataset = numbered(5);
  EXPECT_EQ(dataset.size(), 5u);
  EXPECT_EQ(dataset.example_shape(), (xg::Shape{3}));
  xg::data::Example example = dataset.get(3);
  EXPECT_EQ(example.input, (xg::Array{3, 103, 203}));
  EXPECT_EQ(example.label, 3);
}

TEST(TensorDataset, KeepsTheExampleShapeOfMultiDimensionalInputs) {
  xg::Array inputs = xg::Array::from_shape({4, 2, 3});
  std::iota(inputs.begin(), inputs.end(), 0.0f);
  TensorDataset dataset(inputs, Labels{7, 8, 9, 10});
  const std::size_t indices[] = {2, 0};
  Batch batch = dataset.get_batch(indices, 2);
  EXPECT_EQ(batch.input.shape(), (xg::Shape{2, 2, 3}));
  EXPECT_EQ(batch.input.data(), (xg::Array{{{12, 13, 14}, {15, 16, 17}}, {{0, 1, 2}, {3, 4, 5}}}));
  EXPECT_EQ(batch.labels, (Labels{9, 7}));
  EXPECT_EQ(dataset.get(1).input, (xg::Array{{6, 7, 8}, {9, 10, 11}}));
}

TEST(TensorDataset, RejectsLabelCountMismatchAndBadIndex) {
  EXPECT_EQ(error_message([] {
              TensorDataset(xg::Array::from_shape({4, 2}), Labels{0, 1, 2});
            }),
            "TensorDataset: expected as many labels as input rows: inputs [4, 2] have 4 rows, got 3 labels");
  EXPECT_EQ(error_message([] { TensorDataset(xg::Array(1.0f), Labels{}); }),
            "TensorDataset: expected inputs of shape [N, ...] with at least one dimension, got a scalar []");
  TensorDataset dataset = numbered(5);
  EXPECT_EQ(error_message([&] { dataset.get(5); }),
            "TensorDataset::get: index 5 is out of range for a dataset of 5 examples");
  const std::size_t indices[] = {1, 9};
  EXPECT_EQ(error_message([&] { dataset.get_batch(indices, 2); }),
            "TensorDataset::get_batch: index 9 is out of range for a dataset of 5 examples");
}

TEST(TensorDataset, ReshapingAwayTheRowsIsCaught) {
  TensorDataset dataset = numbered(4);
  dataset.mutable_inputs().reshape({12});
  EXPECT_EQ(error_message([&] { dataset.get(0); }),
            "TensorDataset::get: inputs were reshaped to [12], which no longer has one row per label (4 labels)");
  dataset.mutable_inputs().reshape({4, 3, 1});  // another shape with one row per label is fine
  const xg::Array row = dataset.get(2).input;
  EXPECT_EQ(xg::shape_of(row), (xg::Shape{3, 1}));
  EXPECT_EQ(std::vector<float>(row.begin(), row.end()), (std::vector<float>{2, 102, 202}));
}

TEST(TensorDataset, SubsetCopiesTheRowsInOrder) {
  TensorDataset subset = numbered(6).subset({5, 1, 1});
  EXPECT_EQ(subset.inputs(), (xg::Array{{5, 105, 205}, {1, 101, 201}, {1, 101, 201}}));
  EXPECT_EQ(subset.labels(), (Labels{5, 1, 1}));
}

TEST(DataLoader, WithoutShuffleVisitsExamplesInOrder) {
  TensorDataset dataset = numbered(10);
  DataLoader loader(dataset, DataLoaderOptions().batch_size(4));
  std::vector<std::size_t> sizes;
  EXPECT_EQ(run_epoch(loader, &sizes), iota_labels(10));
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 2}));
  EXPECT_EQ(loader.num_batches(), 3u);
  EXPECT_EQ(run_epoch(loader), iota_labels(10));  // and the same again next epoch

  DataLoader by_size(dataset, 4);  // a bare batch size converts to options, as in libtorch
  EXPECT_EQ(by_size.num_batches(), 3u);
  DataLoader defaults(dataset);  // PyTorch's defaults: batch_size 1, no shuffle, keep the last batch
  EXPECT_EQ(defaults.num_batches(), 10u);
  EXPECT_FALSE(defaults.options().shuffle());
  EXPECT_FALSE(defaults.options().drop_last());
}

TEST(DataLoader, ShuffleVisitsEveryExampleExactlyOncePerEpoch) {
  TensorDataset dataset = numbered(103);
  DataLoader loader(dataset, DataLoaderOptions().batch_size(10).shuffle(true).seed(7));
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<std::size_t> sizes;
    const Labels seen = run_epoch(loader, &sizes);
    EXPECT_EQ(sorted(seen), iota_labels(103)) << "epoch " << epoch;
    EXPECT_NE(seen, iota_labels(103)) << "epoch " << epoch;
    EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3}));
  }
}

TEST(DataLoader, OrderIsReproducibleFromTheSeedAndNewEachEpoch) {
  TensorDataset dataset = numbered(50);
  DataLoader first(dataset, DataLoaderOptions().batch_size(8).shuffle(true).seed(42));
  DataLoader again(dataset, DataLoaderOptions().batch_size(8).shuffle(true).seed(42));
  DataLoader other(dataset, DataLoaderOptions().batch_size(8).shuffle(true).seed(43));
  const Labels epoch0 = run_epoch(first);
  const Labels epoch1 = run_epoch(first);
  EXPECT_NE(epoch0, epoch1);
  EXPECT_EQ(run_epoch(again), epoch0);
  EXPECT_EQ(run_epoch(again), epoch1);
  EXPECT_NE(run_epoch(other), epoch0);

  // Epoch k's order is the k-th permutation drawn from Generator(seed).
  xg::Generator generator(42);
  const std::vector<std::size_t> order0 = xg::data::randperm(50, generator);
  const std::vector<std::size_t> order1 = xg::data::randperm(50, generator);
  EXPECT_EQ(epoch0, Labels(order0.begin(), order0.end()));
  EXPECT_EQ(epoch1, Labels(order1.begin(), order1.end()));
}

TEST(DataLoader, DropLastSkipsThePartialBatch) {
  TensorDataset dataset = numbered(10);
  DataLoader keep(dataset, DataLoaderOptions(3).shuffle(true).seed(1));
  DataLoader drop(dataset, DataLoaderOptions(3).shuffle(true).seed(1).drop_last(true));
  EXPECT_EQ(keep.num_batches(), 4u);
  EXPECT_EQ(drop.num_batches(), 3u);

  std::vector<std::size_t> keep_sizes;
  std::vector<std::size_t> drop_sizes;
  const Labels kept = run_epoch(keep, &keep_sizes);
  const Labels dropped = run_epoch(drop, &drop_sizes);
  EXPECT_EQ(keep_sizes, (std::vector<std::size_t>{3, 3, 3, 1}));
  EXPECT_EQ(drop_sizes, (std::vector<std::size_t>{3, 3, 3}));
  // Same seed, same permutation: drop_last leaves out exactly the last example of that order.
  EXPECT_EQ(dropped, Labels(kept.begin(), kept.begin() + 9));

  // A batch size that divides N loses nothing.
  DataLoader exact(dataset, DataLoaderOptions(5).drop_last(true));
  EXPECT_EQ(run_epoch(exact), iota_labels(10));
  // A batch size above N gives one short batch, or none with drop_last.
  DataLoader big(dataset, DataLoaderOptions(16));
  DataLoader big_drop(dataset, DataLoaderOptions(16).drop_last(true));
  EXPECT_EQ(run_epoch(big), iota_labels(10));
  EXPECT_EQ(big_drop.num_batches(), 0u);
  EXPECT_EQ(run_epoch(big_drop), Labels{});
}

TEST(DataLoader, ExternalGeneratorAndDefaultGeneratorAreReproducible) {
  TensorDataset dataset = numbered(20);
  xg::Generator a(5);
  xg::Generator b(5);
  DataLoader with_a(dataset, DataLoaderOptions(4).shuffle(true).generator(a).seed(999));  // generator wins
  DataLoader with_b(dataset, DataLoaderOptions(4).shuffle(true).generator(b));
  EXPECT_EQ(run_epoch(with_a), run_epoch(with_b));
  EXPECT_EQ(a.next_u64(), b.next_u64());  // both advanced by the same draws

  DataLoader with_default(dataset, DataLoaderOptions(4).shuffle(true));
  xg::manual_seed(11);
  const Labels first = run_epoch(with_default);
  xg::manual_seed(11);
  EXPECT_EQ(run_epoch(with_default), first);
}

TEST(DataLoader, BatchesStayValidAfterTheIteratorMovesOn) {
  TensorDataset dataset = numbered(6);
  DataLoader loader(dataset, DataLoaderOptions(2));
  std::vector<Batch> kept;
  for (Batch& batch : loader) kept.push_back(batch);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].input.data(), (xg::Array{{0, 100, 200}, {1, 101, 201}}));
  EXPECT_EQ(kept[2].labels, (Labels{4, 5}));
}

TEST(DataLoader, SharedDatasetIsKeptAliveAndTemporariesAreRejected) {
  auto dataset = std::make_shared<TensorDataset>(numbered(4));
  DataLoader loader(dataset, DataLoaderOptions(4));
  dataset.reset();
  EXPECT_EQ(run_epoch(loader), iota_labels(4));
  static_assert(!std::is_constructible_v<DataLoader, TensorDataset&&, DataLoaderOptions>,
                "a temporary dataset would dangle");
  static_assert(std::is_constructible_v<DataLoader, const TensorDataset&, DataLoaderOptions>);
}

TEST(DataLoader, EmptyDatasetGivesNoBatchesAndBatchSizeZeroThrows) {
  TensorDataset empty(xg::Array::from_shape({0, 3}), Labels{});
  DataLoader loader(empty, DataLoaderOptions(4).shuffle(true).seed(0));
  EXPECT_EQ(loader.num_batches(), 0u);
  EXPECT_TRUE(loader.begin() == loader.end());
  EXPECT_EQ(error_message([&] { DataLoader(empty, DataLoaderOptions(0)); }),
            "DataLoader: expected batch_size >= 1, got 0");
}

// A dataset that is not a TensorDataset: batches go through get() one example at a time.
class Squares : public xg::data::Dataset {
 public:
  explicit Squares(std::size_t n, std::size_t odd_one = SIZE_MAX) : n_(n), odd_one_(odd_one) {}
  std::size_t size() const override { return n_; }
  xg::data::Example get(std::size_t index) const override {
    const float value = static_cast<float>(index * index);
    if (index == odd_one_) return {xg::Array{value, value, value}, static_cast<std::int64_t>(index)};
    return {xg::Array{{value, -value}}, static_cast<std::int64_t>(index % 3)};
  }

 private:
  std::size_t n_;
  std::size_t odd_one_;
};

TEST(DataLoader, GenericDatasetIsBatchedThroughGet) {
  Squares squares(5);
  DataLoader loader(squares, DataLoaderOptions(3));
  std::vector<Batch> batches;
  for (Batch& batch : loader) batches.push_back(batch);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].input.data(), (xg::Array{{{0, -0}}, {{1, -1}}, {{4, -4}}}));
  EXPECT_EQ(batches[0].labels, (Labels{0, 1, 2}));
  EXPECT_EQ(batches[1].input.data(), (xg::Array{{{9, -9}}, {{16, -16}}}));
  EXPECT_EQ(batches[1].labels, (Labels{0, 1}));

  Squares uneven(5, 4);
  DataLoader uneven_loader(uneven, DataLoaderOptions(5));
  EXPECT_EQ(error_message([&] { uneven_loader.begin(); }),
            "Dataset::get_batch: expected every input to have shape [1, 2] (as example 0), got [3] for example 4");
}

TEST(DataLoader, RandpermIsAPermutationFixedBySeed) {
  xg::Generator a(3);
  xg::Generator b(3);
  const std::vector<std::size_t> first = xg::data::randperm(1000, a);
  EXPECT_EQ(first, xg::data::randperm(1000, b));
  std::vector<std::size_t> sorted_first = first;
  std::sort(sorted_first.begin(), sorted_first.end());
  std::vector<std::size_t> expected(1000);
  std::iota(expected.begin(), expected.end(), std::size_t{0});
  EXPECT_EQ(sorted_first, expected);
  EXPECT_NE(first, expected);
  EXPECT_NE(xg::data::randperm(1000, a), first);
  EXPECT_TRUE(xg::data::randperm(0, a).empty());
  EXPECT_EQ(xg::data::randperm(1, a), (std::vector<std::size_t>{0}));
}

// A sampler that visits the odd examples backwards, and can lie about its length.
class OddBackwards : public xg::data::Sampler {
 public:
  explicit OddBackwards(std::size_t claimed_extra = 0) : claimed_extra_(claimed_extra) {}
  std::vector<std::size_t> epoch_indices(std::size_t n) override {
    std::vector<std::size_t> order;
    for (std::size_t i = n; i-- > 0;)
      if (i % 2 == 1) order.push_back(i);
    return order;
  }
  std::size_t num_samples(std::size_t n) const override { return n / 2 + claimed_extra_; }

 private:
  std::size_t claimed_extra_;
};

TEST(DataLoader, ASamplerDecidesWhichExamplesAndTheirOrder) {
  TensorDataset dataset = numbered(7);
  OddBackwards sampler;
  DataLoader loader(dataset, xg::data::DataLoaderOptions(2).sampler(sampler));
  EXPECT_EQ(loader.num_batches(), 2u);  // 3 samples in batches of 2
  std::vector<std::size_t> sizes;
  EXPECT_EQ(run_epoch(loader, &sizes), (Labels{5, 3, 1}));
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 1}));
  DataLoader dropping(dataset, xg::data::DataLoaderOptions(2).sampler(sampler).drop_last(true));
  EXPECT_EQ(dropping.num_batches(), 1u);
  EXPECT_EQ(run_epoch(dropping), (Labels{5, 3}));
}

TEST(DataLoader, RejectsASamplerWithShuffleOrOneWhoseLengthIsWrong) {
  TensorDataset dataset = numbered(7);
  OddBackwards sampler;
  EXPECT_EQ(error_message([&] { DataLoader(dataset, xg::data::DataLoaderOptions(2).sampler(sampler).shuffle(true)); }),
            "DataLoader: expected either a sampler or shuffle, got both (the sampler decides the order)");
  OddBackwards liar(1);
  DataLoader loader(dataset, xg::data::DataLoaderOptions(2).sampler(liar));
  EXPECT_EQ(error_message([&] { loader.begin(); }),
            "DataLoader: the sampler gave 3 indices, expected 4 (its num_samples)");
}

}  // namespace
