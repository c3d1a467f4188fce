#pragma once
// Defaults that fit the data. Without --epochs, a run takes at least kStepBudget optimizer steps:
//
//   epochs = max(8, ceil(kStepBudget / steps per epoch))
//
// kStepBudget is what the Fashion-MNIST recipe takes (8 epochs of 469 batches of 128 = 3752 steps),
// the run its defaults were tuned on, so that run keeps its 8 epochs. A small table gets as many
// steps: 400 rows make 4 batches an epoch, 8 epochs only 32 steps, and the model stays undertrained.
// Where the budget raises the epochs above kFarAbove (twice the 8), so many passes over little data
// would overfit: unless --val-split or --early-stop is given, kAutoValSplit of the training data is
// held out and training stops after kAutoPatience epochs without a better validation loss, with the
// best epoch's weights (scikit-learn's MLPRegressor with early_stopping=True does the same).

#include "args.hpp"

#include <cstddef>
#include <string>

namespace mlp {

constexpr long kStepBudget = 3750;
constexpr int kDefaultEpochs = 8;
constexpr int kFarAbove = 2 * kDefaultEpochs;
constexpr double kAutoValSplit = 0.1;       // scikit-learn's validation_fraction
constexpr int kAutoPatience = 20;           // epochs without improvement
constexpr double kEarlyStopValSplit = 0.1;  // --early-stop without --val-split

constexpr const char* kEpochsHelp =
    "passes over the training data (0 needs --load). Default: at least\n"
    "3750 steps, max(8, ceil(3750 / batches per epoch)): 8 on\n"
    "Fashion-MNIST. Where that is above 16 (a small table), 0.1 of the\n"
    "training data is held out and --early-stop 20 is on, unless\n"
    "--val-split or --early-stop is given";

// Sets args.epochs (when not given), and val_split and early_stop (when the rule turns them on) for a
// training part of `train_size` examples. Returns what it decided, for the "training:" line ("" when
// the flags decided everything).
std::string fit_to_data(Args& args, std::size_t train_size);

// Batches per epoch of `train_size` examples (a lone last one dropped under BatchNorm1d).
std::size_t batches_per_epoch(const Args& args, std::size_t train_size);

}  // namespace mlp
