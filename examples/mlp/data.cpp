#include "data.hpp"

#include "defaults.hpp"
#include "errors.hpp"

#include <algorithm>
#include <filesystem>
#include <tuple>

namespace mlp {

namespace {

namespace fs = std::filesystem;
using xg::data::TensorDataset;

Data load_idx_dir(const std::string& dir, bool fashion) {
  if (!fs::exists(dir)) {
    if (fashion) {
      throw UserError("Fashion-MNIST was not found in " + dir +
                      ".\nInstall Debian's package:  sudo apt-get install dataset-fashion-mnist\n"
                      "or point to the IDX files:  --dataset idx:DIR");
    }
    throw UserError("no such directory: " + dir +
                    "\n--dataset idx:DIR wants the folder that holds the MNIST-format files"
                    " {train,t10k}-{images-idx3,labels-idx1}-ubyte (each may end in .gz)");
  }
  Data data;
  data.train = xg::data::load_mnist(dir, xg::data::Split::kTrain);
  data.test = xg::data::load_mnist(dir, xg::data::Split::kTest);
  data.class_names =
      fashion ? xg::data::fashion_mnist_class_names() : numbered_names(count_classes(data.train.labels()));
  data.description = (fashion ? "Fashion-MNIST from " : "IDX files in ") + dir;
  return data;
}

// Small sets held in memory: 80% to train on, 20% to test (standardised later, in load_data).
Data split(const TensorDataset& all, const std::string& description, std::uint64_t seed) {
  xg::Generator split_generator(seed + 1);
  auto [train, test] = xg::data::train_val_split(all, 0.2, split_generator);
  Data data{std::move(train), {}, std::move(test), numbered_names(count_classes(all.labels())), description, {}};
  return data;
}

Data load_dataset(const Args& args) {
  const std::string& name = args.dataset;
  if (name == "fashion-mnist") return load_idx_dir(xg::data::kFashionMnistDir, true);
  if (name.rfind("idx:", 0) == 0) return load_idx_dir(name.substr(4), false);
  xg::Generator generator(args.seed);
  if (name == "spirals") return split(xg::data::spirals(500, 3, 0.2, generator), "3 spirals", args.seed);
  if (name == "moons") return split(xg::data::moons(2000, 0.1, generator), "two moons", args.seed);
  const std::string path = name.substr(4);  // csv:PATH
  if (!fs::exists(path)) throw UserError("no such CSV file: " + path);
  return split(xg::data::read_csv(path), "CSV " + path, args.seed);
}

}  // namespace

Data load_data(Args& args, std::string& decided) {
  Data data = load_dataset(args);
  if (args.limit > 0 && args.limit < data.train.size()) {
    std::vector<std::size_t> first(args.limit);
    for (std::size_t i = 0; i < args.limit; ++i) first[i] = i;
    data.train = data.train.subset(first);
  }
  decided = fit_to_data(args, data.train.size());
  if (args.val_split > 0) {
    xg::Generator val_generator(args.seed + 2);
    std::tie(data.train, data.val) = xg::data::stratified_train_val_split(data.train, args.val_split, val_generator);
  }
  // Pixels are already on one scale; the small sets' features are standardised, with the statistics
  // of the examples trained on only.
  const bool small_set = args.dataset != "fashion-mnist" && args.dataset.rfind("idx:", 0) != 0;
  if (small_set) {
    xg::data::Standardizer& standardizer = data.statistics.inputs;
    const std::optional<Statistics> stored = load_statistics(args.load_path);  // a --load model's, if it has them
    if (stored) {
      standardizer = stored->inputs;
    } else {
      standardizer.fit(xg::data::FeatureMoments::of(data.train.inputs()));
    }
    for (TensorDataset* part : {&data.train, &data.val, &data.test}) {
      if (part->size() > 0) standardizer.transform_(*part);
    }
  }
  return data;
}

std::size_t count_classes(const xg::data::Labels& labels) {
  std::int64_t largest = 0;
  for (std::int64_t label : labels) largest = std::max(largest, label);
  return static_cast<std::size_t>(largest) + 1;
}

std::vector<std::string> numbered_names(std::size_t count) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) names.push_back(std::to_string(i));
  return names;
}

}  // namespace mlp
