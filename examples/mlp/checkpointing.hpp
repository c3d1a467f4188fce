#pragma once
// --checkpoint-every, --checkpoint and --resume: one file holds everything that decides the rest of a
// run, so that a run stopped anywhere and resumed ends with the very same model as one never stopped.

#include "args.hpp"
#include "early_stopping.hpp"
#include "model.hpp"
#include "report.hpp"
#include "training.hpp"

#include <xgrad/xgrad.hpp>

#include <string>
#include <vector>

namespace mlp {

// The weights, the optimizer's and schedule's state, the generators of the dropout masks (the default
// one, seeded with --seed) and of the shuffling (the loader's own).
xg::Checkpoint make_checkpoint(Setup& setup, Training& training);
// The same for --task regression, whose loop has its own objects (a per-batch schedule or none).
xg::Checkpoint make_checkpoint(xg::nn::MLP& net, xg::optim::Optimizer& optimizer, xg::optim::LRScheduler* schedule,
                               xg::data::DataLoader& loader);

// Loads the --resume checkpoint after checking that this run's flags are those it was written with
// (FlagError names the first that differs); returns the results of the epochs it has done.
std::vector<EpochResult> resume(const Args& args, xg::Checkpoint& checkpoint);
// The same, returning the metrics.csv rows of the epochs done as written (--task regression's columns).
std::string resume_metrics_rows(const Args& args, xg::Checkpoint& checkpoint);

// The early stopping state of the --resume checkpoint (FlagError when the checkpoint has none).
void resume_early_stopping(const Args& args, xg::Checkpoint& checkpoint, EarlyStopping& early_stopping);

// Whether --checkpoint-every asks for a checkpoint after `epoch` (always after the last).
bool checkpoint_due(const Args& args, int epoch);

// Writes the checkpoint to --checkpoint (or --out/checkpoint.xgrad) with this run's flags and the
// metrics rows so far.
void save_checkpoint(const Args& args, xg::Checkpoint& checkpoint, const std::string& metrics_rows);

// The metrics rows a checkpoint holds ("" in a fresh one).
std::string checkpoint_metrics_rows(xg::Checkpoint& checkpoint);

}  // namespace mlp
