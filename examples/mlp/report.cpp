#include "report.hpp"

#include "errors.hpp"
#include "model_files.hpp"

#include <support/plot.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace mlp {

namespace {

namespace fs = std::filesystem;

std::string metrics_header(bool with_val) {
  return std::string("epoch,train_loss,train_accuracy,") + (with_val ? "val_loss,val_accuracy," : "") +
         "test_loss,test_accuracy,lr,seconds\n";
}

std::string metrics_row(const EpochResult& r) {
  std::ostringstream row;
  row << r.epoch << ',' << r.train_loss << ',' << r.train_accuracy << ',';
  if (r.val) row << r.val->loss << ',' << r.val->accuracy << ',';
  row << r.test.loss << ',' << r.test.accuracy << ',' << r.lr << ',' << r.seconds << '\n';
  return row.str();
}

// Loss and accuracy per epoch, train and test, side by side.
void write_curves(const std::string& path, const std::string& title, const std::vector<EpochResult>& history) {
  std::vector<double> train_loss, val_loss, test_loss, train_accuracy, val_accuracy, test_accuracy;
  for (const EpochResult& r : history) {
    train_loss.push_back(r.train_loss);
    test_loss.push_back(r.test.loss);
    train_accuracy.push_back(r.train_accuracy);
    test_accuracy.push_back(r.test.accuracy);
    if (r.val) val_loss.push_back(r.val->loss), val_accuracy.push_back(r.val->accuracy);
  }
  std::vector<support::Series> losses = {{"train", train_loss}, {"test", test_loss}};
  std::vector<support::Series> accuracies = {{"train", train_accuracy}, {"test", test_accuracy}};
  if (!val_loss.empty() && val_loss.size() == history.size()) {
    losses.insert(losses.begin() + 1, {"validation", val_loss});
    accuracies.insert(accuracies.begin() + 1, {"validation", val_accuracy});
  }
  const support::LineChart loss("loss", "epoch", "cross-entropy", losses);
  const support::LineChart accuracy("accuracy", "epoch", "fraction correct", accuracies);
  support::save_svg(path, {title, {loss, accuracy}});
}

}  // namespace

Evaluation evaluate(xg::nn::MLP& net, const xg::data::TensorDataset& dataset, xg::nn::ConfusionMatrix* confusion) {
  xg::NoGradGuard no_grad;
  net->eval();
  xg::nn::CrossEntropyLoss loss_fn(xg::nn::CrossEntropyLossOptions().reduction(xg::nn::Reduction::Sum));
  xg::data::DataLoader loader(dataset, xg::data::DataLoaderOptions(1000));
  double loss_sum = 0.0, correct = 0.0;
  for (xg::data::Batch& batch : loader) {
    const xg::Tensor logits = net(batch.input);
    loss_sum += loss_fn(logits, batch.labels).item();
    correct += xg::nn::accuracy(logits, batch.labels) * static_cast<double>(batch.size());
    if (confusion) confusion->update(logits, batch.labels);
  }
  net->train();
  const double n = std::max<double>(1.0, static_cast<double>(dataset.size()));
  return {loss_sum / n, correct / n};
}

void print_final_evaluation(xg::nn::MLP& net, const Data& data, std::size_t classes) {
  xg::nn::ConfusionMatrix confusion(classes);
  const Evaluation final_test = evaluate(net, data.test, &confusion);
  std::printf("\nfinal test accuracy: %.4f (test loss %.4f)\n", final_test.accuracy, final_test.loss);
  if (data.val.size() > 0) {
    // %g as metrics.csv writes numbers: the best epoch's val_loss there is this number when early
    // stopping restored that epoch's weights.
    const Evaluation val = evaluate(net, data.val);
    std::printf("final validation loss %g (accuracy %g)\n", val.loss, val.accuracy);
  }
  std::printf("\n");
  std::printf("confusion matrix (rows: true class, columns: predicted):\n");
  if (data.class_names != numbered_names(data.class_names.size())) {  // a legend, unless the names are 0, 1, ...
    for (std::size_t i = 0; i < classes; ++i) {
      std::printf("  %2zu = %s\n", i, i < data.class_names.size() ? data.class_names[i].c_str() : "?");
    }
  }
  std::cout << confusion << "\n";
}

void print_epoch(const EpochResult& r, int epochs) {
  char val[64] = "";
  if (r.val) std::snprintf(val, sizeof val, " | val loss %.4f acc %.4f", r.val->loss, r.val->accuracy);
  std::printf("epoch %2d/%d  train loss %.4f acc %.4f%s | test loss %.4f acc %.4f | lr %.2e | %.1f s\n", r.epoch,
              epochs, r.train_loss, r.train_accuracy, val, r.test.loss, r.test.accuracy, r.lr, r.seconds);
  std::fflush(stdout);
}

MetricsLog::MetricsLog(const Args& args, bool write, const std::string& earlier_rows)
    : path_((fs::path(args.out_dir) / "metrics.csv").string()), rows_(earlier_rows), with_val_(args.val_split > 0) {
  if (write) file_.open(path_);
  file_ << metrics_header(with_val_) << rows_ << std::flush;
}

void MetricsLog::add(const EpochResult& result) {
  const std::string row = metrics_row(result);
  file_ << row << std::flush;
  rows_ += row;
}

std::vector<EpochResult> parse_metrics_rows(const std::string& rows) {
  std::vector<EpochResult> history;
  std::istringstream lines(rows);
  std::string line;
  while (std::getline(lines, line)) {
    EpochResult r;
    char comma = 0;
    std::istringstream fields(line);
    fields >> r.epoch >> comma >> r.train_loss >> comma >> r.train_accuracy >> comma;
    if (std::count(line.begin(), line.end(), ',') == 8) {  // with val_loss and val_accuracy
      r.val.emplace();
      fields >> r.val->loss >> comma >> r.val->accuracy >> comma;
    }
    fields >> r.test.loss >> comma >> r.test.accuracy >> comma >> r.lr >> comma >> r.seconds;
    if (!fields) throw UserError("--resume: the checkpoint's metrics row '" + line + "' is not one of this program's");
    history.push_back(r);
  }
  return history;
}

void make_out_dir(const Args& args) {
  std::error_code ignored;
  fs::create_directories(args.out_dir, ignored);
  if (!fs::is_directory(args.out_dir)) throw UserError("cannot create the output directory " + args.out_dir);
}

void write_outputs(const Args& args, const Setup& setup, const xg::optim::Optimizer& optimizer,
                   const std::vector<EpochResult>& history, const std::string& metrics_path) {
  const std::string model_path = (fs::path(args.out_dir) / "model.xgrad").string();
  save_model(setup.net, optimizer, model_path, if_fitted(setup.data.statistics));
  if (!args.save_path.empty()) save_model(setup.net, optimizer, args.save_path, if_fitted(setup.data.statistics));
  const std::string plot_path = (fs::path(args.out_dir) / "curves.svg").string();
  write_curves(plot_path, "MLP " + shape_list(setup.sizes) + " on " + setup.data.description, history);
  if (!args.export_onnx_path.empty()) export_onnx(setup.net, args.export_onnx_path, if_fitted(setup.data.statistics));
  print_written(args, model_path, metrics_path, plot_path);
}

void print_written(const Args& args, const std::string& model_path, const std::string& metrics_path,
                   const std::string& plot_path) {
  std::printf("wrote:\n  model            %s\n  optimizer state  %s.optim\n", model_path.c_str(), model_path.c_str());
  if (!args.save_path.empty()) std::printf("  model (--save)   %s\n", args.save_path.c_str());
  if (!args.export_onnx_path.empty()) std::printf("  ONNX model       %s\n", args.export_onnx_path.c_str());
  std::printf("  metrics          %s\n", metrics_path.c_str());
  std::printf("  plot             %s\n", plot_path.c_str());
}

}  // namespace mlp
