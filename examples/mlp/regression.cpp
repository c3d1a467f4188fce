// --task regression: an MLP learns to predict float columns of a CSV table.
//
// Targets are standardized like the inputs (statistics of the training part only), so that the network
// learns numbers near 0 whatever the targets' units, and MSELoss weighs several targets alike. The
// metrics undo it: predictions go back through the target Standardizer's inverse_transform and are
// compared with the targets as they were in the file.

#include "regression.hpp"

#include "errors.hpp"
#include "model.hpp"
#include "model_files.hpp"
#include "report.hpp"
#include "training.hpp"

#include <support/plot.hpp>
#include <support/progress.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace mlp {

namespace {

namespace fs = std::filesystem;
using xg::data::TensorDataset;

struct RegressionData {
  TensorDataset train, test;
  xg::data::Standardizer targets;  // fitted on the training targets; inverse_transform gives file units
  std::string description;
};

// "price" -> by name, "3" or "-1" -> by index.
xg::data::CsvColumn column_of(const std::string& text) {
  long index = 0;
  std::size_t used = 0;
  try {
    index = std::stol(text, &used);
  } catch (const std::exception&) {
    return text;
  }
  return used == text.size() ? xg::data::CsvColumn(index) : xg::data::CsvColumn(text);
}

RegressionData load_regression_data(const Args& args) {
  const std::string path = args.dataset.substr(4);  // csv:PATH (parse_args made sure)
  if (!fs::exists(path)) throw UserError("no such CSV file: " + path);
  std::vector<xg::data::CsvColumn> columns;
  for (const std::string& text : args.targets) columns.push_back(column_of(text));
  const TensorDataset all = xg::data::read_csv(path, xg::data::CsvOptions().targets(columns));

  // 80% to train on, 20% to test, as for classification tables.
  xg::Generator split_generator(args.seed + 1);
  auto [train, test] = xg::data::train_val_split(all, 0.2, split_generator);
  if (args.limit > 0 && args.limit < train.size()) {
    std::vector<std::size_t> first(args.limit);
    for (std::size_t i = 0; i < args.limit; ++i) first[i] = i;
    train = train.subset(first);
  }
  xg::data::Standardizer inputs;
  inputs.fit(train);
  inputs.transform_(train);
  inputs.transform_(test);
  xg::data::Standardizer targets;
  targets.fit(train.targets());
  targets.transform_(train.mutable_targets());
  targets.transform_(test.mutable_targets());
  return {std::move(train), std::move(test), std::move(targets), "CSV " + path};
}

std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : separator) + part;
  return text;
}

// The network's predictions [N, K] for a whole dataset, a thousand rows at a time, in evaluation mode and
// without recording a graph.
xg::Array predict(xg::nn::MLP& net, const TensorDataset& dataset) {
  xg::NoGradGuard no_grad;
  net->eval();
  xg::Array predictions = xg::Array::from_shape(xg::shape_of(dataset.targets()));
  xg::data::DataLoader loader(dataset, xg::data::DataLoaderOptions(1000));
  float* out = predictions.data();
  for (xg::data::Batch& batch : loader) {
    const xg::Array batch_predictions = net(batch.input).data();
    out = std::copy(batch_predictions.begin(), batch_predictions.end(), out);
  }
  net->train();
  return predictions;
}

// MSE of the standardized targets: the loss the network is trained on.
double standardized_mse(xg::nn::MLP& net, const TensorDataset& dataset) {
  return xg::nn::mean_squared_error(predict(net, dataset), dataset.targets());
}

void print_metrics(xg::nn::MLP& net, const RegressionData& data) {
  std::printf("\nregression metrics in the targets' units (R^2 averaged over %zu target%s):\n",
              data.train.targets().shape(1), data.train.targets().shape(1) == 1 ? "" : "s");
  std::printf("  %-6s %12s %12s %9s\n", "", "RMSE", "MAE", "R^2");
  for (const auto& [name, part] :
       {std::pair<const char*, const TensorDataset*>{"train", &data.train}, {"test", &data.test}}) {
    const xg::Array predicted = data.targets.inverse_transform(predict(net, *part));
    const xg::Array actual = data.targets.inverse_transform(part->targets());
    std::printf("  %-6s %12.4f %12.4f %9.4f\n", name, xg::nn::root_mean_squared_error(predicted, actual),
                xg::nn::mean_absolute_error(predicted, actual), xg::nn::r2_score(predicted, actual));
  }
}

struct EpochLosses {
  int epoch = 0;
  double train = 0.0, test = 0.0, lr = 0.0, seconds = 0.0;
};

void write_outputs(const Args& args, const std::string& title, xg::nn::MLP& net, const xg::optim::Optimizer& optimizer,
                   const std::vector<EpochLosses>& history) {
  const std::string model_path = (fs::path(args.out_dir) / "model.xgrad").string();
  save_model(net, optimizer, model_path);
  if (!args.save_path.empty()) save_model(net, optimizer, args.save_path);
  std::vector<double> train, test;
  for (const EpochLosses& e : history) train.push_back(e.train), test.push_back(e.test);
  const std::string plot_path = (fs::path(args.out_dir) / "curves.svg").string();
  support::save_svg(
      plot_path,
      {title, {support::LineChart("loss", "epoch", "MSE (standardized targets)", {{"train", train}, {"test", test}})}});
  print_written(args, model_path, (fs::path(args.out_dir) / "metrics.csv").string(), plot_path);
}

}  // namespace

int run_regression(const Args& args) {
  prepare_process(args);

  RegressionData data = load_regression_data(args);
  std::vector<std::size_t> sizes = {xg::numel_of(data.train.example_shape())};
  sizes.insert(sizes.end(), args.hidden.begin(), args.hidden.end());
  sizes.push_back(data.train.targets().shape(1));
  xg::nn::MLP net = make_mlp(args, sizes);
  const std::string shape = shape_list(sizes);
  std::printf("data: %s: %zu training and %zu test examples, target%s %s\n", data.description.c_str(),
              data.train.size(), data.test.size(), args.targets.size() == 1 ? "" : "s",
              joined(args.targets, ", ").c_str());
  std::printf("model: MLP %s (ReLU%s), MSELoss on standardized targets\n", shape.c_str(), layer_extras(args).c_str());
  if (!args.load_path.empty()) {
    load_model(net, args.load_path);
    std::printf("%s %s\n", args.epochs == 0 ? "evaluating" : "starting from", args.load_path.c_str());
  }
  if (args.epochs == 0) {  // evaluation only (parse_args made sure there is a model): nothing to write
    print_metrics(net, data);
    return 0;
  }

  std::unique_ptr<xg::optim::Optimizer> optimizer = make_optimizer(args, net->parameters());
  xg::data::DataLoader loader = make_loader(args, data.train);
  const auto steps_per_epoch = static_cast<std::int64_t>(loader.num_batches());
  // Per batch only: parse_args refuses --scheduler plateau here.
  std::unique_ptr<xg::optim::LRScheduler> scheduler =
      make_schedule(args, *optimizer, steps_per_epoch, steps_per_epoch * args.epochs).per_batch;
  make_out_dir(args);
  std::printf("training: %s, lr %g, weight decay %g, %s schedule, batch %zu, %d epochs\n\n", optimizer->name().c_str(),
              learning_rate(args), weight_decay(args), args.scheduler.c_str(), args.batch_size, args.epochs);

  std::ofstream metrics((fs::path(args.out_dir) / "metrics.csv").string());
  metrics << "epoch,train_loss,test_loss,lr,seconds\n";
  xg::nn::MSELoss loss_fn;
  std::vector<EpochLosses> history;
  for (int epoch = 1; epoch <= args.epochs; ++epoch) {
    char label[32];
    std::snprintf(label, sizeof label, "epoch %d/%d", epoch, args.epochs);
    support::ProgressBar progress(label, loader.num_batches(), !args.quiet && support::stdout_is_terminal());
    EpochLosses e;
    for (xg::data::Batch& batch : loader) {
      xg::Tensor loss = loss_fn(net(batch.input), batch.targets);  // forward, loss
      optimizer->zero_grad();
      loss.backward();
      e.lr = optimizer->param_groups()[0].options().get_lr();
      optimizer->step();
      if (scheduler) scheduler->step();
      progress.update(batch.size(), loss.item());
    }
    progress.finish();
    e = {epoch, progress.mean_loss(), standardized_mse(net, data.test), e.lr, progress.seconds()};
    history.push_back(e);
    std::printf("epoch %2d/%d  train loss %.4f | test loss %.4f | lr %.2e | %.1f s\n", epoch, args.epochs, e.train,
                e.test, e.lr, e.seconds);
    std::fflush(stdout);
    metrics << e.epoch << ',' << e.train << ',' << e.test << ',' << e.lr << ',' << e.seconds << '\n';
  }
  print_metrics(net, data);
  write_outputs(args, "MLP " + shape + " on " + data.description, net, *optimizer, history);
  return 0;
}

}  // namespace mlp
