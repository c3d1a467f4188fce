// Regression data: float targets [N] and [N, K] in TensorDataset, batched by the DataLoader in the
// inputs' order; read_csv's target columns; a Standardizer for targets and its inverse; the errors.

#include <xgrad/xgrad.hpp>

#include "data_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <vector>

namespace {

using namespace xg::data;  // Batch, CsvOptions, DataLoader, DataLoaderOptions, Labels, read_csv, TensorDataset
using xg_test::error_message;
using xg_test::TempDir;

// An [N, 1] array (xg::Array{{1}, {2}} would be ambiguous: {1} is also a float).
xg::Array column(std::initializer_list<float> values) {
  xg::Array out = xg::Array::from_shape({values.size(), 1});
  std::copy(values.begin(), values.end(), out.data());
  return out;
}

// n examples; example i has input [i, -i] and targets [10 i, 10 i + 1], so a batch row names its example.
TensorDataset numbered_regression(std::size_t n) {
  xg::Array inputs = xg::Array::from_shape({n, 2});
  xg::Array targets = xg::Array::from_shape({n, 2});
  for (std::size_t i = 0; i < n; ++i) {
    const auto v = static_cast<float>(i);
    inputs(i, 0) = v, inputs(i, 1) = -v;
    targets(i, 0) = 10 * v, targets(i, 1) = 10 * v + 1;
  }
  return TensorDataset(std::move(inputs), std::move(targets));
}

TEST(RegressionData, TensorDatasetHoldsTargetsInsteadOfLabels) {
  const TensorDataset data = numbered_regression(4);
  EXPECT_EQ(data.size(), 4u);
  EXPECT_FALSE(data.has_labels());
  EXPECT_TRUE(data.has_targets());
  EXPECT_EQ(data.targets(), (xg::Array{{0, 1}, {10, 11}, {20, 21}, {30, 31}}));
  const xg::data::Example example = data.get(2);
  EXPECT_EQ(example.input, (xg::Array{2, -2}));
  ASSERT_TRUE(example.target.has_value());
  EXPECT_EQ(*example.target, (xg::Array{20, 21}));

  // [N] targets: one value per example, an example's target has shape [].
  const TensorDataset single(column({1, 2, 3}), xg::Array{0.5f, 1.5f, 2.5f});
  EXPECT_EQ(single.get(1).target->dimension(), 0u);
  EXPECT_EQ((*single.get(1).target)(), 1.5f);
  const Batch batch = single.get_batch(std::vector<std::size_t>{2, 0}.data(), 2);
  EXPECT_EQ(batch.targets.data(), (xg::Array{2.5f, 0.5f}));

  // The Tensor form copies the values.
  const TensorDataset from_tensors(xg::tensor(column({1, 2})), xg::tensor(column({7, 8})));
  EXPECT_EQ(from_tensors.targets(), column({7, 8}));
}

TEST(RegressionData, ClassificationDatasetsAreUnchanged) {
  const TensorDataset data(column({1, 2}), Labels{1, 0});
  EXPECT_TRUE(data.has_labels());
  EXPECT_FALSE(data.has_targets());
  const Batch batch = data.get_batch(std::vector<std::size_t>{1, 0}.data(), 2);
  EXPECT_TRUE(batch.has_labels());
  EXPECT_FALSE(batch.has_targets());
  EXPECT_FALSE(batch.targets.defined());
  EXPECT_EQ(batch.labels, (Labels{0, 1}));
  EXPECT_EQ(batch.size(), 2u);
  EXPECT_FALSE(data.get(0).target.has_value());
}

TEST(RegressionData, LabelsAndTargetsTogether) {
  const TensorDataset data(column({1, 2, 3}), Labels{2, 0, 1}, column({0.1f, 0.2f, 0.3f}));
  EXPECT_TRUE(data.has_labels());
  EXPECT_TRUE(data.has_targets());
  const Batch batch = data.get_batch(std::vector<std::size_t>{2, 1}.data(), 2);
  EXPECT_TRUE(batch.has_labels());
  EXPECT_TRUE(batch.has_targets());
  EXPECT_EQ(batch.labels, (Labels{1, 0}));
  EXPECT_EQ(batch.targets.data(), column({0.3f, 0.2f}));
  const TensorDataset part = data.subset({0, 2});
  EXPECT_EQ(part.labels(), (Labels{2, 1}));
  EXPECT_EQ(part.targets(), column({0.1f, 0.3f}));
}

TEST(RegressionData, DataLoaderShufflesTargetsWithTheirInputs) {
  const TensorDataset data = numbered_regression(10);
  DataLoader loader(data, DataLoaderOptions(4).shuffle(true).seed(3));
  std::vector<float> seen;
  std::vector<std::size_t> sizes;
  for (Batch& batch : loader) {
    ASSERT_TRUE(batch.has_targets());
    EXPECT_FALSE(batch.has_labels());
    EXPECT_TRUE(batch.labels.empty());
    EXPECT_EQ(batch.targets.shape(), (xg::Shape{batch.size(), 2}));
    for (std::size_t row = 0; row < batch.size(); ++row) {
      const float i = batch.input.data()(row, 0);
      EXPECT_EQ(batch.targets.data()(row, 0), 10 * i);
      EXPECT_EQ(batch.targets.data()(row, 1), 10 * i + 1);
      seen.push_back(i);
    }
    sizes.push_back(batch.size());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 2}));
  // The order is the same permutation a classification dataset of 10 gets from the same seed.
  xg::Generator generator(3);
  const std::vector<std::size_t> order = xg::data::randperm(10, generator);
  ASSERT_EQ(seen.size(), 10u);
  for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(seen[k], static_cast<float>(order[k]));
}

TEST(RegressionData, TrainValSplitKeepsTargetsWithTheirInputs) {
  xg::Generator generator(5);
  const auto [train, val] = xg::data::train_val_split(numbered_regression(10), 0.3, generator);
  EXPECT_EQ(train.size(), 7u);
  EXPECT_EQ(val.size(), 3u);
  for (const TensorDataset* part : {&train, &val}) {
    for (std::size_t row = 0; row < part->size(); ++row) {
      EXPECT_EQ(part->targets()(row, 1), 10 * part->inputs()(row, 0) + 1);
    }
  }
}

// A dataset that is not a TensorDataset: targets come from get() one example at a time.
class Line : public xg::data::Dataset {
 public:
  explicit Line(bool forget_target = false) : forget_target_(forget_target) {}
  std::size_t size() const override { return 3; }
  bool has_labels() const override { return false; }
  bool has_targets() const override { return true; }
  xg::data::Example get(std::size_t index) const override {
    const auto x = static_cast<float>(index);
    xg::data::Example example{xg::Array{x}, 0, xg::Array{2 * x + 1}};
    if (forget_target_ && index == 2) example.target.reset();
    return example;
  }

 private:
  bool forget_target_;
};

TEST(RegressionData, GenericDatasetBatchesTargetsThroughGet) {
  Line line;
  DataLoader loader(line, DataLoaderOptions(3));
  Batch batch = *loader.begin();
  EXPECT_EQ(batch.targets.data(), column({1, 3, 5}));
  EXPECT_TRUE(batch.labels.empty());
  Line broken(true);
  DataLoader broken_loader(broken, DataLoaderOptions(3));
  EXPECT_EQ(error_message([&] { broken_loader.begin(); }),
            "Dataset::get_batch: the dataset says it has targets (has_targets()), but example 2 from get() has no "
            "target");
}

TEST(RegressionData, ErrorsSayWhatIsMissingOrMismatched) {
  EXPECT_EQ(error_message([] {
              TensorDataset(xg::Array::from_shape({4, 2}), xg::Array::from_shape({3, 1}));
            }),
            "TensorDataset: expected as many target rows as input rows: inputs [4, 2] have 4 rows, targets [3, 1] "
            "have 3");
  EXPECT_EQ(error_message([] {
              TensorDataset(xg::Array::from_shape({2, 2}), xg::Array::from_shape({2, 1, 1}));
            }),
            "TensorDataset: expected targets of shape [N] or [N, K], got [2, 1, 1]");
  EXPECT_EQ(error_message([] {
              TensorDataset(xg::Array::from_shape({2, 2}), xg::Array(1.0f));
            }),
            "TensorDataset: expected targets of shape [N] or [N, K], got []");
  EXPECT_EQ(error_message([] {
              TensorDataset(xg::Array::from_shape({2, 2}), Labels{0}, xg::Array::from_shape({2}));
            }),
            "TensorDataset: expected as many labels as input rows: inputs [2, 2] have 2 rows, got 1 labels");
  const TensorDataset regression = numbered_regression(3);
  EXPECT_EQ(error_message([&] { regression.labels(); }),
            "TensorDataset::labels: this dataset has no class labels: it holds regression targets [3, 2] (see "
            "targets())");
  TensorDataset classification(column({1, 2}), Labels{1, 0});
  EXPECT_EQ(error_message([&] { classification.targets(); }),
            "TensorDataset::targets: this dataset has no float targets: it holds 2 class labels (see labels())");
  EXPECT_EQ(error_message([&] { classification.mutable_targets(); }),
            "TensorDataset::targets: this dataset has no float targets: it holds 2 class labels (see labels())");
  TensorDataset reshaped = numbered_regression(3);
  reshaped.mutable_targets().reshape({6});
  EXPECT_EQ(error_message([&] { reshaped.get(0); }),
            "TensorDataset::get: targets were reshaped to [6], which is not [N] or [N, K] with one row per example (3 "
            "examples)");
  // A classification loss handed a regression batch, and the other way round.
  DataLoader loader(regression, DataLoaderOptions(3));
  Batch batch = *loader.begin();
  xg::nn::CrossEntropyLoss cross_entropy;
  EXPECT_EQ(error_message([&] {
              cross_entropy(xg::zeros({3, 4}), batch.labels);
            }),
            "CrossEntropyLoss: expected 3 labels, one per row of the input [3, 4], got 0");
  const Batch labelled = classification.get_batch(std::vector<std::size_t>{0, 1}.data(), 2);
  xg::nn::MSELoss mse;
  EXPECT_EQ(error_message([&] {
              mse(xg::zeros({2, 1}), labelled.targets);
            }),
            "MSELoss: the target is undefined (a Batch has targets only when its dataset has float targets; class "
            "labels are batch.labels)");
}

TEST(RegressionData, MseAndL1LossTakeBatchTargets) {
  const TensorDataset data(column({0, 1, 2}), xg::Array{{1, 0}, {3, 0}, {5, 0}});
  DataLoader loader(data, DataLoaderOptions(3));
  const Batch batch = *loader.begin();
  xg::Tensor predictions = xg::tensor(xg::Array{{1, 1}, {2, 0}, {5, -2}}, true);
  xg::nn::MSELoss mse;
  xg::Tensor loss = mse(predictions, batch.targets);
  EXPECT_FLOAT_EQ(loss.item(), (0 + 1 + 1 + 0 + 0 + 4) / 6.0f);
  loss.backward();
  EXPECT_EQ(predictions.grad(), (xg::Array{{0, 1 / 3.0f}, {-1 / 3.0f, 0}, {0, -2 / 3.0f}}));
  xg::nn::L1Loss l1;
  EXPECT_FLOAT_EQ(l1(predictions, batch.targets).item(), 4 / 6.0f);
}

TEST(RegressionCsv, TargetColumnsByName) {
  TempDir dir;
  const std::string path = dir.write("house.csv", "rooms,price,age,tax\n3,250.5,10,1.5\n4,300,2,2.5\n");
  const TensorDataset one = read_csv(path, CsvOptions().targets({"price"}));
  EXPECT_FALSE(one.has_labels());
  EXPECT_EQ(one.inputs(), (xg::Array{{3, 10, 1.5}, {4, 2, 2.5}}));
  EXPECT_EQ(one.targets(), column({250.5, 300}));
  // Several, in the order given (not the file's).
  const TensorDataset two = read_csv(path, CsvOptions().targets({"tax", "price"}));
  EXPECT_EQ(two.inputs(), (xg::Array{{3, 10}, {4, 2}}));
  EXPECT_EQ(two.targets(), (xg::Array{{1.5, 250.5}, {2.5, 300}}));
}

TEST(RegressionCsv, TargetColumnsByIndexWithOrWithoutHeader) {
  TempDir dir;
  const std::string path = dir.write("plain.csv", "1,2,3\n4,5,6\n");
  EXPECT_EQ(read_csv(path, CsvOptions().targets({0})).targets(), column({1, 4}));
  const TensorDataset last_two = read_csv(path, CsvOptions().targets({-1, 1}));
  EXPECT_EQ(last_two.inputs(), column({1, 4}));
  EXPECT_EQ(last_two.targets(), (xg::Array{{3, 2}, {6, 5}}));
  const std::string named = dir.write("named.csv", "a,b,y\n1,2,3\n");
  EXPECT_EQ(read_csv(named, CsvOptions().targets({2})).targets(), column({3}));
  EXPECT_EQ(read_csv(named, CsvOptions().targets({std::string("a"), 2L})).targets(), (xg::Array{{1, 3}}));
}

TEST(RegressionCsv, ALabelColumnIsReadBesideTargetsWhenAsked) {
  TempDir dir;
  const std::string path = dir.write("both.csv", "x,y,class\n0.5,7,1\n1.5,8,0\n");
  const TensorDataset both = read_csv(path, CsvOptions().targets({"y"}).label_column(-1));
  EXPECT_EQ(both.inputs(), column({0.5, 1.5}));
  EXPECT_EQ(both.labels(), (Labels{1, 0}));
  EXPECT_EQ(both.targets(), column({7, 8}));
  // Without label_column the last column is a feature like any other.
  EXPECT_EQ(read_csv(path, CsvOptions().targets({"y"})).inputs(), (xg::Array{{0.5, 1}, {1.5, 0}}));
}

TEST(RegressionCsv, ErrorsNameTheFileLineAndColumn) {
  TempDir dir;
  const std::string named = dir.write("named.csv", "a,b,y\n1,2,3\n4,5,oops\n");
  EXPECT_EQ(error_message([&] { read_csv(named, CsvOptions().targets({"y"})); }),
            "read_csv: " + named + " line 3 column 3: expected a number, got \"oops\"");
  EXPECT_EQ(error_message([&] { read_csv(named, CsvOptions().targets({"z"})); }),
            "read_csv: " + named + " line 1: target column 'z' is not in the header (a, b, y)");
  EXPECT_EQ(error_message([&] { read_csv(named, CsvOptions().targets({3})); }),
            "read_csv: " + named + " line 1: target column 3 does not exist in a row of 3 columns (expected -3..2)");
  EXPECT_EQ(error_message([&] {
              read_csv(named, CsvOptions().targets({"y", -1}));
            }),
            "read_csv: " + named + " line 1: target column -1 is given twice (column 3)");
  EXPECT_EQ(error_message([&] { read_csv(named, CsvOptions().targets({"y"}).label_column(2)); }),
            "read_csv: " + named + " line 1: column 3 is both the label column and target column 'y'");
  EXPECT_EQ(error_message([&] {
              read_csv(named, CsvOptions().targets({"a", "b", "y"}));
            }),
            "read_csv: " + named +
                " line 1: expected at least one feature column besides the label and target columns, got 3 columns "
                "in all");
  const std::string plain = dir.write("plain.csv", "\n1,2,3\n");
  EXPECT_EQ(error_message([&] { read_csv(plain, CsvOptions().targets({"y"})); }),
            "read_csv: " + plain +
                " line 2: target column 'y' is a name, but the file has no header line to find it in (give its "
                "0-based index instead)");
  const std::string infinite = dir.write("inf.csv", "1,2\n3,1e39\n");
  EXPECT_EQ(error_message([&] { read_csv(infinite, CsvOptions().targets({1})); }),
            "read_csv: " + infinite + " line 2 column 2: expected a number, got \"1e39\"");
}

TEST(RegressionPreprocess, TargetStandardizerRoundTrips) {
  // Targets [N, 2]: means 2 and 20, population standard deviations sqrt(2/3) and 10 sqrt(2/3).
  const xg::Array targets = {{1, 10}, {2, 20}, {3, 30}};
  xg::data::Standardizer scaler;
  scaler.fit(targets);
  EXPECT_EQ(scaler.mean(), (xg::Array{2, 20}));
  const xg::Array scaled = scaler.transform(targets);
  const float z = 1.0f / std::sqrt(2.0f / 3.0f);
  EXPECT_FLOAT_EQ(scaled(0, 0), -z);
  EXPECT_FLOAT_EQ(scaled(2, 1), z);
  EXPECT_EQ(scaled(1, 1), 0.0f);
  const xg::Array back = scaler.inverse_transform(scaled);
  for (std::size_t i = 0; i < back.size(); ++i) EXPECT_FLOAT_EQ(back.data()[i], targets.data()[i]);
  // A prediction of 1 standard deviation above the mean, in the data's units.
  xg::Array one_up = {{1.0f, 1.0f}};
  scaler.inverse_transform_(one_up);
  EXPECT_FLOAT_EQ(one_up(0, 0), 2 + std::sqrt(2.0f / 3.0f));
  EXPECT_FLOAT_EQ(one_up(0, 1), 20 + 10 * std::sqrt(2.0f / 3.0f));

  // [N] targets work the same; a dataset's targets standardize in place.
  TensorDataset data(column({0, 0}), xg::Array{4.0f, 8.0f});
  xg::data::Standardizer single;
  single.fit(data.targets());
  single.transform_(data.mutable_targets());
  EXPECT_EQ(data.targets(), (xg::Array{-1, 1}));
  EXPECT_EQ(single.inverse_transform(data.targets()), (xg::Array{4, 8}));
  EXPECT_EQ(error_message([&] {
              single.inverse_transform(xg::Array{{1, 2}});
            }),
            "Standardizer::inverse_transform: expected inputs of shape [N] (as fitted), got [1, 2]");
}

}  // namespace
