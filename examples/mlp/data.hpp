#pragma once
// Where the example's examples come from: --dataset (Fashion-MNIST, IDX files, spirals, moons, a CSV
// table), cut to --limit. The regression task reads its own table (regression.cpp).

#include "args.hpp"
#include "model_files.hpp"

#include <xgrad/xgrad.hpp>

#include <string>
#include <vector>

namespace mlp {

struct Data {
  xg::data::TensorDataset train, val, test;  // val: empty without --val-split
  std::vector<std::string> class_names;
  std::string description;  // "Fashion-MNIST from DIR", "3 spirals", ...
  Statistics statistics;    // a small set's inputs' standardization (unfitted for pixels), saved with the model
};

// The --dataset, its training part cut to the first --limit examples, then --val-split of it held out
// (the same share of each class, seeded with --seed); a small set's features are standardised with the
// statistics of what is left to train on. Without --epochs, sets args.epochs (and maybe the validation
// split and early stopping: defaults.hpp) from the training part's size, and says so in `decided`.
// Throws UserError when the files are missing.
Data load_data(Args& args, std::string& decided);

// Labels 0 .. largest: largest + 1 classes.
std::size_t count_classes(const xg::data::Labels& labels);
// "0", "1", ...: the class names of data sets that have none.
std::vector<std::string> numbered_names(std::size_t count);

}  // namespace mlp
