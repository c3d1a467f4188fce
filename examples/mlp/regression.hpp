#pragma once
// --task regression: the MLP predicts one or several float columns of a CSV table (regression.cpp).

#include "args.hpp"
#include "parallel.hpp"

#include <xgrad/xgrad.hpp>

namespace mlp {

// Reads the CSV, holds out --val-split of the training part, standardizes inputs and targets with the
// statistics of what is left, trains with MSELoss (with --early-stop, up to the best validation loss),
// prints RMSE, MAE and R^2 on the training, validation and test parts in the targets' own units, and
// writes the model, a metrics CSV (those metrics per epoch), the loss curves and a scatter plot of the
// test predictions (predictions.svg) to --out. Returns the exit code. Without --epochs, sets args.epochs
// (and maybe the validation split and early stopping) from the data (defaults.hpp). Under mpirun each
// rank trains on its shard of every global batch, as the classifier does (parallel.hpp), with the
// statistics of the whole training set; rank 0 writes the files.
int run_regression(Args& args, const Parallel& parallel);

}  // namespace mlp
