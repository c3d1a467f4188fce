#include "progress.hpp"

#include <unistd.h>

#include <algorithm>

namespace support {

bool stdout_is_terminal() { return isatty(fileno(stdout)) != 0; }

ProgressBar::ProgressBar(std::string label, std::size_t total_batches, bool interactive)
    : label_(std::move(label)),
      total_batches_(std::max<std::size_t>(total_batches, 1)),
      interactive_(interactive),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

double ProgressBar::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::update(std::size_t batch_size, double batch_loss) {
  ++batches_;
  samples_ += batch_size;
  loss_sum_ += batch_loss * static_cast<double>(batch_size);
  if (!interactive_) return;
  // Redrawing costs a write per call; 10 times a second is smooth enough.
  const auto now = std::chrono::steady_clock::now();
  if (batches_ == total_batches_ || now - last_draw_ > std::chrono::milliseconds(100)) {
    last_draw_ = now;
    draw();
  }
}

void ProgressBar::draw() {
  constexpr int kWidth = 30;
  const double fraction = static_cast<double>(batches_) / static_cast<double>(total_batches_);
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  const double elapsed = seconds();
  const double speed = elapsed > 0 ? static_cast<double>(samples_) / elapsed : 0.0;
  const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  std::printf("\r%s [%s] %zu/%zu  loss %.4f  %.0f samples/s  ETA %.1fs   ", label_.c_str(), bar.c_str(), batches_,
              total_batches_, mean_loss(), speed, eta);
  std::fflush(stdout);
}

void ProgressBar::finish() {
  if (!interactive_) return;
  std::printf("\r%*s\r", 100, "");
  std::fflush(stdout);
}

}  // namespace support
