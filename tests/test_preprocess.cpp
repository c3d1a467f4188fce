// Preprocessing: scaling to [0, 1], Standardizer fitted on training data only, train_val_split.

#include <xgrad/xgrad.hpp>

#include "data_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace {

using xg::data::Labels;
using xg::data::Standardizer;
using xg::data::TensorDataset;
using xg_test::error_message;

TEST(Preprocess, ScaleToUnitDividesBy255) {
  TensorDataset data(xg::Array{{0, 51, 255}, {1, 128, 254}}, Labels{0, 1});
  xg::data::scale_to_unit_(data);
  EXPECT_EQ(data.inputs(), (xg::Array{{0.0f, 0.2f, 1.0f}, {1 / 255.0f, 128 / 255.0f, 254 / 255.0f}}));
  xg::Array values = {2, 4};
  xg::data::scale_to_unit_(values, 4.0f);
  EXPECT_EQ(values, (xg::Array{0.5, 1}));
  EXPECT_EQ(error_message([&] { xg::data::scale_to_unit_(values, 0.0f); }),
            "scale_to_unit_: expected max_value > 0, got 0");
}

TEST(Preprocess, StandardizerUsesTrainingStatisticsOnTestData) {
  // Feature 0: mean 4, population variance (9 + 1 + 1 + 9) / 4 = 5. Feature 1: constant 5, std 0 -> 1.
  const xg::Array train = {{1, 5}, {3, 5}, {5, 5}, {7, 5}};
  const xg::Array test = {{6, 7}, {4, 5}};
  Standardizer standardizer;
  standardizer.fit(train);
  const float std0 = static_cast<float>(std::sqrt(5.0));
  EXPECT_EQ(standardizer.mean(), (xg::Array{4, 5}));
  EXPECT_EQ(standardizer.stddev(), (xg::Array{std0, 1}));

  EXPECT_EQ(standardizer.transform(test), (xg::Array{{2 / std0, 2}, {0, 0}}));
  EXPECT_EQ(standardizer.transform(train), (xg::Array{{-3 / std0, 0}, {-1 / std0, 0}, {1 / std0, 0}, {3 / std0, 0}}));

  // Fitting on the test data would have given other numbers: the test rows' own mean is 5 and 6.
  Standardizer on_test;
  on_test.fit(test);
  EXPECT_EQ(on_test.mean(), (xg::Array{5, 6}));
  EXPECT_NE(on_test.transform(test), standardizer.transform(test));
}

TEST(Preprocess, StandardizerTransformsDatasetsInPlaceAndKeepsExampleShape) {
  xg::Array inputs = xg::Array::from_shape({3, 2, 2});
  std::iota(inputs.begin(), inputs.end(), 0.0f);  // each feature: x, x + 4, x + 8 -> mean x + 4, std sqrt(32/3)
  TensorDataset data(inputs, Labels{0, 1, 2});
  Standardizer standardizer;
  standardizer.fit(data);
  EXPECT_EQ(standardizer.mean(), (xg::Array{{4, 5}, {6, 7}}));
  const float spread = static_cast<float>(std::sqrt(32.0 / 3.0));
  EXPECT_EQ(standardizer.stddev(), (xg::Array{{spread, spread}, {spread, spread}}));
  standardizer.transform_(data);
  const float low = -4 / spread;
  const float high = 4 / spread;
  EXPECT_EQ(data.inputs(), (xg::Array{{{low, low}, {low, low}}, {{0, 0}, {0, 0}}, {{high, high}, {high, high}}}));
  EXPECT_EQ(data.labels(), (Labels{0, 1, 2}));
}

TEST(Preprocess, StandardizerErrors) {
  Standardizer standardizer;
  EXPECT_FALSE(standardizer.fitted());
  EXPECT_EQ(error_message([&] {
              standardizer.transform(xg::Array{{1, 2}});
            }),
            "Standardizer::transform: the Standardizer is not fitted yet (call fit on the training data)");
  EXPECT_EQ(error_message([&] {
              standardizer.fit(xg::Array::from_shape({0, 3}));
            }),
            "Standardizer::fit: expected inputs [N, ...] with N >= 1 examples, got shape [0, 3]");
  standardizer.fit(xg::Array{{1, 2, 3}, {4, 5, 6}});
  EXPECT_TRUE(standardizer.fitted());
  EXPECT_EQ(error_message([&] {
              standardizer.transform(xg::Array{{1, 2}});
            }),
            "Standardizer::transform: expected inputs of shape [N, 3] (as fitted), got [1, 2]");
}

// n examples; example i has inputs [i, -i] and label i.
TensorDataset numbered(std::size_t n) {
  xg::Array inputs = xg::Array::from_shape({n, 2});
  Labels labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    inputs(i, 0) = static_cast<float>(i);
    inputs(i, 1) = -static_cast<float>(i);
    labels[i] = static_cast<std::int64_t>(i);
  }
  return TensorDataset(std::move(inputs), std::move(labels));
}

TEST(Preprocess, TrainValSplitPartitionsTheExamples) {
  const TensorDataset data = numbered(100);
  xg::Generator generator(3);
  const auto [train, val] = xg::data::train_val_split(data, 0.2, generator);
  EXPECT_EQ(train.size(), 80u);
  EXPECT_EQ(val.size(), 20u);
  Labels all = train.labels();
  all.insert(all.end(), val.labels().begin(), val.labels().end());
  std::sort(all.begin(), all.end());
  Labels expected(100);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(all, expected);  // every example in exactly one part
  for (std::size_t row = 0; row < val.size(); ++row) {
    EXPECT_EQ(val.inputs()(row, 0), static_cast<float>(val.labels()[row]));
    EXPECT_EQ(val.inputs()(row, 1), -static_cast<float>(val.labels()[row]));
  }
  // Shuffled, not the last 20 in order.
  EXPECT_NE(val.labels(), Labels(expected.end() - 20, expected.end()));
}

TEST(Preprocess, TrainValSplitIsReproducibleFromTheSeed) {
  const TensorDataset data = numbered(50);
  xg::Generator a(9);
  xg::Generator b(9);
  xg::Generator c(10);
  const auto first = xg::data::train_val_split(data, 0.3, a);
  EXPECT_EQ(first.second.size(), 15u);
  EXPECT_EQ(xg::data::train_val_split(data, 0.3, b).second.labels(), first.second.labels());
  EXPECT_NE(xg::data::train_val_split(data, 0.3, c).second.labels(), first.second.labels());
  // round(0.25 * 10) = 3 (half away from zero); the fractions 0 and 1 are allowed.
  xg::Generator d(0);
  EXPECT_EQ(xg::data::train_val_split(numbered(10), 0.25, d).second.size(), 3u);
  EXPECT_EQ(xg::data::train_val_split(numbered(10), 0.0, d).second.size(), 0u);
  EXPECT_EQ(xg::data::train_val_split(numbered(10), 1.0, d).first.size(), 0u);
  EXPECT_EQ(error_message([&] { xg::data::train_val_split(data, 1.5, d); }),
            "train_val_split: expected val_fraction in [0, 1], got 1.5");
}

// Classes of 50, 30 and 20 examples (label = index % 10 < 5 ? 0 : index % 10 < 8 ? 1 : 2).
TensorDataset three_classes() {
  TensorDataset data = numbered(100);
  Labels labels(100);
  for (std::size_t i = 0; i < 100; ++i) labels[i] = i % 10 < 5 ? 0 : (i % 10 < 8 ? 1 : 2);
  return TensorDataset(data.inputs(), std::move(labels));
}

std::vector<std::size_t> class_counts(const Labels& labels) {
  std::vector<std::size_t> counts(3, 0);
  for (std::int64_t label : labels) ++counts[static_cast<std::size_t>(label)];
  return counts;
}

TEST(Preprocess, StratifiedSplitKeepsEveryClassShare) {
  const TensorDataset data = three_classes();
  xg::Generator generator(3);
  const auto [train, val] = xg::data::stratified_train_val_split(data, 0.1, generator);
  // round(0.1 * 50) = 5, round(0.1 * 30) = 3, round(0.1 * 20) = 2.
  EXPECT_EQ(class_counts(val.labels()), (std::vector<std::size_t>{5, 3, 2}));
  EXPECT_EQ(class_counts(train.labels()), (std::vector<std::size_t>{45, 27, 18}));
  // Every example in exactly one part: the first input column is the example's index.
  std::vector<float> indices;
  for (const TensorDataset* part : {&train, &val}) {
    for (std::size_t row = 0; row < part->size(); ++row) indices.push_back(part->inputs()(row, 0));
  }
  std::sort(indices.begin(), indices.end());
  for (std::size_t i = 0; i < 100; ++i) EXPECT_EQ(indices[i], static_cast<float>(i));
}

TEST(Preprocess, StratifiedSplitIsReproducibleFromTheSeed) {
  const TensorDataset data = three_classes();
  xg::Generator a(9);
  xg::Generator b(9);
  xg::Generator c(10);
  const TensorDataset first = xg::data::stratified_train_val_split(data, 0.2, a).second;
  const TensorDataset same = xg::data::stratified_train_val_split(data, 0.2, b).second;
  const TensorDataset other = xg::data::stratified_train_val_split(data, 0.2, c).second;
  EXPECT_EQ(xg::shape_of(first.inputs()), (xg::Shape{20, 2}));
  EXPECT_TRUE(xt::all(xt::equal(first.inputs(), same.inputs())));
  EXPECT_FALSE(xt::all(xt::equal(first.inputs(), other.inputs())));
  xg::Generator d(0);
  EXPECT_EQ(error_message([&] { xg::data::stratified_train_val_split(data, -0.5, d); }),
            "stratified_train_val_split: expected val_fraction in [0, 1], got -0.5");
  const TensorDataset regression(xt::zeros<float>({4, 2}), xg::Array(xt::zeros<float>({4, 1})));
  EXPECT_EQ(error_message([&] { xg::data::stratified_train_val_split(regression, 0.5, d); }),
            "stratified_train_val_split: the dataset has no class labels to stratify by");
}

}  // namespace

namespace {

TEST(Preprocess, MomentsOfShardsMergeIntoTheMomentsOfTheWhole) {
  // Rows 1, 3 | 5, 7, 9 of feature 0: mean 5, squared deviations 16 + 4 + 0 + 4 + 16 = 40.
  // Feature 1 is 2, 2 | 2, 2, 8: mean 3.2, squared deviations 4 * 1.44 + 23.04 = 28.8.
  const xg::Array first = {{1, 2}, {3, 2}};
  const xg::Array second = {{5, 2}, {7, 2}, {9, 8}};
  xg::data::FeatureMoments merged = xg::data::FeatureMoments::of(first);
  merged.merge(xg::data::FeatureMoments::of(second));
  EXPECT_EQ(merged.count, 5);
  EXPECT_EQ(merged.example_shape, (xg::Shape{2}));
  EXPECT_DOUBLE_EQ(merged.mean[0], 5.0);
  EXPECT_DOUBLE_EQ(merged.squared_deviations[0], 40.0);
  EXPECT_DOUBLE_EQ(merged.mean[1], 3.2);
  EXPECT_DOUBLE_EQ(merged.squared_deviations[1], 28.8);

  // A fit from merged shards equals a fit over all the rows at once, to the float.
  Standardizer from_shards;
  from_shards.fit(merged);
  Standardizer whole;
  whole.fit(xg::Array{{1, 2}, {3, 2}, {5, 2}, {7, 2}, {9, 8}});
  EXPECT_EQ(from_shards.mean(), whole.mean());
  EXPECT_EQ(from_shards.stddev(), whole.stddev());
  EXPECT_EQ(whole.stddev(), (xg::Array{static_cast<float>(std::sqrt(8.0)), static_cast<float>(std::sqrt(5.76))}));

  // An empty side is the identity; different example shapes are refused by name.
  xg::data::FeatureMoments empty;
  EXPECT_EQ(empty.merge(merged).count, 5);
  EXPECT_EQ(error_message([&] {
              merged.merge(xg::data::FeatureMoments::of(xg::Array{{1, 2, 3}}));
            }),
            "FeatureMoments::merge: the example shapes differ: [2] and [3]");
}

TEST(Preprocess, StandardizerTakesStoredStatisticsAndRefusesBadOnes) {
  Standardizer stored;
  stored.set_statistics(xg::Array{1, 2}, xg::Array{2, 4});
  EXPECT_EQ(stored.transform(xg::Array{{3, 10}}), (xg::Array{{1, 2}}));
  EXPECT_EQ(stored.inverse_transform(xg::Array{{1, 2}}), (xg::Array{{3, 10}}));

  EXPECT_EQ(error_message([&] {
              stored.set_statistics(xg::Array{1, 2}, xg::Array{2});
            }),
            "Standardizer::set_statistics: mean [2] and stddev [1] differ in shape");
  EXPECT_EQ(error_message([&] {
              stored.set_statistics(xg::Array{1, 2}, xg::Array{2, 0});
            }),
            "Standardizer::set_statistics: feature 1 needs a finite mean and a finite stddev > 0, got mean 2 and "
            "stddev 0");
  // A refused call keeps the statistics it had.
  EXPECT_EQ(stored.mean(), (xg::Array{1, 2}));
  EXPECT_EQ(stored.stddev(), (xg::Array{2, 4}));
}

}  // namespace
