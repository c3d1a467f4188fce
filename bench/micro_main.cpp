// xgrad_bench: Google Benchmark over xgrad's hot paths and the machine's limits, then a summary of how
// close xgrad comes to those limits. Runs each benchmark 5 times by default and reports the median and
// the minimum (the least disturbed run: the machine is shared), with the repetitions of all benchmarks
// interleaved in random order. Any Google Benchmark flag works, e.g.
//   xgrad_bench --benchmark_filter=optim --benchmark_repetitions=10 --benchmark_out=results.json

#include "micro.hpp"

#include <xgrad/core/blas.hpp>

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>
#include <vector>

namespace bench {

namespace {

double min_of(const std::vector<double>& values) { return *std::min_element(values.begin(), values.end()); }

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double seconds_of(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  benchmark::ClobberMemory();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::map<std::string, Work>& registry() {
  static std::map<std::string, Work> works;
  return works;
}

void add(const std::string& name, Work work, std::function<void(benchmark::State&)> body, bool paired) {
  registry()[name] = work;
  benchmark::internal::Benchmark* b = benchmark::RegisterBenchmark(name.c_str(), [work, body](benchmark::State& state) {
    body(state);
    // Rates for --benchmark_out's JSON; our own summary computes them from times.
    if (work.flops > 0) {
      state.counters["FLOP/s"] = benchmark::Counter(work.flops, benchmark::Counter::kIsIterationInvariantRate);
    }
    if (work.bytes > 0) {
      state.SetBytesProcessed(static_cast<std::int64_t>(work.bytes * static_cast<double>(state.iterations())));
    }
  });
  if (paired) {
    b->UseManualTime();  // run_paired times xgrad's part alone
  } else {
    b->UseRealTime();
  }
  b->Unit(benchmark::kMicrosecond)->ComputeStatistics("min", min_of);
}

void set_blas_threads(int threads) { xg::blas::set_num_threads(threads); }

void run_paired(benchmark::State& state, const std::function<void()>& ours, const std::function<void()>& reference,
                double reference_scale) {
  std::vector<double> ours_seconds, reference_seconds;
  bool ours_first = true;
  for (auto _ : state) {
    double mine = 0, theirs = 0;
    if (ours_first) {
      mine = seconds_of(ours);
      theirs = seconds_of(reference);
    } else {
      theirs = seconds_of(reference);
      mine = seconds_of(ours);
    }
    ours_first = !ours_first;
    state.SetIterationTime(mine);
    ours_seconds.push_back(mine);
    reference_seconds.push_back(theirs * reference_scale);
  }
  if (ours_seconds.empty()) return;
  const double ours_median = median_of(ours_seconds), reference_median = median_of(reference_seconds);
  state.counters["xgrad_us"] = ours_median * 1e6;
  state.counters["reference_us"] = reference_median * 1e6;
  state.counters["ratio"] = ours_median / reference_median;
  state.counters["ratio_min"] = *std::min_element(ours_seconds.begin(), ours_seconds.end()) /
                                *std::min_element(reference_seconds.begin(), reference_seconds.end());
}

namespace {

struct Timing {
  double median_us = 0;
  double min_us = 0;
  // Paired benchmarks (see run_paired), medians over the repetitions.
  double xgrad_us = 0, reference_us = 0, ratio = 0, ratio_min = 0;
};

// Prints one line per benchmark as it finishes (median and minimum time, and the rate they give),
// then the summary tables in Markdown.
class SummaryReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context& context) override {
    const benchmark::CPUInfo& cpu = context.cpu_info;
    std::printf("%d CPUs at %.0f MHz, OpenBLAS %s kernels, load average", cpu.num_cpus, cpu.cycles_per_second / 1e6,
                xg::blas::core_name().c_str());
    for (double load : cpu.load_avg) std::printf(" %.2f", load);
    std::printf("\ncaches:");
    for (const auto& cache : cpu.caches)
      std::printf(" L%d %s %d KiB;", cache.level, cache.type.c_str(), cache.size / 1024);
    std::printf("\n\n%-48s %12s %12s %14s\n", "benchmark", "median us", "min us", "rate at min");
    return true;
  }

  void ReportRuns(const std::vector<Run>& runs) override {
    std::set<std::string> names;
    for (const Run& run : runs) {
      benchmark::BenchmarkName run_name = run.run_name;
      run_name.time_type.clear();  // no "/real_time" or "/manual_time" suffix
      const std::string name = run_name.str();
      if (run.error_occurred) {
        std::printf("%-48s ERROR: %s\n", name.c_str(), run.error_message.c_str());
        continue;
      }
      Timing& timing = timings_[name];
      const double us = run.GetAdjustedRealTime();  // microseconds: every benchmark uses that unit
      const auto counter = [&run](const char* key) {
        const auto found = run.counters.find(key);
        return found == run.counters.end() ? 0.0 : found->second.value;
      };
      const bool single = run.run_type == Run::RT_Iteration && run.repetitions <= 1;
      if (single || (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median")) {
        timing.median_us = us;
        timing.xgrad_us = counter("xgrad_us");
        timing.reference_us = counter("reference_us");
        timing.ratio = counter("ratio");
        timing.ratio_min = counter("ratio_min");
      }
      if (single || (run.run_type == Run::RT_Aggregate && run.aggregate_name == "min")) timing.min_us = us;
      if (single || run.run_type == Run::RT_Aggregate) names.insert(name);
    }
    for (const std::string& name : names) {
      const Timing& t = timings_[name];
      if (t.median_us == 0 || t.min_us == 0) continue;  // the other aggregate comes in the same call
      std::printf("%-48s %12.2f %12.2f %14s", name.c_str(), t.median_us, t.min_us, rate(name, t.min_us).c_str());
      if (t.ratio > 0) std::printf("   %.3f x reference", t.ratio);
      std::printf("\n");
    }
    std::fflush(stdout);
  }

  void Finalize() override {
    print_limits();
    print_matmul_vs_sgemm();
    print_optimizers_vs_stream();
  }

 private:
  std::string rate(const std::string& name, double us) const {
    const Work& work = registry()[name];
    char text[32] = "";
    if (work.flops > 0) std::snprintf(text, sizeof text, "%.1f GFLOP/s", work.flops / us / 1e3);
    if (work.bytes > 0) std::snprintf(text, sizeof text, "%.1f GB/s", work.bytes / us / 1e3);
    return text;
  }

  const Timing* find(const std::string& name) const {
    const auto found = timings_.find(name);
    return found == timings_.end() || found->second.min_us == 0 ? nullptr : &found->second;
  }

  // GFLOP/s or GB/s at the best run, or "-" when not measured.
  std::string best_rate(const std::string& name) const {
    const Timing* t = find(name);
    return t ? rate(name, t->min_us) : "-";
  }

  void print_limits() const {
    std::printf(
        "\n## Machine limits (best of the runs)\n\n| measurement | 1 thread | 2 threads |\n| --- | ---: | ---: |\n");
    for (const Layer& layer : kLayers) {
      for (const char* product : {"linear_fwd", "linear_dx", "linear_dw"}) {
        const std::string base = std::string("raw_sgemm/") + product + "/" + layer.name();
        std::printf("| cblas_sgemm %s %s, batch 128 | %s | %s |\n", product, layer.name().c_str(),
                    best_rate(base + "/t1").c_str(), best_rate(base + "/t2").c_str());
      }
    }
    std::printf("| cblas_sgemm, the 8 GEMMs of an MLP step | %s | %s |\n",
                best_rate("raw_sgemm/mlp_step_gemms/b128/t1").c_str(),
                best_rate("raw_sgemm/mlp_step_gemms/b128/t2").c_str());
    for (const char* kernel : {"copy", "triad", "axpy_in_place"}) {
      for (const char* size : {"1M", "32M"}) {
        const std::string base = std::string("stream/") + kernel + "/" + size;
        std::printf("| STREAM %s, %s floats per array | %s | %s |\n", kernel, size, best_rate(base + "/t1").c_str(),
                    best_rate(base + "/t2").c_str());
      }
    }
  }

  // Our op against the raw sgemm calls it makes, measured in pairs (1.00 = no overhead at all).
  void print_matmul_vs_sgemm() const {
    std::printf(
        "\n## xgrad's matmul and Linear vs raw cblas_sgemm (target: within 10%%, ratio <= 1.10)\n\n"
        "xgrad's op and the raw sgemm calls it makes (for Linear also the bias copied into each row and its\n"
        "gradient's column sums, as plain loops), timed in alternation: median time per call, their ratio,\n"
        "and the ratio of the fastest calls (medians over the runs).\n\n"
        "| op | shape | threads | xgrad us | raw us | ratio | ratio of fastest |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (const char* op : {"matmul_fwd", "matmul_fwd_bwd", "linear_fwd", "linear_fwd_bwd"}) {
      for (const Layer& layer : kLayers) {
        for (int threads : kThreadCounts) {
          const std::string name = std::string("xgrad/") + op + "/" + layer.name() + "/t" + std::to_string(threads);
          print_ratio_row(op, layer.name(), threads, name);
        }
      }
    }
    for (int threads : kThreadCounts) {
      print_ratio_row("MLP step (AdamW) vs its 8 GEMMs", "batch 128", threads,
                      "xgrad/mlp_step/b128/t" + std::to_string(threads));
    }
    print_ratio_row("the same, zero_grad(set_to_none=true)", "batch 128", 1, "xgrad/mlp_step_set_to_none/b128/t1");
  }

  void print_ratio_row(const std::string& op, const std::string& shape, int threads, const std::string& name) const {
    const Timing* t = find(name);
    if (!t) return;
    std::printf("| %s | %s | %d | %.1f | %.1f | %.3f | %.3f |\n", op.c_str(), shape.c_str(), threads, t->xgrad_us,
                t->reference_us, t->ratio, t->ratio_min);
  }

  // Each optimizer step against STREAM's triad moving as many bytes, measured in pairs.
  void print_optimizers_vs_stream() const {
    std::printf(
        "\n## Optimizer step over 1M parameters vs streaming its buffers (target: ratio <= 1.5)\n\n"
        "Streaming time = the step's bytes at the bandwidth of a += s b in place over the same footprint\n"
        "(as many MB of arrays as the optimizer's buffers), timed in alternation with the step. Single\n"
        "thread: xgrad's optimizer loops are single-threaded.\n\n"
        "| optimizer | MB moved | step us | GB/s | streaming us | ratio | ratio of fastest |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (const char* optimizer : {"sgd", "sgd_momentum", "adam", "adamw"}) {
      const std::string name = std::string("xgrad/optim_step/") + optimizer + "/1M/t1";
      const Timing* t = find(name);
      if (!t) continue;
      const double bytes = registry()[name].bytes;
      std::printf("| %s | %.0f | %.0f | %.1f | %.0f | %.2f | %.2f |\n", optimizer, bytes / 1e6, t->xgrad_us,
                  bytes / t->xgrad_us / 1e3, t->reference_us, t->ratio, t->ratio_min);
    }
    std::fflush(stdout);
  }

  std::map<std::string, Timing> timings_;
};

bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], flag, std::strlen(flag)) == 0) return true;
  }
  return false;
}

}  // namespace

}  // namespace bench

int main(int argc, char** argv) {
  // glibc hands blocks of 128 KB and more back to the kernel when they are freed, and trims the heap when
  // its free top exceeds twice that; the next allocation then takes fresh, zeroed pages (a page fault per
  // 4 KB). A benchmark that allocates and frees a few 128 KB arrays per iteration (an elementwise op and
  // its backward at [128, 256]) would time those faults, 5-10x the op itself. In training the first
  // large arrays freed (a batch of 128 images is 400 KB) raise both thresholds for good and a step makes no page faults
  // (bench/xgrad_memory measures that): set them high from the start, as training finds them.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  // Defaults for a shared, noisy machine: 5 short repetitions, from which we keep the median and the best,
  // run in random order across benchmarks, so that a busy moment does not land on one benchmark alone and
  // skew its ratio to another.
  std::vector<char*> args(argv, argv + argc);
  char repetitions[] = "--benchmark_repetitions=5";
  char min_time[] = "--benchmark_min_time=0.05";
  char interleave[] = "--benchmark_enable_random_interleaving=true";
  if (!bench::has_flag(argc, argv, "--benchmark_repetitions")) args.push_back(repetitions);
  if (!bench::has_flag(argc, argv, "--benchmark_min_time")) args.push_back(min_time);
  if (!bench::has_flag(argc, argv, "--benchmark_enable_random_interleaving")) args.push_back(interleave);
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;

  bench::register_limits();
  bench::register_ops();
  bench::register_optimizers();
  bench::register_checkpoint();
  bench::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
