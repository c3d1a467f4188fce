#pragma once
// --task regression: the MLP predicts one or several float columns of a CSV table (regression.cpp).

#include "args.hpp"

#include <xgrad/xgrad.hpp>

namespace mlp {

// Reads the CSV, holds out --val-split of the training part, standardizes inputs and targets with the
// statistics of what is left, trains with MSELoss (with --early-stop, up to the best validation loss),
// prints RMSE, MAE and R^2 on the training, validation and test parts in the targets' own units, and
// writes the model, a metrics CSV (those metrics per epoch), the loss curves and a scatter plot of the
// test predictions (predictions.svg) to --out. Returns the exit code. Without --epochs, sets args.epochs
// (and maybe the validation split and early stopping) from the data (defaults.hpp).
int run_regression(Args& args);

}  // namespace mlp
