#pragma once
// The end-to-end comparison's two sides behind one face, so that the driver (compare_main.cpp) times
// xgrad and libtorch the same way. This header includes neither framework: compare_libtorch.cpp sees
// only torch and compare_xgrad.cpp only xgrad, and the data and weights cross as plain floats.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace xg::data {
class TensorDataset;
}

namespace bench {

// The model both sides train: MLP 784-256-128-10 with ReLU, AdamW (the MLP example's defaults).
struct Setup {
  std::vector<std::size_t> sizes = {784, 256, 128, 10};
  double lr = 2e-3;
  double weight_decay = 0.05;
  std::uint64_t seed = 0;  // initial weights and batch order
};

// Every Linear layer's weight [out, in] and bias [out], row-major, input layer first.
struct MlpWeights {
  std::vector<std::vector<float>> weights;
  std::vector<std::vector<float>> biases;
};

// The training set as plain memory: inputs [examples, features] row-major, labels 0..classes-1.
struct PlainData {
  const float* inputs = nullptr;
  const std::int64_t* labels = nullptr;
  std::size_t examples = 0;
  std::size_t features = 0;
};

struct EpochResult {
  double seconds = 0.0;
  double mean_loss = 0.0;  // over the examples visited
  std::size_t samples = 0;
};

class Trainer {
 public:
  virtual ~Trainer() = default;
  virtual std::string name() const = 0;
  // One epoch over a fresh shuffle, `batch_size` examples at a time (the last batch may be smaller),
  // stopping after `max_batches` batches: load the batch, forward, cross-entropy loss, zero_grad,
  // backward, AdamW step, loss.item(). Timed from the shuffle to the last step.
  virtual EpochResult train_epoch(std::size_t batch_size, std::size_t max_batches) = 0;
};

// Each epoch's visiting order, drawn from the same generator stream as xgrad's DataLoader draws its
// own: the k-th call gives the order of xgrad's k-th epoch, so both sides see the same batches.
using OrderSource = std::function<std::vector<std::int64_t>(std::size_t examples)>;

// xgrad's side (compare_xgrad.cpp): the MLP example's loop, with xgrad's DataLoader shuffling with a
// generator seeded with setup.seed. `dataset` must outlive the trainer.
std::unique_ptr<Trainer> make_xgrad_trainer(const xg::data::TensorDataset& dataset, const Setup& setup);
// The weights make_xgrad_trainer starts from, for the other side to copy.
MlpWeights xgrad_initial_weights(const Setup& setup);
// The orders xgrad's DataLoader draws, epoch after epoch, for a loader shuffling with setup.seed.
OrderSource xgrad_shuffle_orders(const Setup& setup);
void set_xgrad_threads(int threads);

#ifdef XGRAD_BENCH_HAVE_LIBTORCH
// The same model and loop written against libtorch's C++ API, starting from `initial` (so that both
// sides start from the same weights) and shuffling with `next_order`. `data` must outlive the trainer.
std::unique_ptr<Trainer> make_libtorch_trainer(const PlainData& data, const Setup& setup, const MlpWeights& initial,
                                               OrderSource next_order);
// torch::set_num_threads (intra-op OpenMP threads).
void set_libtorch_threads(int threads);
std::string libtorch_version();
#endif

}  // namespace bench
