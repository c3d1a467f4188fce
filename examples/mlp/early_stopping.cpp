#include "early_stopping.hpp"

#include <xgrad/nn/serialize.hpp>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace mlp {

bool EarlyStopping::update(int epoch, double val_loss, const xg::nn::Module& model) {
  if (best_epoch_ == 0 || val_loss < best_loss_ - min_delta_) {
    best_epoch_ = epoch;
    best_loss_ = val_loss;
    wait_ = 0;
    std::ostringstream weights;
    xg::save(model, weights);
    best_weights_ = weights.str();
  } else {
    ++wait_;
  }
  return wait_ >= patience_;
}

void EarlyStopping::restore_best(xg::nn::Module& model) const {
  if (best_weights_.empty()) return;
  std::istringstream weights(best_weights_);
  xg::load(model, weights);
}

namespace {

constexpr const char* kBestEpoch = "early-stop best epoch";
constexpr const char* kBestLoss = "early-stop best loss";  // as a hexadecimal float: exact
constexpr const char* kWait = "early-stop epochs without improvement";
constexpr const char* kBestWeights = "early-stop best weights";

const std::string& note(const std::map<std::string, std::string>& notes, const char* key) {
  const auto found = notes.find(key);
  if (found == notes.end()) throw std::runtime_error(std::string("the checkpoint has no note '") + key + "'");
  return found->second;
}

int whole_number(const std::map<std::string, std::string>& notes, const char* key) {
  const std::string& text = note(notes, key);
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 0 || value > 100000000) {
    throw std::runtime_error(std::string("the checkpoint's note '") + key + "' is not a count: '" + text + "'");
  }
  return static_cast<int>(value);
}

}  // namespace

void EarlyStopping::write_notes(std::map<std::string, std::string>& notes) const {
  char loss[64];
  std::snprintf(loss, sizeof loss, "%a", best_loss_);
  notes[kBestEpoch] = std::to_string(best_epoch_);
  notes[kBestLoss] = loss;
  notes[kWait] = std::to_string(wait_);
  notes[kBestWeights] = best_weights_;
}

void EarlyStopping::read_notes(const std::map<std::string, std::string>& notes) {
  const int best_epoch = whole_number(notes, kBestEpoch);
  const int wait = whole_number(notes, kWait);
  const std::string& loss_text = note(notes, kBestLoss);
  char* end = nullptr;
  const double best_loss = std::strtod(loss_text.c_str(), &end);
  if (loss_text.empty() || *end != '\0') {
    throw std::runtime_error(std::string("the checkpoint's note '") + kBestLoss + "' is not a number: '" + loss_text +
                             "'");
  }
  best_epoch_ = best_epoch;
  wait_ = wait;
  best_loss_ = best_loss;
  best_weights_ = note(notes, kBestWeights);
}

}  // namespace mlp
