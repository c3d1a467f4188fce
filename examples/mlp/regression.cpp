// --task regression: an MLP learns to predict float columns of a CSV table.
//
// Targets are standardized like the inputs (statistics of the training part only), so that the network
// learns numbers near 0 whatever the targets' units, and MSELoss weighs several targets alike. The
// metrics undo it: predictions go back through the target Standardizer's inverse_transform and are
// compared with the targets as they were in the file.

#include "regression.hpp"

#include "checkpointing.hpp"
#include "defaults.hpp"
#include "early_stopping.hpp"
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
#include <optional>
#include <sstream>
#include <tuple>

namespace mlp {

namespace {

namespace fs = std::filesystem;
using xg::data::TensorDataset;

struct RegressionData {
  TensorDataset train, val, test;  // val: empty without --val-split
  // Fitted on the training part (or a --load file's); statistics.targets.inverse_transform gives file units.
  Statistics statistics;
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

// `stored`: the statistics of a --load file, used instead of fitting them again.
RegressionData load_regression_data(Args& args, const std::optional<Statistics>& stored, std::string& decided,
                                    const Parallel& parallel) {
  const std::string path = args.dataset.substr(4);  // csv:PATH (parse_args made sure)
  if (!fs::exists(path)) throw UserError("no such CSV file: " + path);
  std::vector<xg::data::CsvColumn> columns;
  for (const std::string& text : args.targets) columns.push_back(column_of(text));
  const TensorDataset all = xg::data::read_csv(path, xg::data::CsvOptions().targets(columns));

  // 80% to train on, 20% to test, as for classification tables; then --val-split of the training part.
  xg::Generator split_generator(args.seed + 1);
  auto [train, test] = xg::data::train_val_split(all, 0.2, split_generator);
  if (args.limit > 0 && args.limit < train.size()) {
    std::vector<std::size_t> first(args.limit);
    for (std::size_t i = 0; i < args.limit; ++i) first[i] = i;
    train = train.subset(first);
  }
  decided = fit_to_data(args, train.size());
  TensorDataset val;
  if (args.val_split > 0) {
    xg::Generator val_generator(args.seed + 2);
    std::tie(train, val) = xg::data::train_val_split(train, args.val_split, val_generator);
  }
  // Statistics of the examples trained on only (or the loaded model's); under mpirun each rank's part
  // of them, merged: the same statistics on every rank (Parallel::moments_of).
  Statistics statistics;
  if (stored) {
    statistics = *stored;
  } else {
    statistics.inputs.fit(parallel.moments_of(train.inputs()));
    statistics.targets.fit(parallel.moments_of(train.targets()));
  }
  for (TensorDataset* part : {&train, &val, &test}) {
    if (part->size() == 0) continue;
    statistics.inputs.transform_(*part);
    statistics.targets.transform_(part->mutable_targets());
  }
  return {std::move(train), std::move(val), std::move(test), std::move(statistics), "CSV " + path};
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

// A part's loss (the MSE of the standardized targets, what the network is trained on) and its metrics
// in the targets' own units (R^2 averaged over the targets).
struct Scores {
  double loss = 0.0, rmse = 0.0, mae = 0.0, r2 = 0.0;
};

Scores score(xg::nn::MLP& net, const RegressionData& data, const TensorDataset& part) {
  const xg::Array standardized = predict(net, part);
  const xg::Array predicted = data.statistics.targets.inverse_transform(standardized);
  const xg::Array actual = data.statistics.targets.inverse_transform(part.targets());
  return {xg::nn::mean_squared_error(standardized, part.targets()), xg::nn::root_mean_squared_error(predicted, actual),
          xg::nn::mean_absolute_error(predicted, actual), xg::nn::r2_score(predicted, actual)};
}

void print_metrics(xg::nn::MLP& net, const RegressionData& data) {
  std::printf("\nregression metrics in the targets' units (R^2 averaged over %zu target%s):\n",
              data.train.targets().shape(1), data.train.targets().shape(1) == 1 ? "" : "s");
  std::printf("  %-10s %12s %12s %9s\n", "", "RMSE", "MAE", "R^2");
  for (const auto& [name, part] : {std::pair<const char*, const TensorDataset*>{"train", &data.train},
                                   {"validation", &data.val},
                                   {"test", &data.test}}) {
    if (part->size() == 0) continue;
    const Scores s = score(net, data, *part);
    std::printf("  %-10s %12.4f %12.4f %9.4f\n", name, s.rmse, s.mae, s.r2);
  }
}

struct EpochScores {
  int epoch = 0;
  double train = 0.0;
  std::optional<Scores> val;
  Scores test;
  double lr = 0.0, seconds = 0.0;
};

std::string metrics_header(bool with_val) {
  return std::string("epoch,train_loss,") + (with_val ? "val_loss,val_rmse,val_mae,val_r2," : "") +
         "test_loss,test_rmse,test_mae,test_r2,lr,seconds\n";
}

std::string metrics_row(const EpochScores& e) {
  std::ostringstream row;
  row << e.epoch << ',' << e.train << ',';
  for (const Scores* s : {e.val ? &*e.val : nullptr, &e.test}) {
    if (s) row << s->loss << ',' << s->rmse << ',' << s->mae << ',' << s->r2 << ',';
  }
  row << e.lr << ',' << e.seconds << '\n';
  return row.str();
}

// metrics.csv rows back into scores (a checkpoint keeps them, for the resumed run's plot).
std::vector<EpochScores> parse_regression_rows(const std::string& rows) {
  std::vector<EpochScores> history;
  std::istringstream lines(rows);
  for (std::string line; std::getline(lines, line);) {
    EpochScores e;
    char comma = 0;
    std::istringstream fields(line);
    fields >> e.epoch >> comma >> e.train >> comma;
    if (std::count(line.begin(), line.end(), ',') == 13) e.val.emplace();  // with the 4 validation columns
    for (Scores* s : {e.val ? &*e.val : nullptr, &e.test}) {
      if (s) fields >> s->loss >> comma >> s->rmse >> comma >> s->mae >> comma >> s->r2 >> comma;
    }
    fields >> e.lr >> comma >> e.seconds;
    if (!fields) throw UserError("--resume: the checkpoint's metrics row '" + line + "' is not one of this program's");
    history.push_back(e);
  }
  return history;
}

void print_epoch(const EpochScores& e, int epochs) {
  char val[64] = "";
  if (e.val) std::snprintf(val, sizeof val, " | val loss %.4f R^2 %.4f", e.val->loss, e.val->r2);
  std::printf("epoch %2d/%d  train loss %.4f%s | test loss %.4f R^2 %.4f | lr %.2e | %.1f s\n", e.epoch, epochs,
              e.train, val, e.test.loss, e.test.r2, e.lr, e.seconds);
  std::fflush(stdout);
}

// Predicted against true values of the test part (its first target), with the line y = x a perfect
// model's points would lie on.
support::LineChart scatter(xg::nn::MLP& net, const RegressionData& data, const std::string& target) {
  const xg::Array predicted = data.statistics.targets.inverse_transform(predict(net, data.test));
  const xg::Array actual = data.statistics.targets.inverse_transform(data.test.targets());
  support::Series points("test examples", {}, {});
  for (std::size_t i = 0; i < actual.shape(0); ++i) {
    points.x.push_back(actual(i, 0));
    points.y.push_back(predicted(i, 0));
  }
  points.dots_only = true;
  const auto [low, high] = std::minmax_element(points.x.begin(), points.x.end());
  return support::LineChart("test: predicted against true", "true " + target, "predicted " + target,
                            {points, {"y = x", {*low, *high}, {*low, *high}}});
}

void write_outputs(const Args& args, const std::string& title, xg::nn::MLP& net, const RegressionData& data,
                   const xg::optim::Optimizer& optimizer, const std::vector<EpochScores>& history) {
  const std::string model_path = (fs::path(args.out_dir) / "model.xgrad").string();
  save_model(net, optimizer, model_path, &data.statistics);
  if (!args.save_path.empty()) save_model(net, optimizer, args.save_path, &data.statistics);
  if (!args.export_onnx_path.empty()) export_onnx(net, args.export_onnx_path, &data.statistics);
  std::vector<double> train, val, test;
  for (const EpochScores& e : history) {
    train.push_back(e.train), test.push_back(e.test.loss);
    if (e.val) val.push_back(e.val->loss);
  }
  std::vector<support::Series> losses = {{"train", train}, {"test", test}};
  if (!val.empty()) losses.insert(losses.begin() + 1, {"validation", val});
  const std::string plot_path = (fs::path(args.out_dir) / "curves.svg").string();
  support::save_svg(plot_path, {title, {support::LineChart("loss", "epoch", "MSE (standardized targets)", losses)}});
  const std::string scatter_path = (fs::path(args.out_dir) / "predictions.svg").string();
  support::save_svg(scatter_path, {title, {scatter(net, data, args.targets.front())}});
  print_written(args, model_path, (fs::path(args.out_dir) / "metrics.csv").string(), plot_path);
  std::printf("  predictions      %s\n", scatter_path.c_str());
}

}  // namespace

int run_regression(Args& args, const Parallel& parallel) {
  prepare_process(args);

  const std::optional<Statistics> stored = load_statistics(args.load_path);
  std::string decided;
  RegressionData data = load_regression_data(args, stored, decided, parallel);
  std::vector<std::size_t> sizes = {xg::numel_of(data.train.example_shape())};
  sizes.insert(sizes.end(), args.hidden.begin(), args.hidden.end());
  sizes.push_back(data.train.targets().shape(1));
  xg::nn::MLP net = make_mlp(args, sizes);
  const std::string shape = shape_list(sizes);
  const std::string val = data.val.size() > 0 ? ", " + std::to_string(data.val.size()) + " validation" : "";
  std::printf("data: %s: %zu training%s and %zu test examples, target%s %s\n", data.description.c_str(),
              data.train.size(), val.c_str(), data.test.size(), args.targets.size() == 1 ? "" : "s",
              joined(args.targets, ", ").c_str());
  std::printf("model: MLP %s (ReLU%s), MSELoss on standardized targets\n", shape.c_str(), layer_extras(args).c_str());
  if (!args.load_path.empty()) {
    load_model(net, args.load_path);
    std::printf("%s %s%s\n", args.epochs == 0 ? "evaluating" : "starting from", args.load_path.c_str(),
                stored ? " (with its standardization statistics)" : "");
  }
  if (args.epochs == 0) {  // evaluation only (parse_args made sure there is a model)
    print_metrics(net, data);
    if (parallel.is_main() && !args.export_onnx_path.empty()) export_onnx(net, args.export_onnx_path, &data.statistics);
    return 0;
  }

  std::unique_ptr<xg::optim::Optimizer> optimizer = make_optimizer(args, net->parameters());
  xg::data::DataLoader loader = make_loader(args, data.train);
  const auto steps_per_epoch = static_cast<std::int64_t>(loader.num_batches());
  // Per batch only: parse_args refuses --scheduler plateau here.
  std::unique_ptr<xg::optim::LRScheduler> scheduler =
      make_schedule(args, *optimizer, steps_per_epoch, steps_per_epoch * args.epochs).per_batch;
  // Under mpirun: the gradient exchange, and SyncBatchNorm for the global batch's statistics.
  parallel.start(*net, *optimizer, data.train.size(), args.batch_size, args.seed);
  if (parallel.is_main()) make_out_dir(args);  // only rank 0 writes files
  std::printf("training: %s, lr %g, weight decay %g, %s schedule, batch %zu, %d epochs%s\n", optimizer->name().c_str(),
              learning_rate(args), weight_decay(args), args.scheduler.c_str(), args.batch_size, args.epochs,
              early_stop_text(args).c_str());
  if (!decided.empty()) std::printf("defaults: %s\n", decided.c_str());
  std::printf("\n");

  // What --checkpoint-every saves and --resume restores: the weights, the optimizer, the schedule, the
  // generators, the early stopping state and the metrics rows (checkpointing.hpp).
  xg::Checkpoint checkpoint = make_checkpoint(net, *optimizer, scheduler.get(), loader);
  std::optional<EarlyStopping> early_stopping;
  if (args.early_stop > 0) early_stopping.emplace(args.early_stop, args.min_delta);
  std::string rows;  // metrics.csv's, without its header
  std::vector<EpochScores> history;
  if (!args.resume_path.empty()) {
    rows = resume_metrics_rows(args, checkpoint);  // every rank reads the checkpoint rank 0 wrote
    history = parse_regression_rows(rows);
    parallel.restore_dropout_generators(checkpoint.notes, args.seed, checkpoint.epoch);  // ranks > 0
    if (early_stopping) resume_early_stopping(args, checkpoint, *early_stopping);
  }
  std::ofstream metrics;  // only rank 0 writes files
  if (parallel.is_main()) metrics.open((fs::path(args.out_dir) / "metrics.csv").string());
  metrics << metrics_header(data.val.size() > 0) << rows << std::flush;
  xg::nn::MSELoss loss_fn;
  bool stop = early_stopping && early_stopping->should_stop();  // a resumed run that had stopped
  for (int epoch = static_cast<int>(checkpoint.epoch) + 1; epoch <= args.epochs && !stop; ++epoch) {
    char label[32];
    std::snprintf(label, sizeof label, "epoch %d/%d", epoch, args.epochs);
    support::ProgressBar progress(label, loader.num_batches(), !args.quiet && support::stdout_is_terminal());
    EpochScores e;
    double seen = 0.0;
    for (xg::data::Batch& global : loader) {
      const xg::data::Batch batch = parallel.shard(global);        // this rank's part (one process: all)
      xg::Tensor loss = loss_fn(net(batch.input), batch.targets);  // forward, loss
      optimizer->zero_grad();
      parallel.begin_gradient_exchange(batch.size(), global.size());
      loss.backward();
      parallel.average_gradients();  // under mpirun: the global batch's, on every rank
      seen += static_cast<double>(batch.size());
      e.lr = optimizer->param_groups()[0].options().get_lr();
      optimizer->step();                 // under mpirun on one machine: this rank's share of the weights
      parallel.share_updated_weights();  // then every rank's share to every rank
      if (scheduler) scheduler->step();
      progress.update(batch.size(), loss.item());
    }
    progress.finish();
    e.epoch = epoch;
    e.train = parallel.sum(progress.mean_loss() * seen) / std::max(1.0, parallel.sum(seen));  // every rank's
    if (data.val.size() > 0) e.val = score(net, data, data.val);
    e.test = score(net, data, data.test);
    e.seconds = progress.seconds();
    history.push_back(e);
    print_epoch(e, args.epochs);
    rows += metrics_row(e);
    metrics << metrics_row(e) << std::flush;
    checkpoint.epoch = epoch;
    checkpoint.step += steps_per_epoch;
    if (early_stopping) {
      // Rank 0 decides, so that no rank leaves the loop alone.
      stop = parallel.decided_by_main(early_stopping->update(epoch, e.val->loss, *net));
      early_stopping->write_notes(checkpoint.notes);
    }
    if (checkpoint_due(args, epoch) || (stop && args.checkpoint_every > 0)) {
      parallel.note_dropout_generators(checkpoint.notes);  // every rank's masks go on after a resume
      parallel.consolidate_optimizer_state();              // the whole state, as one process saves it
      if (parallel.is_main()) save_checkpoint(args, checkpoint, rows);
    }
  }
  if (early_stopping) {
    early_stopping->restore_best(*net);
    std::printf("%s: best validation loss %.4f at epoch %d; its weights restored\n",
                stop ? "early stop" : "no early stop", early_stopping->best_loss(), early_stopping->best_epoch());
  }
  print_metrics(net, data);
  parallel.consolidate_optimizer_state();  // every rank (under mpirun); then rank 0 saves it
  if (parallel.is_main())
    write_outputs(args, "MLP " + shape + " on " + data.description, net, data, *optimizer, history);
  return 0;
}

}  // namespace mlp
