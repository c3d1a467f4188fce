// xgrad_vs_libtorch: end-to-end training throughput of the MLP 784-256-128-10 on Fashion-MNIST, xgrad
// and libtorch side by side in one process: the same data, initial weights, batch order, optimizer
// (AdamW) and loop, the same BLAS (both call OpenBLAS's sgemm) and the same number of threads.
// Epochs alternate between the two (who goes first alternates too), so that a noisy neighbour on a
// shared machine slows both alike. Prints a Markdown table: samples per second and their ratio.
//
//   xgrad_vs_libtorch [--threads 1,2] [--batch-sizes 32,128,512] [--repeats 3] [--limit N] [--xgrad-only]

#include "compare.hpp"
#include "training_data.hpp"

#include <xgrad/core/blas.hpp>
#include <xgrad/data/dataset.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>

namespace {

struct Options {
  std::vector<int> threads = {2};
  std::vector<std::size_t> batch_sizes = {32, 128, 512};
  int repeats = 3;          // measured epochs per framework and setting
  std::size_t limit = 0;    // train on the first N examples only (0: all 60,000)
  std::size_t warmup = 20;  // batches before the measured epochs of each setting
  bool libtorch = true;     // false with --xgrad-only (e.g. to profile xgrad alone)
};

std::vector<std::size_t> parse_list(const char* text) {
  std::vector<std::size_t> values;
  for (const char* p = text; *p;) {
    char* end = nullptr;
    const unsigned long value = std::strtoul(p, &end, 10);
    if (end == p || value == 0)
      throw std::runtime_error(std::string("expected a list like 1,2 but got '") + text + "'");
    values.push_back(value);
    p = *end == ',' ? end + 1 : end;
    if (*end != ',' && *end != '\0') throw std::runtime_error(std::string("bad list '") + text + "'");
  }
  return values;
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--xgrad-only") {
      options.libtorch = false;
      continue;
    }
    if (i + 1 >= argc)
      throw std::runtime_error(flag + " needs a value (flags: --threads --batch-sizes --repeats --limit --xgrad-only)");
    const char* value = argv[++i];
    if (flag == "--threads") {
      options.threads.clear();
      for (std::size_t t : parse_list(value)) options.threads.push_back(static_cast<int>(t));
    } else if (flag == "--batch-sizes") {
      options.batch_sizes = parse_list(value);
    } else if (flag == "--repeats") {
      options.repeats = static_cast<int>(parse_list(value).at(0));
    } else if (flag == "--limit") {
      options.limit = parse_list(value).at(0);
    } else {
      throw std::runtime_error("unknown flag " + flag +
                               " (flags: --threads --batch-sizes --repeats --limit --xgrad-only)");
    }
  }
  return options;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

double load_average() {
  double load = 0.0;
  std::ifstream("/proc/loadavg") >> load;
  return load;
}

struct Samples {
  std::vector<double> throughput;  // samples per second, one per measured epoch
  double last_loss = 0.0;

  double best() const { return *std::max_element(throughput.begin(), throughput.end()); }
  double median() const {
    std::vector<double> sorted = throughput;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t n = sorted.size();
    return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }
};

int run(const Options& options) {
  const bench::TrainingData data = bench::load_training_data(options.limit);
  const xg::data::TensorDataset& dataset = data.dataset;
  const bench::Setup setup;

  std::vector<std::unique_ptr<bench::Trainer>> trainers;
  trainers.push_back(bench::make_xgrad_trainer(dataset, setup));
#ifdef XGRAD_BENCH_HAVE_LIBTORCH
  const bench::PlainData plain{dataset.inputs().data(), dataset.labels().data(), dataset.size(),
                               dataset.inputs().size() / dataset.size()};
  if (options.libtorch) {
    trainers.push_back(bench::make_libtorch_trainer(plain, setup, bench::xgrad_initial_weights(setup),
                                                    bench::xgrad_shuffle_orders(setup)));
  }
  const std::string versus = "libtorch " + bench::libtorch_version();
#else
  const std::string versus = "libtorch (not built: install libtorch-dev and reconfigure)";
#endif

  std::printf("MLP 784-256-128-10, AdamW (lr %g, weight decay %g), %zu examples of %s\n", setup.lr, setup.weight_decay,
              dataset.size(), data.description.c_str());
  std::printf("xgrad vs %s; both on OpenBLAS (%s kernels); %s; load average %.2f at start\n", versus.c_str(),
              xg::blas::core_name().c_str(), cpu_model().c_str(), load_average());
  std::printf("(%d measured epochs per framework and setting; OMP_WAIT_POLICY=%s)\n\n", options.repeats,
              std::getenv("OMP_WAIT_POLICY"));
  std::fflush(stdout);

  // results[threads][batch][framework]
  std::map<int, std::map<std::size_t, std::vector<Samples>>> results;
  for (int threads : options.threads) {
    bench::set_xgrad_threads(threads);  // OpenBLAS, shared by both sides
#ifdef XGRAD_BENCH_HAVE_LIBTORCH
    bench::set_libtorch_threads(threads);
#endif
    for (std::size_t batch : options.batch_sizes) {
      std::vector<Samples>& per_framework = results[threads][batch];
      per_framework.resize(trainers.size());
      for (auto& trainer : trainers) trainer->train_epoch(batch, options.warmup);
      for (int repeat = 0; repeat < options.repeats; ++repeat) {
        for (std::size_t k = 0; k < trainers.size(); ++k) {
          // Alternate who goes first, so that neither always runs right after the other.
          const std::size_t which = repeat % 2 == 0 ? k : trainers.size() - 1 - k;
          const bench::EpochResult epoch = trainers[which]->train_epoch(batch, SIZE_MAX);
          per_framework[which].throughput.push_back(static_cast<double>(epoch.samples) / epoch.seconds);
          per_framework[which].last_loss = epoch.mean_loss;
          std::fprintf(stderr, "threads %d batch %4zu %-8s %8.0f samples/s (%.2f s, mean loss %.4f)\n", threads, batch,
                       trainers[which]->name().c_str(), per_framework[which].throughput.back(), epoch.seconds,
                       epoch.mean_loss);
        }
      }
    }
  }

  std::printf(
      "| threads | batch | xgrad samples/s (median, best) | libtorch samples/s (median, best) | "
      "xgrad / libtorch (median, best) | mean loss, last epoch (xgrad, libtorch) |\n");
  std::printf("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const auto& [threads, per_batch] : results) {
    for (const auto& [batch, per_framework] : per_batch) {
      const Samples& ours = per_framework[0];
      std::printf("| %d | %zu | %.0f, %.0f |", threads, batch, ours.median(), ours.best());
      if (per_framework.size() > 1) {
        const Samples& theirs = per_framework[1];
        std::printf(" %.0f, %.0f | %.2fx, %.2fx | %.4f, %.4f |\n", theirs.median(), theirs.best(),
                    ours.median() / theirs.median(), ours.best() / theirs.best(), ours.last_loss, theirs.last_loss);
      } else {
        std::printf(" - | - | %.4f, - |\n", ours.last_loss);
      }
    }
  }
  std::printf("\nload average %.2f at the end\n", load_average());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // libtorch's OpenMP threads spin after each parallel region unless told otherwise, stealing the cores
  // OpenBLAS's threads (and the other framework) need. libgomp reads the variable when it loads, before
  // main: so set it and start again.
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);
    std::perror("xgrad_vs_libtorch: cannot restart with OMP_WAIT_POLICY=PASSIVE");  // only if execv failed
  }
  try {
    return run(parse_options(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xgrad_vs_libtorch: %s\n", e.what());
    return 2;
  }
}
