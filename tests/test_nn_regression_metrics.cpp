// Regression metrics (MSE, RMSE, MAE, R^2) against scikit-learn (reference/regression_metrics.json,
// made by reference/regression_metrics.py), and their errors.

#include "error_message.hpp"
#include "nn_test_helpers.hpp"

#include <xgrad/xgrad.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>

namespace {

namespace nn = xg::nn;
using nn_test::array_from_json;
using xg_test::error_message;

const nlohmann::json& sklearn_cases() {
  static const nlohmann::json json = nn_test::read_reference("regression_metrics.json");
  return json["cases"];
}

// Both sides sum the same float32 values in double; only the order of the additions differs (NumPy
// sums pairwise), which moves the last few of double's 16 digits.
void expect_same(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-12 * std::max(1.0, std::abs(expected))) << what;
}

TEST(NNRegressionMetrics, MatchScikitLearnOnEveryCase) {
  ASSERT_EQ(sklearn_cases().size(), 7u);
  for (const nlohmann::json& c : sklearn_cases()) {
    const std::string name = c["name"];
    const xg::Array predictions = array_from_json(c["predictions"]);
    const xg::Array targets = array_from_json(c["targets"]);
    expect_same(nn::mean_squared_error(predictions, targets), c["mse"], name + " MSE");
    expect_same(nn::root_mean_squared_error(predictions, targets), c["rmse"], name + " RMSE");
    expect_same(nn::mean_absolute_error(predictions, targets), c["mae"], name + " MAE");
    expect_same(nn::r2_score(predictions, targets), c["r2"], name + " R^2");
    // The Tensor forms give the same numbers.
    EXPECT_EQ(nn::r2_score(xg::tensor(predictions), xg::tensor(targets)), nn::r2_score(predictions, targets));
  }
}

TEST(NNRegressionMetrics, SmallCaseByHand) {
  // errors 1, -1, 2, 0: MSE 6/4, MAE 4/4; targets 1..4 have mean 2.5, sum of squared deviations 5.
  const xg::Array targets = {1, 2, 3, 4};
  const xg::Array predictions = {0, 3, 1, 4};
  EXPECT_EQ(nn::mean_squared_error(predictions, targets), 1.5);
  EXPECT_EQ(nn::root_mean_squared_error(predictions, targets), std::sqrt(1.5));
  EXPECT_EQ(nn::mean_absolute_error(predictions, targets), 1.0);
  EXPECT_EQ(nn::r2_score(predictions, targets), 1.0 - 6.0 / 5.0);
}

TEST(NNRegressionMetrics, SeveralOutputsAverageThePerOutputValues) {
  // Column 0 is exact; column 1 is off by 2 everywhere: RMSE (0 + 2) / 2 = 1, not sqrt(mean of all) = sqrt(2).
  const xg::Array targets = {{1, 0}, {2, 0}, {3, 0}};
  const xg::Array predictions = {{1, 2}, {2, 2}, {3, 2}};
  EXPECT_EQ(nn::root_mean_squared_error(predictions, targets), 1.0);
  EXPECT_EQ(nn::mean_squared_error(predictions, targets), 2.0);
  EXPECT_EQ(nn::r2_score(predictions, targets), 0.5);  // (1 + 0) / 2: column 1's targets are constant
}

TEST(NNRegressionMetrics, OneSampleHasNoR2) {
  EXPECT_TRUE(std::isnan(nn::r2_score(xg::Array{1.0f}, xg::Array{2.0f})));
  EXPECT_EQ(nn::mean_absolute_error(xg::Array{1.0f}, xg::Array{2.0f}), 1.0);
}

TEST(NNRegressionMetrics, BadInputsThrow) {
  EXPECT_EQ(error_message([] {
              nn::r2_score(xg::zeros({4, 1}).data(), xg::zeros({4}).data());
            }),
            "r2_score: expected predictions of the targets' shape [4], got [4, 1]");
  EXPECT_EQ(error_message([] { nn::mean_squared_error(xg::zeros({0}).data(), xg::zeros({0}).data()); }),
            "mean_squared_error: expected targets [N] or [N, K] with N >= 1, got [0]");
  EXPECT_EQ(error_message([] {
              nn::mean_absolute_error(xg::zeros({2, 2, 2}), xg::zeros({2, 2, 2}));
            }),
            "mean_absolute_error: expected targets [N] or [N, K] with N >= 1, got [2, 2, 2]");
  EXPECT_EQ(error_message([] { nn::root_mean_squared_error(xg::zeros({2}), xg::Tensor()); }),
            "root_mean_squared_error: the targets tensor is undefined (a Batch has targets only when its dataset "
            "has float targets)");
}

}  // namespace
