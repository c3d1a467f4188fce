// xgrad_memory: what training costs in memory.
//  1. Allocations (operator new calls, counted by the replacement below) in one steady-state training
//     step of the MLP 784-256-128-10 with AdamW (batch 128 unless --batch-size), phase by phase, with the
//     page faults each phase caused (fresh pages from the kernel: memory malloc had given back).
//  2. Live allocations, heap in use and RSS after each epoch: none of them may grow.
//  3. Peak RSS of this process, and with --example PATH [ARGS...] of that program (the MLP example),
//     measured by the kernel (wait4's rusage), like /usr/bin/time -v.
//
//   xgrad_memory [--epochs N] [--batch-size B] [--example build/examples/mlp/mlp --quiet --out /tmp/mlp]

#include "training_data.hpp"

#include <xgrad/xgrad.hpp>

#include <malloc.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <vector>

// ---- Counting every operator new of the program (xtensor's arrays, shared_ptrs, std::function...) --
namespace {
std::atomic<std::size_t> allocation_count{0};
std::atomic<std::size_t> allocated_bytes{0};
std::atomic<std::size_t> free_count{0};

void* counted_malloc(std::size_t size) {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  free_count.fetch_add(1, std::memory_order_relaxed);
  std::free(p);
}
}  // namespace

void* operator new(std::size_t size) { return counted_malloc(size); }
void* operator new[](std::size_t size) { return counted_malloc(size); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

namespace {

long minor_page_faults() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

struct Counts {
  std::size_t allocations, bytes, frees;
  long page_faults;  // minor faults: fresh pages the kernel had to hand out (and zero)
  static Counts now() {
    return {allocation_count.load(), allocated_bytes.load(), free_count.load(), minor_page_faults()};
  }
};

double rss_mb() {
  long pages = 0, resident = 0;
  std::ifstream("/proc/self/statm") >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}

double heap_in_use_mb() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd) / 1e6;  // small blocks in use + mmapped blocks
}

double peak_rss_mb(const struct rusage& usage) { return static_cast<double>(usage.ru_maxrss) / 1e3; }  // KiB

volatile float loss_sink = 0.0f;  // keeps loss.item() from being optimized away

struct Model {
  xg::Generator generator{0};
  xg::nn::MLP net{{784, 256, 128, 10}, xg::nn::Activation::ReLU, 0.0, generator};
  xg::optim::AdamW optimizer{net->parameters(), xg::optim::AdamWOptions(2e-3).weight_decay(0.05)};
  xg::nn::CrossEntropyLoss loss_fn;
};

// Allocations phase by phase, averaged over `steps` steps after `warmup` steps.
void count_step_allocations(const xg::data::TensorDataset& dataset, Model& model, std::size_t batch_size) {
  constexpr std::size_t kWarmup = 20, kSteps = 100;
  const char* phases[] = {"load the batch (DataLoader)",
                          "forward (3 Linear, 2 ReLU)",
                          "loss (CrossEntropyLoss)",
                          "zero_grad",
                          "backward",
                          "optimizer step (AdamW)",
                          "loss.item() and freeing the step"};
  constexpr std::size_t kPhases = std::size(phases);
  std::size_t calls[kPhases] = {}, bytes[kPhases] = {};
  long faults[kPhases] = {};
  xg::data::DataLoader loader(dataset, xg::data::DataLoaderOptions(batch_size).shuffle(true).seed(0));
  auto batch = loader.begin();
  for (std::size_t step = 0; step < kWarmup + kSteps; ++step) {
    Counts marks[kPhases + 1];
    marks[0] = Counts::now();
    if (++batch == loader.end()) batch = loader.begin();  // a new epoch: shuffles, then loads
    marks[1] = Counts::now();
    {
      xg::Tensor logits = model.net(batch->input);
      marks[2] = Counts::now();
      xg::Tensor loss = model.loss_fn(logits, batch->labels);
      marks[3] = Counts::now();
      model.optimizer.zero_grad();
      marks[4] = Counts::now();
      loss.backward();
      marks[5] = Counts::now();
      model.optimizer.step();
      marks[6] = Counts::now();
      loss_sink = loss.item();
    }
    marks[7] = Counts::now();
    if (step < kWarmup) continue;
    for (std::size_t p = 0; p < kPhases; ++p) {
      calls[p] += marks[p + 1].allocations - marks[p].allocations;
      bytes[p] += marks[p + 1].bytes - marks[p].bytes;
      faults[p] += marks[p + 1].page_faults - marks[p].page_faults;
    }
  }
  std::printf("## Allocations in one training step (batch %zu, AdamW; mean of %zu steps)\n\n", batch_size, kSteps);
  std::printf("| phase | allocations | KB allocated | page faults |\n| --- | ---: | ---: | ---: |\n");
  std::size_t total_calls = 0, total_bytes = 0;
  long total_faults = 0;
  for (std::size_t p = 0; p < kPhases; ++p) {
    std::printf("| %s | %.1f | %.1f | %.1f |\n", phases[p], static_cast<double>(calls[p]) / kSteps,
                static_cast<double>(bytes[p]) / kSteps / 1e3, static_cast<double>(faults[p]) / kSteps);
    total_calls += calls[p];
    total_bytes += bytes[p];
    total_faults += faults[p];
  }
  std::printf("| **whole step** | **%.1f** | **%.1f** | **%.1f** |\n\n", static_cast<double>(total_calls) / kSteps,
              static_cast<double>(total_bytes) / kSteps / 1e3, static_cast<double>(total_faults) / kSteps);
}

// Whole epochs, reporting what is alive after each: nothing may grow from one epoch to the next.
void watch_epochs(const xg::data::TensorDataset& dataset, Model& model, int epochs, std::size_t batch_size) {
  std::printf("## Memory after each epoch (batch %zu, AdamW, %zu examples)\n\n", batch_size, dataset.size());
  std::printf(
      "| after epoch | live allocations | heap in use MB | RSS MB | epoch s |\n| ---: | ---: | ---: | ---: | ---: |\n");
  xg::data::DataLoader loader(dataset, xg::data::DataLoaderOptions(batch_size).shuffle(true).seed(1));
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    for (xg::data::Batch& batch : loader) {
      xg::Tensor loss = model.loss_fn(model.net(batch.input), batch.labels);
      model.optimizer.zero_grad();
      loss.backward();
      model.optimizer.step();
      loss_sink = loss.item();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const Counts counts = Counts::now();
    std::printf("| %d | %zu | %.1f | %.1f | %.2f |\n", epoch, counts.allocations - counts.frees, heap_in_use_mb(),
                rss_mb(), seconds);
    std::fflush(stdout);
  }
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("\npeak RSS of this process: %.1f MB\n\n", peak_rss_mb(usage));
}

// Runs a program to its end and reports its peak RSS and wall time, as /usr/bin/time -v would.
int measure_program(const std::vector<std::string>& command) {
  std::vector<char*> argv;
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::string line;
  for (const std::string& arg : command) line += (line.empty() ? "" : " ") + arg;
  std::printf("## Peak RSS of: %s\n\n", line.c_str());
  std::fflush(stdout);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    std::fprintf(stderr, "xgrad_memory: cannot start %s\n", argv[0]);
    return 1;
  }
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::printf("\npeak RSS %.1f MB (target < 300 MB), %.1f s, exit code %d\n", peak_rss_mb(usage), seconds, code);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  int epochs = 3;
  std::size_t batch_size = 128;
  std::vector<std::string> example;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--epochs" && i + 1 < argc) {
      epochs = std::atoi(argv[++i]);
    } else if (flag == "--batch-size" && i + 1 < argc) {
      batch_size = static_cast<std::size_t>(std::max(1, std::atoi(argv[++i])));
    } else if (flag == "--example" && i + 1 < argc) {
      example.assign(argv + i + 1, argv + argc);  // the program and its own arguments
      break;
    } else {
      std::fprintf(stderr, "usage: %s [--epochs N] [--batch-size B] [--example PROGRAM [ARGS...]]\n", argv[0]);
      return 2;
    }
  }
  try {
    const bench::TrainingData data = bench::load_training_data();
    std::printf("data: %s\n\n", data.description.c_str());
    Model model;
    count_step_allocations(data.dataset, model, batch_size);
    watch_epochs(data.dataset, model, epochs, batch_size);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xgrad_memory: %s\n", e.what());
    return 1;
  }
  return example.empty() ? 0 : measure_program(example);
}
