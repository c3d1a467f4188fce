#pragma once
// The progress display of one epoch, shared by the MLP example and the exercises. On a terminal: one
// line redrawn in place with a bar, the batch count, the running loss, the speed and the time left.
// Elsewhere (a log file, CI): nothing until the epoch ends, so logs stay readable.

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace support {

class ProgressBar {
 public:
  ProgressBar(std::string label, std::size_t total_batches, bool interactive);
  // Call after each batch with its size and its loss.
  void update(std::size_t batch_size, double batch_loss);
  // Clears the bar (on a terminal), so the epoch summary line can take its place.
  void finish();
  double seconds() const;
  double mean_loss() const { return samples_ == 0 ? 0.0 : loss_sum_ / static_cast<double>(samples_); }

 private:
  void draw();

  std::string label_;
  std::size_t total_batches_;
  bool interactive_;
  std::size_t batches_ = 0;
  std::size_t samples_ = 0;
  double loss_sum_ = 0.0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// Whether standard output is a terminal that can redraw a line.
bool stdout_is_terminal();

}  // namespace support
