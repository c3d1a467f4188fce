#include "defaults.hpp"

#include <algorithm>
#include <cmath>

#include <xgrad/core/error.hpp>

namespace mlp {

std::size_t batches_per_epoch(const Args& args, std::size_t train_size) {
  const std::size_t batches = (train_size + args.batch_size - 1) / args.batch_size;
  return drop_lone_last_batch(args, train_size) ? batches - 1 : batches;
}

namespace {

int epochs_for(const Args& args, std::size_t train_size) {
  const auto batches = static_cast<long>(std::max<std::size_t>(1, batches_per_epoch(args, train_size)));
  return static_cast<int>(std::max<long>(kDefaultEpochs, (kStepBudget + batches - 1) / batches));
}

}  // namespace

std::string fit_to_data(Args& args, std::size_t train_size) {
  if (args.epochs_given) return "";
  args.epochs = epochs_for(args, train_size);
  if (args.epochs == kDefaultEpochs) return "";  // the Fashion-MNIST recipe: nothing to say
  std::string decided = "epochs fitted to the data (" + std::to_string(kStepBudget) + " steps at least)";
  if (args.epochs > kFarAbove && args.val_split == 0.0 && args.early_stop == 0) {
    args.val_split = kAutoValSplit;
    args.early_stop = kAutoPatience;
    const auto held_out = static_cast<std::size_t>(std::llround(args.val_split * static_cast<double>(train_size)));
    args.epochs = epochs_for(args, train_size - held_out);
    decided += "; a small table, so by default " + xg::format_number(args.val_split) +
               " held out for validation and early stop after " + std::to_string(args.early_stop) +
               " epochs without improvement";
  }
  return decided;
}

}  // namespace mlp
