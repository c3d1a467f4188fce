// DistributedSampler and shard_of_batch: pure index arithmetic, so these run without mpirun (the rank
// and the number of ranks are given). The numbers follow torch 1.13's DistributedSampler rules.
#include <xgrad/distributed/distributed.hpp>
#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>

namespace {

using xg::distributed::DistributedSampler;
using xg::distributed::DistributedSamplerOptions;

std::vector<std::vector<std::size_t>> all_ranks(std::size_t n, std::size_t world, bool shuffle, bool drop_last,
                                                std::uint64_t epoch = 0) {
  std::vector<std::vector<std::size_t>> per_rank;
  for (std::size_t r = 0; r < world; ++r) {
    DistributedSampler sampler(
        DistributedSamplerOptions().num_replicas(world).rank(r).shuffle(shuffle).seed(5).drop_last(drop_last));
    sampler.set_epoch(epoch);
    per_rank.push_back(sampler.epoch_indices(n));
  }
  return per_rank;
}

std::map<std::size_t, int> times_seen(const std::vector<std::vector<std::size_t>>& per_rank) {
  std::map<std::size_t, int> seen;
  for (const auto& indices : per_rank)
    for (std::size_t i : indices) ++seen[i];
  return seen;
}

TEST(DistributedSampler, EvenSplitSeesEveryExampleExactlyOnceWithNoOverlap) {
  const auto per_rank = all_ranks(12, 3, true, false);
  for (const auto& indices : per_rank) EXPECT_EQ(indices.size(), 4u);
  const auto seen = times_seen(per_rank);
  ASSERT_EQ(seen.size(), 12u);
  for (const auto& [index, count] : seen) {
    EXPECT_LT(index, 12u);
    EXPECT_EQ(count, 1) << "example " << index;
  }
}

TEST(DistributedSampler, RankTakesEveryWorldSizeThPositionOfTheOrder) {
  // Without shuffle the order is 0..N-1: rank 1 of 3 takes positions 1, 4, 7, 10 (torch's
  // indices[rank:total_size:num_replicas]).
  const auto per_rank = all_ranks(12, 3, false, false);
  EXPECT_EQ(per_rank[0], (std::vector<std::size_t>{0, 3, 6, 9}));
  EXPECT_EQ(per_rank[1], (std::vector<std::size_t>{1, 4, 7, 10}));
  EXPECT_EQ(per_rank[2], (std::vector<std::size_t>{2, 5, 8, 11}));
}

TEST(DistributedSampler, PaddingRepeatsTheStartOfTheOrder) {
  // 10 examples, 4 ranks: padded to 12 with positions 0 and 1 again; every rank gets 3.
  const auto per_rank = all_ranks(10, 4, false, false);
  EXPECT_EQ(per_rank[0], (std::vector<std::size_t>{0, 4, 8}));
  EXPECT_EQ(per_rank[1], (std::vector<std::size_t>{1, 5, 9}));
  EXPECT_EQ(per_rank[2], (std::vector<std::size_t>{2, 6, 0}));
  EXPECT_EQ(per_rank[3], (std::vector<std::size_t>{3, 7, 1}));
  // Shuffled: still every example at least once, the first two of the permutation twice.
  const auto shuffled = all_ranks(10, 4, true, false);
  const auto seen = times_seen(shuffled);
  ASSERT_EQ(seen.size(), 10u);
  int twice = 0;
  for (const auto& [index, count] : seen) twice += count == 2 ? 1 : 0;
  EXPECT_EQ(twice, 2);
  EXPECT_EQ(seen.at(shuffled[0][0]), 2);  // position 0 of the permutation is also position 10
  EXPECT_EQ(seen.at(shuffled[1][0]), 2);  // position 1 is also position 11
}

TEST(DistributedSampler, PaddingWrapsMoreThanOnceWhenThereAreMoreRanksThanExamples) {
  // 2 examples, 5 ranks: torch repeats the list as often as needed: 0 1 0 1 0.
  const auto per_rank = all_ranks(2, 5, false, false);
  const std::vector<std::size_t> expected[] = {{0}, {1}, {0}, {1}, {0}};
  for (std::size_t r = 0; r < 5; ++r) EXPECT_EQ(per_rank[r], expected[r]) << "rank " << r;
}

TEST(DistributedSampler, DropLastCutsTheTailSoEveryRankHasTheSameCount) {
  // 10 examples, 4 ranks, drop_last: floor(10 / 4) = 2 each, positions 8 and 9 never seen.
  const auto per_rank = all_ranks(10, 4, false, true);
  EXPECT_EQ(per_rank[0], (std::vector<std::size_t>{0, 4}));
  EXPECT_EQ(per_rank[3], (std::vector<std::size_t>{3, 7}));
  const auto shuffled = all_ranks(10, 4, true, true);
  const auto seen = times_seen(shuffled);
  EXPECT_EQ(seen.size(), 8u);
  for (const auto& [index, count] : seen) EXPECT_EQ(count, 1) << "example " << index;
  DistributedSampler sampler(DistributedSamplerOptions().num_replicas(4).rank(0).drop_last(true));
  EXPECT_EQ(sampler.num_samples(10), 2u);
  EXPECT_EQ(sampler.num_samples(12), 3u);  // divides evenly: nothing dropped
}

TEST(DistributedSampler, SameEpochSameOrderOnEveryRankNewEpochNewOrder) {
  // Rank 0's indices of epoch 0 drawn twice (two sampler objects) agree; epoch 1 differs.
  EXPECT_EQ(all_ranks(100, 2, true, false, 0), all_ranks(100, 2, true, false, 0));
  EXPECT_NE(all_ranks(100, 2, true, false, 0)[0], all_ranks(100, 2, true, false, 1)[0]);
  // Without set_epoch the order stays the same from epoch to epoch (as torch).
  DistributedSampler sampler(DistributedSamplerOptions().num_replicas(2).rank(0));
  EXPECT_EQ(sampler.epoch_indices(100), sampler.epoch_indices(100));
  // The order is the permutation a Generator seeded with seed + epoch gives.
  xg::Generator generator(5 + 3);
  const std::vector<std::size_t> order = xg::data::randperm(100, generator);
  const auto epoch3 = all_ranks(100, 2, true, false, 3);
  for (std::size_t i = 0; i < 50; ++i) EXPECT_EQ(epoch3[1][i], order[1 + 2 * i]);
}

TEST(DistributedSampler, DrivesADataLoaderThatSeesOnlyItsShare) {
  xg::data::TensorDataset data(xt::xarray<float>(xt::arange<float>(10).reshape({10, 1})),
                               xg::Labels{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  DistributedSampler sampler(DistributedSamplerOptions().num_replicas(3).rank(2).shuffle(false));
  xg::data::DataLoader loader(data, xg::data::DataLoaderOptions(2).sampler(sampler));
  EXPECT_EQ(loader.num_batches(), 2u);  // 4 samples (10 padded to 12, / 3) in batches of 2
  std::vector<std::int64_t> labels;
  for (xg::data::Batch& batch : loader) labels.insert(labels.end(), batch.labels.begin(), batch.labels.end());
  EXPECT_EQ(labels, (std::vector<std::int64_t>{2, 5, 8, 1}));  // positions 2, 5, 8, 11 (= 1 again)
}

TEST(DistributedSampler, RejectsARankOutsideTheWorld) {
  try {
    DistributedSampler sampler(DistributedSamplerOptions().num_replicas(2).rank(2));
    FAIL() << "no error";
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "DistributedSampler: expected a rank in 0..1, got 2");
  }
  EXPECT_THROW(DistributedSampler(DistributedSamplerOptions().num_replicas(0).rank(0)), xg::Error);
}

TEST(ShardOfBatch, ShardsOfOneGlobalBatchTogetherAreThatBatch) {
  // 7 rows over 3 ranks: 3, 2, 2 rows: rows 0 3 6 | 1 4 | 2 5.
  xg::data::Batch global;
  global.input = xg::Tensor(xt::xarray<float>(xt::arange<float>(14).reshape({7, 2})));
  global.labels = {10, 11, 12, 13, 14, 15, 16};
  const xg::data::Batch shard0 = xg::distributed::shard_of_batch(global, 0, 3);
  const xg::data::Batch shard2 = xg::distributed::shard_of_batch(global, 2, 3);
  EXPECT_EQ(shard0.labels, (xg::Labels{10, 13, 16}));
  EXPECT_EQ(shard0.input.data(), (xt::xarray<float>{{0, 1}, {6, 7}, {12, 13}}));
  EXPECT_EQ(shard2.labels, (xg::Labels{12, 15}));
  EXPECT_EQ(shard2.input.data(), (xt::xarray<float>{{4, 5}, {10, 11}}));
  // More ranks than rows: the last ranks get empty shards of the right row shape.
  const xg::data::Batch empty = xg::distributed::shard_of_batch(global, 7, 8);
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.input.shape(), (xg::Shape{0, 2}));
  EXPECT_THROW(xg::distributed::shard_of_batch(global, 3, 3), xg::Error);
}

TEST(ShardOfBatch, ARegressionBatchIsShardedWithItsTargets) {
  // 5 rows of float targets [5, 2] and no labels over 2 ranks: rows 0 2 4 | 1 3.
  xg::data::Batch global;
  global.input = xg::Tensor(xt::xarray<float>(xt::arange<float>(5).reshape({5, 1})));
  global.targets = xg::Tensor(xt::xarray<float>(xt::arange<float>(10).reshape({5, 2})));
  const xg::data::Batch shard1 = xg::distributed::shard_of_batch(global, 1, 2);
  EXPECT_EQ(shard1.size(), 2u);
  EXPECT_TRUE(shard1.labels.empty());
  xt::xarray<float> rows_1_and_3 = {1, 3};
  rows_1_and_3.reshape({2, 1});
  EXPECT_EQ(shard1.input.data(), rows_1_and_3);
  EXPECT_EQ(shard1.targets.data(), (xt::xarray<float>{{2, 3}, {6, 7}}));
  global.targets = xg::Tensor(xt::xarray<float>(xt::arange<float>(8).reshape({4, 2})));
  try {
    xg::distributed::shard_of_batch(global, 0, 2);
    ADD_FAILURE() << "four target rows for five inputs were sharded";
  } catch (const xg::Error& e) {
    EXPECT_STREQ(e.what(), "shard_of_batch: expected inputs with one row per example (4), got 5 rows");
  }
}

}  // namespace
