#pragma once
// --task regression: the MLP predicts one or several float columns of a CSV table (regression.cpp).

#include "args.hpp"

#include <xgrad/xgrad.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace mlp {

// How main.cpp makes the optimizer and the learning-rate schedule from the flags, so that both tasks
// train with the same ones.
struct OptimizerMakers {
  std::unique_ptr<xg::optim::Optimizer> (*optimizer)(const Args& args, std::vector<xg::Tensor> params);
  std::unique_ptr<xg::optim::LRScheduler> (*scheduler)(const Args& args, xg::optim::Optimizer& optimizer,
                                                       std::int64_t steps_per_epoch, std::int64_t total_steps);
};

// Reads the CSV, standardizes inputs and targets with the training part's statistics, trains with
// MSELoss, prints RMSE, MAE and R^2 on the training and test parts in the targets' own units, and
// writes the model, a metrics CSV and the loss curves to --out. Returns the exit code.
int run_regression(const Args& args, const OptimizerMakers& makers);

}  // namespace mlp
