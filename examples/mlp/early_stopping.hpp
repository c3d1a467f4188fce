#pragma once
// --early-stop N [--min-delta D]: stop training once the validation loss has not improved for N
// epochs, and go back to the weights of the best epoch. This is Keras's
// EarlyStopping(monitor="val_loss", patience=N, min_delta=D, restore_best_weights=True): an epoch
// improves when its loss is below best - D (the first epoch always does). As scikit-learn's
// early_stopping does, the best weights are also restored when the run reaches its last epoch
// without having stopped, so that the saved model is always the best one seen.
//
// Its whole state (best loss and epoch, the epochs waited, the best weights) goes into the run's
// checkpoint, so a resumed run stops at the same epoch with the same weights as one never stopped.

#include <xgrad/nn/module.hpp>

#include <map>
#include <string>

namespace mlp {

class EarlyStopping {
 public:
  EarlyStopping(int patience, double min_delta) : patience_(patience), min_delta_(min_delta) {}

  // After each epoch: records the epoch's validation loss (and the model's weights when it is the best
  // so far); returns whether training should stop now.
  bool update(int epoch, double val_loss, const xg::nn::Module& model);
  // Puts the best epoch's weights back into `model` (nothing when no epoch was recorded).
  void restore_best(xg::nn::Module& model) const;

  bool should_stop() const { return best_epoch_ > 0 && wait_ >= patience_; }
  int best_epoch() const { return best_epoch_; }
  double best_loss() const { return best_loss_; }
  int epochs_without_improvement() const { return wait_; }

  // The state, as checkpoint notes ("early-stop ..." keys), and back. read_notes throws
  // std::runtime_error naming the key when a note is missing or unreadable.
  void write_notes(std::map<std::string, std::string>& notes) const;
  void read_notes(const std::map<std::string, std::string>& notes);

 private:
  int patience_;
  double min_delta_;
  int best_epoch_ = 0;  // 0: none yet
  double best_loss_ = 0.0;
  int wait_ = 0;
  std::string best_weights_;  // a model file's bytes (nn/serialize.hpp)
};

}  // namespace mlp
