// Writing a checkpoint of the MLP example at its defaults: 784-256-128-10 with BatchNorm1d, AdamW with its two moments,
// the warmup + cosine schedule and the two generators. "encode" builds the file's bytes in memory;
// "save" also writes them to a temporary file, fsyncs it and renames it over the last one (what
// --checkpoint-every does after an epoch). The bytes of work are the file's size, so the summary's
// GB/s say how fast the file goes out. The file size is printed as the "file_bytes" counter.

#include "micro.hpp"

#include <xgrad/xgrad.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace bench {

namespace {

// The example's default run, one step in (so the optimizer has its state), ready to checkpoint.
struct DefaultRun {
  xg::Generator init{0};
  xg::nn::MLP net{{784, 256, 128, 10}, xg::nn::Activation::ReLU, 0.0, xg::nn::Norm::Batch, init};
  xg::optim::AdamW optimizer{net->parameters(), xg::optim::AdamWOptions(2e-3).weight_decay(0.05)};
  xg::optim::WarmupCosineLR scheduler{optimizer, 469, 8 * 469};
  xg::Generator shuffle{0};
  xg::Checkpoint checkpoint{net, optimizer};

  DefaultRun() {
    for (xg::Tensor& p : net->parameters()) p.set_grad(xg::uniform(p.shape(), -1.0f, 1.0f, init).data());
    optimizer.step();
    scheduler.step();
    checkpoint.scheduler(scheduler).generator("dropout", xg::default_generator()).generator("shuffle", shuffle);
    checkpoint.epoch = 1;
    checkpoint.step = 469;
  }
};

double file_bytes() {
  static const double bytes = static_cast<double>(DefaultRun().checkpoint.encode().size());
  return bytes;
}

}  // namespace

void register_checkpoint() {
  add("xgrad/checkpoint_encode/mlp_default/t1", {0, file_bytes()}, [](benchmark::State& state) {
    auto run = std::make_unique<DefaultRun>();
    for (auto _ : state) benchmark::DoNotOptimize(run->checkpoint.encode());
    state.counters["file_bytes"] = file_bytes();
  });
  add("xgrad/checkpoint_save/mlp_default/t1", {0, file_bytes()}, [](benchmark::State& state) {
    auto run = std::make_unique<DefaultRun>();
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "xgrad_bench_checkpoint";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "checkpoint.xgrad").string();
    for (auto _ : state) run->checkpoint.save(path);
    state.counters["file_bytes"] = file_bytes();
    std::filesystem::remove_all(dir);
  });
}

}  // namespace bench
