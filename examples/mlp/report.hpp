#pragma once
// What a classification run shows and writes: the evaluation (loss, accuracy, confusion matrix), a line
// per epoch on the screen and in metrics.csv, and at the end the model, the optimizer state and the
// plot of the curves in --out.

#include "args.hpp"
#include "model.hpp"

#include <xgrad/xgrad.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace mlp {

struct Evaluation {
  double loss = 0.0;
  double accuracy = 0.0;
};

// Loss and accuracy over a whole dataset, in evaluation mode and without recording a graph.
Evaluation evaluate(xg::nn::MLP& net, const xg::data::TensorDataset& dataset,
                    xg::nn::ConfusionMatrix* confusion = nullptr);

// The final test accuracy and the confusion matrix (and the validation loss, with a validation split).
void print_final_evaluation(xg::nn::MLP& net, const Data& data, std::size_t classes);

// One epoch's line on the screen and in metrics.csv.
struct EpochResult {
  int epoch = 0;
  double train_loss = 0.0, train_accuracy = 0.0;
  std::optional<Evaluation> val;  // with a validation split
  Evaluation test;
  double lr = 0.0;  // the learning rate of the epoch's last step
  double seconds = 0.0;
};

void print_epoch(const EpochResult& r, int epochs);

// --out/metrics.csv, a row per epoch written as soon as the epoch ends, so that a run stopped early
// keeps what it did. Only rank 0 writes it: on the others the file stays closed and writing does nothing.
class MetricsLog {
 public:
  // Writes the header and `earlier_rows` (a resumed run's, from its checkpoint).
  // With a validation split (args.val_split > 0) the rows have val_loss and val_accuracy too.
  MetricsLog(const Args& args, bool write, const std::string& earlier_rows);
  void add(const EpochResult& result);
  const std::string& path() const { return path_; }
  const std::string& rows() const { return rows_; }  // without the header, as a checkpoint keeps them

 private:
  std::string path_;
  std::ofstream file_;
  std::string rows_;
  bool with_val_;
};

// Rows of metrics.csv back into results (a checkpoint keeps them, for the resumed run's CSV and plot).
std::vector<EpochResult> parse_metrics_rows(const std::string& rows);

// Creates --out (throws UserError when it cannot).
void make_out_dir(const Args& args);

// The model and optimizer state (in --out, and at --save), the plot, and the list of what was written.
void write_outputs(const Args& args, const Setup& setup, const xg::optim::Optimizer& optimizer,
                   const std::vector<EpochResult>& history, const std::string& metrics_path);

// The "wrote:" list both tasks print at the end.
void print_written(const Args& args, const std::string& model_path, const std::string& metrics_path,
                   const std::string& plot_path);

}  // namespace mlp
