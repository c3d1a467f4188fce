#pragma once
// --task regression: the MLP predicts one or several float columns of a CSV table (regression.cpp).

#include "args.hpp"

#include <xgrad/xgrad.hpp>

namespace mlp {

// Reads the CSV, standardizes inputs and targets with the training part's statistics, trains with
// MSELoss, prints RMSE, MAE and R^2 on the training and test parts in the targets' own units, and
// writes the model, a metrics CSV and the loss curves to --out. Returns the exit code.
int run_regression(const Args& args);

}  // namespace mlp
