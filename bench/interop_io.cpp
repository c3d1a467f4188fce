// xgrad_interop_bench: how fast safetensors files are written and read, and how much memory a load takes.
//
//   xgrad_interop_bench [--repeats N] [--folder DIR]
//     1. the default MLP (784-256-128-10, BatchNorm1d): save_model and load_model, each the median of N
//        runs on a warm cache, beside a memcpy of the file's bytes already in memory (the goal's floor),
//        the kernel's own floors (reading the file into memory; writing its bytes to a new file and
//        renaming it, with and without fsync), and the same on tmpfs, where fsync costs nothing. Each
//        is split into its steps: for a load, the header's parse and checks (in memory) and the
//        visit of the module's entries that it matches the file's names against; for a save, (a) serialize (the header
//        and the views of the tensors), (b) that and the write to the page cache and the rename, without fsync, (c) the
//        whole save;
//     2. a ~25M-parameter MLP (784-4096-4096-1024-10, ~97 MB): the growth of peak RSS (VmHWM) while
//        load_model reads it, against the model's bytes (measured in a child process of its own, so
//        that building and saving the model do not set the peak).
//   xgrad_interop_bench --rss-of-load FILE   (what the child runs)
// Prints Markdown tables. Run by scripts/bench.sh; never part of ctest.

#include <xgrad/interop/safetensors.hpp>
#include <xgrad/xgrad.hpp>

#include <fcntl.h>
#include <sys/uio.h>
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

// What any load must do at least: open the file, read all of it into memory already there, close it.
void read_whole_file(const std::string& path, std::string& into) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::pread(fd, into.data(), into.size(), 0) != static_cast<ssize_t>(into.size())) std::abort();
  ::close(fd);
}

// What any atomic save must do at least: write the bytes to a new file, (fsync,) rename it over the old.
// With several parts, one writev from where they are (as xg::save_atomically writes them).
void write_new_file(const std::string& path, const std::vector<std::string_view>& parts, bool sync) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  std::vector<iovec> spans;
  std::size_t size = 0;
  for (std::string_view part : parts) {
    spans.push_back({const_cast<char*>(part.data()), part.size()});
    size += part.size();
  }
  if (fd < 0 || ::writev(fd, spans.data(), static_cast<int>(spans.size())) != static_cast<ssize_t>(size)) std::abort();
  if (sync) ::fsync(fd);
  ::close(fd);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) std::abort();
  if (sync) {  // the rename too, as xg::save_atomically makes it durable
    const int folder = ::open(std::filesystem::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::fsync(folder);
    ::close(folder);
  }
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
  // Into memory just allocated, as a load does (malloc hands back the pages freed by the last run).
  const double fresh_memcpy_ms = median_ms(repeats, [&] {
    std::unique_ptr<char[]> fresh(new char[file.size()]);
    std::memcpy(fresh.get(), file.data(), file.size());
    asm volatile("" : : "r"(fresh.get()) : "memory");
  });
  std::string read_into(file.size(), '\0');
  const double read_ms = median_ms(repeats, [&] { read_whole_file(path, read_into); });
  const double load_ms = median_ms(repeats, [&] { xg::interop::load_model(net, path); });
  // The load's user-space steps: the header's parse and checks on bytes in memory; the module's keys.
  const double parse_ms = median_ms(repeats, [&] { xg::interop::parse_safetensors_header(file, file.size(), path); });
  const double visit_ms = median_ms(
      repeats, [&] { net->for_each_state_entry([](const std::string&, const xg::Tensor&, nn::EntryKind) {}); });
  const std::string floor_path = folder + "/xgrad_interop_bench_floor";
  const double write_ms = median_ms(repeats, [&] { write_new_file(floor_path, {file}, false); });
  const double write_sync_ms = median_ms(repeats, [&] { write_new_file(floor_path, {file}, true); });
  // The save in three steps: (a) serialize alone, (b) that and the writev to a new file and the rename
  // (page cache only), (c) the whole save_model, which adds the fsyncs of the core helper.
  const double serialize_ms = median_ms(repeats, [&] { xg::interop::serialize(net->state_dict()); });
  const double save_unsynced_ms = median_ms(repeats, [&] {
    const nn::StateDict state = net->state_dict();
    write_new_file(floor_path, xg::interop::serialize(state).parts(), false);
  });
  std::filesystem::remove(floor_path);
  const double save_ms = median_ms(repeats, [&] { xg::interop::save_model(net, path); });
  // On tmpfs fsync costs nothing: what is left is the encoding and the write.
  const std::string shm = "/dev/shm/xgrad_interop_bench";
  const bool have_shm = std::filesystem::is_directory("/dev/shm");
  double shm_save_ms = 0, shm_write_ms = 0, shm_load_ms = 0, shm_read_ms = 0;
  if (have_shm) {
    shm_write_ms = median_ms(repeats, [&] { write_new_file(shm + ".floor", {file}, false); });
    shm_save_ms = median_ms(repeats, [&] { xg::interop::save_model(net, shm + ".safetensors"); });
    shm_read_ms = median_ms(repeats, [&] { read_whole_file(shm + ".safetensors", read_into); });
    shm_load_ms = median_ms(repeats, [&] { xg::interop::load_model(net, shm + ".safetensors"); });
    std::filesystem::remove(shm + ".floor");
    std::filesystem::remove(shm + ".safetensors");
  }
  std::printf("## safetensors: the default MLP (%.2f MB file), median of %d runs, warm cache\n\n", file.size() / 1e6,
              repeats);
  std::printf("| operation | ms | x memcpy |\n| --- | ---: | ---: |\n");
  auto row = [memcpy_ms](const char* what, double ms) {
    std::printf("| %s | %.3f | %.1f |\n", what, ms, ms / memcpy_ms);
  };
  row("memcpy of the file's bytes (cache-warm destination)", memcpy_ms);
  row("memcpy into a fresh allocation", fresh_memcpy_ms);
  row("floor: open, pread the whole file into memory, close", read_ms);
  row("**load_model** (read, check, into the module)", load_ms);
  row("  of which: parse and check the header (bytes in memory)", parse_ms);
  row("  of which: visiting the module's entries (for_each_state_entry)", visit_ms);
  row("floor: write the bytes to a new file, rename (page cache only)", write_ms);
  row("floor: the same with fsync of the file and the folder (durable)", write_sync_ms);
  row("save (a): serialize (state_dict, header, views of the tensors)", serialize_ms);
  row("save (b): (a) + writev to a new file + rename, no fsync", save_unsynced_ms);
  row("**save_model** (c): (b) + fsync of the file and the folder", save_ms);
  if (have_shm) {
    row("tmpfs floor: open, pread, close", shm_read_ms);
    row("load_model from tmpfs (/dev/shm)", shm_load_ms);
    row("tmpfs floor: write to a new file, rename", shm_write_ms);
    row("save_model to tmpfs (fsync costs nothing there)", shm_save_ms);
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
