#pragma once
// What the training loop steps with: the optimizer (--optimizer, --lr, --weight-decay), the
// learning-rate schedule (--scheduler), the shuffling loader (--batch-size, --seed) and the loss
// (--label-smoothing).

#include "args.hpp"
#include "model.hpp"

#include <xgrad/xgrad.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlp {

std::unique_ptr<xg::optim::Optimizer> make_optimizer(const Args& args, std::vector<xg::Tensor> params);

// The learning-rate schedule: an LRScheduler stepped after every optimizer step, or (plateau) a
// ReduceLROnPlateau stepped after every epoch with the epoch's mean training loss. (The example has
// no validation split, and deciding on the test loss would tune the lr on the test set.)
struct Schedule {
  std::unique_ptr<xg::optim::LRScheduler> per_batch;
  std::unique_ptr<xg::optim::ReduceLROnPlateau> plateau;
};

// The --scheduler over `total_steps` optimizer steps in all.
Schedule make_schedule(const Args& args, xg::optim::Optimizer& optimizer, std::int64_t steps_per_epoch,
                       std::int64_t total_steps);

// The training part in shuffled batches of --batch-size (a last batch of one dropped under BatchNorm1d).
xg::data::DataLoader make_loader(const Args& args, const xg::data::TensorDataset& train);

struct Training {
  std::unique_ptr<xg::optim::Optimizer> optimizer;
  xg::data::DataLoader loader;
  Schedule schedule;
  xg::nn::CrossEntropyLoss loss_fn;
};

// The optimizer (with the state beside a --load model), loader, schedule and loss of a classification run.
Training set_up_training(const Args& args, Setup& setup);

// "training: AdamW, lr 0.002, ... BLAS threads 1 (OpenBLAS Haswell kernels)" and a blank line.
// With --early-stop (or when the defaults turned it on), "defaults: ..." says what fit_to_data decided.
void print_training(const Args& args, const xg::optim::Optimizer& optimizer, const std::string& decided);
// " at most (early stop after 20 without improvement)", or "" without early stopping.
std::string early_stop_text(const Args& args);

}  // namespace mlp
