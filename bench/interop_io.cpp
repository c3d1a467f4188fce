// xgrad_interop_bench: how fast safetensors files are written and read, and how much memory a load takes.
//
//   xgrad_interop_bench [--repeats N] [--folder DIR]
//     1. the default MLP (784-256-128-10, BatchNorm1d): save_model and load_model, each the median of N
//        runs on a warm cache, beside a memcpy of the file's bytes already in memory (the floor);
//     2. a ~25M-parameter MLP (784-4096-4096-1024-10, ~97 MB): the growth of peak RSS (VmHWM) while
//        load_model reads it, against the model's bytes (measured in a child process of its own, so
//        that building and saving the model do not set the peak).
//   xgrad_interop_bench --rss-of-load FILE   (what the child runs)
// Prints Markdown tables. Run by scripts/bench.sh; never part of ctest.

#include <xgrad/interop/safetensors.hpp>
#include <xgrad/xgrad.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace nn = xg::nn;
using Clock = std::chrono::steady_clock;

template <class Body>
double median_ms(int repeats, Body&& body) {
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    const auto start = Clock::now();
    body();
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// A field of /proc/self/status in kB ("VmHWM", "VmRSS").
long status_kb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field) + 1);
  }
  return -1;
}

nn::MLP large_mlp() {
  xg::Generator generator(1);
  return nn::MLP({784, 4096, 4096, 1024, 10}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
}

std::size_t state_bytes(const nn::Module& module) {
  std::size_t bytes = 0;
  for (const auto& entry : module.state_dict()) bytes += 4 * entry.second.numel();
  return bytes;
}

// The child: builds the model, resets the peak (clear_refs 5), loads, and prints the growth.
int rss_of_load(const std::string& path) {
  nn::MLP net = large_mlp();
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM := VmRSS
  const long before = status_kb("VmRSS:");
  const long reset_peak = status_kb("VmHWM:");
  const auto start = Clock::now();
  xg::interop::load_model(net, path);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  const long peak = status_kb("VmHWM:");
  const double model_mb = static_cast<double>(state_bytes(*net)) / 1e6;
  const double growth_mb = static_cast<double>(peak - std::max(before, reset_peak)) * 1024.0 / 1e6;
  std::printf("| %.1f | %.1f | %.1f | %.2f | %.0f |\n", model_mb,
              static_cast<double>(std::filesystem::file_size(path)) / 1e6, growth_mb, growth_mb / model_mb, ms);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--rss-of-load") return rss_of_load(argv[2]);
  int repeats = 51;
  std::string folder = std::filesystem::temp_directory_path().string();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--repeats") {
      repeats = std::max(1, std::atoi(argv[i + 1]));
    } else if (flag == "--folder") {
      folder = argv[i + 1];
    } else {
      std::fprintf(stderr, "xgrad_interop_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }

  // 1. The default MLP.
  xg::Generator generator(0);
  nn::MLP net({784, 256, 128, 10}, nn::Activation::ReLU, 0.0, nn::Norm::Batch, generator);
  const std::string path = folder + "/xgrad_interop_bench.safetensors";
  xg::interop::save_model(net, path);
  std::ifstream in(path, std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), {});
  std::string copy(file.size(), '\0');
  const double memcpy_ms = median_ms(repeats, [&] {
    std::memcpy(copy.data(), file.data(), file.size());
    asm volatile("" : : "r"(copy.data()) : "memory");  // keep the copy
  });
  // Into memory just allocated, as a load must: its first touch of each page is a page fault.
  const double fresh_memcpy_ms = median_ms(repeats, [&] {
    std::unique_ptr<char[]> fresh(new char[file.size()]);
    std::memcpy(fresh.get(), file.data(), file.size());
    asm volatile("" : : "r"(fresh.get()) : "memory");
  });
  const double save_ms = median_ms(repeats, [&] { xg::interop::save_model(net, path); });
  const double load_ms = median_ms(repeats, [&] { xg::interop::load_model(net, path); });
  // On tmpfs fsync costs nothing: what is left is the encoding and the write.
  const std::string shm_path = "/dev/shm/xgrad_interop_bench.safetensors";
  const bool have_shm = std::filesystem::is_directory("/dev/shm");
  const double shm_save_ms = have_shm ? median_ms(repeats, [&] { xg::interop::save_model(net, shm_path); }) : 0.0;
  const double shm_load_ms = have_shm ? median_ms(repeats, [&] { xg::interop::load_model(net, shm_path); }) : 0.0;
  if (have_shm) std::filesystem::remove(shm_path);
  std::printf("## safetensors: the default MLP (%.2f MB file), median of %d runs, warm cache\n\n", file.size() / 1e6,
              repeats);
  std::printf("| operation | ms | x memcpy |\n| --- | ---: | ---: |\n");
  std::printf("| memcpy of the file's bytes (cache-warm destination) | %.3f | 1.0 |\n", memcpy_ms);
  std::printf("| memcpy into a fresh allocation (page faults included) | %.3f | %.1f |\n", fresh_memcpy_ms,
              fresh_memcpy_ms / memcpy_ms);
  std::printf("| load_model (read, check, copy into the module) | %.3f | %.1f |\n", load_ms, load_ms / memcpy_ms);
  std::printf("| save_model (encode, write, fsync, rename) | %.3f | %.1f |\n", save_ms, save_ms / memcpy_ms);
  if (have_shm) {
    std::printf("| load_model from tmpfs (/dev/shm) | %.3f | %.1f |\n", shm_load_ms, shm_load_ms / memcpy_ms);
    std::printf("| save_model to tmpfs (/dev/shm: fsync costs nothing) | %.3f | %.1f |\n", shm_save_ms,
                shm_save_ms / memcpy_ms);
  }
  std::printf("\n");

  // 2. Peak RSS while loading a large model, in a child process.
  const std::string large = folder + "/xgrad_interop_bench_large.safetensors";
  {
    nn::MLP big = large_mlp();
    xg::interop::save_model(big, large);
  }
  std::printf("## safetensors: peak RSS growth while load_model reads a 25M-parameter MLP\n\n");
  std::printf(
      "| model MB | file MB | peak RSS growth MB | growth / model | load ms |\n| ---: | ---: | ---: | ---: | ---: |\n");
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    execl("/proc/self/exe", argv[0], "--rss-of-load", large.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  std::filesystem::remove(large);
  std::filesystem::remove(path);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
