// Data-parallel training throughput over MPI (README "Benchmarks", "Distributed training"). Run under
// mpirun, once per configuration; scripts/bench.sh runs all three:
//   mpirun -np 1 xgrad_distributed_bench --threads 1     1 process, 1 BLAS thread
//   mpirun -np 2 xgrad_distributed_bench --threads 1     2 processes, 1 thread each
//   mpirun -np 1 xgrad_distributed_bench --threads 2     1 process, 2 threads
// (--overlap 1: BackwardAllReduce; --shared 1: SharedMemoryAllReduce with the optimizer's step sharded
// (ShardedOptimizer: each rank sums and updates only its range of the values), --sharded 0 with every
// rank summing and updating all of them (the state before); --norm none: no BatchNorm1d;
// --independent 1: the ranks train their shards without exchanging anything, the ceiling of 2 x 1)
// It trains the default MLP (784-256-128-10, AdamW, global batch 128) as examples/mlp does under
// mpirun, and reports samples/s, the time all_reduce_gradients takes per step (waiting for the slower
// rank included) and its share of the step. Then it times the allreduce alone over this machine's
// loopback (shared memory) on the gradient's bytes, and projects from it, on paper, what k machines
// would spend per step on a ring allreduce at 10 and 100 Gbit/s: a projection, not a measurement.
#include "training_data.hpp"

#include <xgrad/distributed/distributed.hpp>
#include <xgrad/xgrad.hpp>

#include <mpi.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }
// This thread's CPU time: what the rank computed, whatever the neighbours took of the cores meanwhile
// (a busy machine stretches wall time, not this).
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The whole process's CPU time, every thread of it (MPI's progress threads and the data loader
// included): beside wall time it shows whether a rank was off its core or spinning.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// One step's phases in wall time (ms), in order: the loader's next batch, forward (SyncBatchNorm's
// meetings in it), backward (its backward meeting, the overlap's hooks), the exchange after backward
// (waiting for the other rank included; sharded, the sums of this rank's range only), the optimizer's
// step (sharded, of this rank's range, and the sharing of the updated values after it).
constexpr const char* kPhases[] = {"loader", "forward", "backward", "exchange after backward", "optimizer step"};
constexpr int kPhaseCount = 5;

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
  return values[values.size() / 2];
}

struct Flags {
  int threads = 1;
  std::size_t steps = 300;
  std::size_t batch = 128;
  bool batch_norm = true;  // --norm batch (the example's default model) or none
  bool overlap = false;    // --overlap 1: BackwardAllReduce (allreduce during backward)
  bool shared = false;     // --shared 1: SharedMemoryAllReduce (one shared buffer, one barrier)
  bool sharded = true;     // --sharded 0: with --shared 1, every rank sums and updates all the values
  // --independent 1: every rank trains its shard alone, no exchange at all (BatchNorm1d, no
  // allreduce): the ceiling any allreduce can reach with these ranks on this machine.
  bool independent = false;
};

Flags parse(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    if (name == "--norm") flags.batch_norm = std::string(argv[i + 1]) == "batch";
    const long value = std::atol(argv[i + 1]);
    if (name == "--overlap") flags.overlap = value > 0;
    if (name == "--shared") flags.shared = value > 0;
    if (name == "--sharded") flags.sharded = value > 0;
    if (name == "--independent") flags.independent = value > 0;
    if (value <= 0) continue;
    if (name == "--threads") flags.threads = static_cast<int>(value);
    if (name == "--steps") flags.steps = static_cast<std::size_t>(value);
    if (name == "--batch-size") flags.batch = static_cast<std::size_t>(value);
  }
  return flags;
}

// The slowest rank's time decides the job's speed.
double max_over_ranks(double value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  xg::distributed::Environment mpi(argc, argv);
  const Flags flags = parse(argc, argv);
  xg::blas::set_num_threads(flags.threads);
  const auto rank = static_cast<std::size_t>(xg::distributed::rank());
  const auto world = static_cast<std::size_t>(xg::distributed::world_size());
  const bench::TrainingData data = bench::load_training_data();

  xg::Generator init(0);
  xg::nn::MLP net({784, 256, 128, 10}, xg::nn::Activation::ReLU, 0.0,
                  flags.batch_norm ? xg::nn::Norm::Batch : xg::nn::Norm::None, init);
  const std::vector<xg::Tensor> params = net->parameters();
  xg::distributed::broadcast_parameters(params);
  std::unique_ptr<xg::distributed::BackwardAllReduce> overlapped;
  if (flags.overlap) overlapped = std::make_unique<xg::distributed::BackwardAllReduce>(params);
  std::unique_ptr<xg::distributed::SharedMemoryAllReduce> shared;
  if (flags.shared && !overlapped) shared = std::make_unique<xg::distributed::SharedMemoryAllReduce>(params);
  // SyncBatchNorm's sums the gradients' way: through `shared` when there is one, else MPI. (The
  // converted layers hold the same tensors, so `params` and the exchanges still hold the model's.)
  if (world > 1 && !flags.independent) xg::distributed::convert_sync_batchnorm(*net, shared.get());
  xg::optim::AdamW optimizer(params, xg::optim::AdamWOptions(2e-3).weight_decay(0.05));
  std::unique_ptr<xg::distributed::ShardedOptimizer> sharded;
  if (shared && flags.sharded) sharded = std::make_unique<xg::distributed::ShardedOptimizer>(*shared, optimizer);
  xg::nn::CrossEntropyLoss loss_fn;
  xg::data::DataLoader loader(data.dataset, xg::data::DataLoaderOptions(flags.batch).shuffle(true).seed(0));

  const std::size_t warmup = 20;
  std::size_t step = 0, samples = 0;
  double reduce_seconds = 0.0, compute_cpu = 0.0, step_cpu = 0.0;
  std::vector<double> phases[kPhaseCount];  // each timed step's phases, ms
  std::vector<double> step_ms;              // each timed step, loader included
  Clock::time_point start = Clock::now(), last_step_end = start;
  double process_start = process_cpu_seconds();
  while (step < warmup + flags.steps) {
    for (xg::data::Batch& global : loader) {
      if (step == warmup) {  // the first steps allocate and warm the caches: not timed
        MPI_Barrier(MPI_COMM_WORLD);
        start = Clock::now();
        process_start = process_cpu_seconds();
        reduce_seconds = compute_cpu = step_cpu = 0.0;
        samples = 0;
        last_step_end = start;
        for (auto& phase : phases) phase.clear();
        step_ms.clear();
      }
      const Clock::time_point step_start = Clock::now();
      const double cpu_start = thread_cpu_seconds();
      const xg::data::Batch mine = xg::distributed::shard_of_batch(global, rank, world);
      xg::Tensor loss = loss_fn(net(mine.input), mine.labels);
      const Clock::time_point forward_end = Clock::now();
      optimizer.zero_grad();
      const auto weights = xg::distributed::AllReduceOptions().examples(mine.size(), global.size());
      if (overlapped) overlapped->begin(weights);
      loss.backward();
      // What the step waits for after backward: the exposed part of the allreduce.
      const Clock::time_point reduce_start = Clock::now();
      const double cpu_backward_end = thread_cpu_seconds();
      if (flags.independent) {
        // nothing: this rank's gradients stay its own
      } else if (overlapped) {
        overlapped->wait();
      } else if (sharded) {
        sharded->reduce_gradients(weights);  // this rank's range of the values only
      } else if (shared) {
        shared->all_reduce(weights);
      } else {
        xg::distributed::all_reduce_gradients(params, weights);
      }
      const Clock::time_point reduce_end = Clock::now();
      reduce_seconds += std::chrono::duration<double>(reduce_end - reduce_start).count();
      const double cpu_step_start = thread_cpu_seconds();
      optimizer.step();
      if (sharded) sharded->share_parameters();  // counted in the optimizer's step
      const Clock::time_point step_end = Clock::now();
      const Clock::time_point marks[] = {last_step_end, step_start, forward_end, reduce_start, reduce_end, step_end};
      for (int i = 0; i < kPhaseCount; ++i)
        phases[i].push_back(1e3 * std::chrono::duration<double>(marks[i + 1] - marks[i]).count());
      step_ms.push_back(1e3 * std::chrono::duration<double>(step_end - last_step_end).count());
      last_step_end = step_end;
      // Forward, backward and step on this thread's CPU (SyncBatchNorm's small allreduces and the
      // hooks' MPI_Test inside backward included), not the wait after backward.
      const double cpu_step = thread_cpu_seconds() - cpu_step_start;
      compute_cpu += (cpu_backward_end - cpu_start) + cpu_step;
      step_cpu += cpu_step;
      samples += global.size();
      if (++step == warmup + flags.steps) break;
    }
  }
  const double my_total = seconds_since(start), my_process_cpu = process_cpu_seconds() - process_start;
  const double total = max_over_ranks(my_total);
  const double process_cpu = max_over_ranks(my_process_cpu);
  // Each rank's median of every phase, gathered on rank 0 in rank order.
  double my_medians[kPhaseCount];
  for (int i = 0; i < kPhaseCount; ++i) my_medians[i] = median(phases[i]);
  // The median step: what the machine does between preemptions (on a loaded machine the mean is
  // stretched by the time slices other processes take; the median is not, until half the steps are).
  const double median_step_ms = max_over_ranks(median(step_ms));
  std::vector<double> medians(world * kPhaseCount);
  MPI_Gather(my_medians, kPhaseCount, MPI_DOUBLE, medians.data(), kPhaseCount, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  std::vector<xg::distributed::BackwardAllReduce::BucketTimes> timeline;
  double timeline_end = 0.0;
  if (overlapped) {
    timeline = overlapped->timeline();
    timeline_end = overlapped->backward_ended();
  }
  const double reduce_per_step = max_over_ranks(reduce_seconds) / static_cast<double>(flags.steps);
  const double compute_per_step = max_over_ranks(compute_cpu) / static_cast<double>(flags.steps);
  const double optimizer_per_step = max_over_ranks(step_cpu) / static_cast<double>(flags.steps);

  // The allreduce alone on the gradient's bytes, ranks in step (a barrier first), over loopback.
  std::size_t floats = 0;
  for (const xg::Tensor& p : params) floats += p.numel();
  std::vector<float> buffer(floats, 1.0f);
  const int repeats = 200;
  double alone = 0.0;
  for (int i = 0; i < repeats; ++i) {
    MPI_Barrier(MPI_COMM_WORLD);
    const Clock::time_point t = Clock::now();
    MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(floats), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    alone += seconds_since(t);
  }
  alone = max_over_ranks(alone) / repeats;
  // The same exchange through shared memory (SharedMemoryAllReduce: the packing, one barrier, the sums
  // into the gradients), timed the same way.
  double shared_alone = 0.0;
  if (world > 1) {
    if (!shared) shared = std::make_unique<xg::distributed::SharedMemoryAllReduce>(params);
    for (int i = 0; i < repeats; ++i) {
      MPI_Barrier(MPI_COMM_WORLD);
      const Clock::time_point t = Clock::now();
      shared->all_reduce();
      shared_alone += seconds_since(t);
    }
    shared_alone = max_over_ranks(shared_alone) / repeats;
  }
  if (rank != 0) return 0;

  const double bytes = 4.0 * static_cast<double>(floats);
  const double step_seconds = total / static_cast<double>(flags.steps);
  std::printf("## distributed training: %zu process%s x %d BLAS thread%s, %s, %s%s\n\n", world, world > 1 ? "es" : "",
              flags.threads, flags.threads > 1 ? "s" : "", data.description.c_str(),
              flags.batch_norm ? (world > 1 && !flags.independent ? "SyncBatchNorm" : "BatchNorm1d") : "no norm",
              flags.independent ? ", every rank alone (no exchange: the ceiling)"
              : overlapped      ? ", allreduce overlapped with backward"
              : sharded         ? ", gradients averaged through shared memory, optimizer step sharded"
              : shared          ? ", gradients averaged through shared memory"
                                : "");
  std::printf("| measurement | result |\n| --- | --- |\n");
  std::printf("| samples/s (global batch %zu, %zu steps) | %.0f |\n", flags.batch, flags.steps,
              static_cast<double>(samples) / total);
  std::printf("| step time | %.3f ms |\n", 1e3 * step_seconds);
  std::printf("| median step (wall, slowest rank's median; robust to preemptions) | %.3f ms = %.0f samples/s |\n",
              median_step_ms, 1e3 * static_cast<double>(flags.batch) / median_step_ms);
  std::printf(
      "| allreduce exposed per step (after backward, incl. waiting for the slower rank) | %.3f ms (%.1f%% of the step) "
      "|\n",
      1e3 * reduce_per_step, 100.0 * reduce_per_step / step_seconds);
  std::printf("| compute per step on a rank: forward, backward, step (thread CPU time, slowest rank) | %.3f ms |\n",
              1e3 * compute_per_step);
  // AdamW's update costs the same whatever the batch: the part of a step that does not shrink with
  // the shard.
  std::printf("| of which the optimizer's step (thread CPU time, slowest rank) | %.3f ms |\n",
              1e3 * optimizer_per_step);
  std::printf(
      "| the whole process's CPU per step (every thread, loader and waits included; slowest rank) | %.3f ms |\n",
      1e3 * process_cpu / static_cast<double>(flags.steps));
  std::printf("\nOne step's phases, wall time, median over the steps (ms):\n\n| phase |");
  for (std::size_t r = 0; r < world; ++r) std::printf(" rank %zu |", r);
  std::printf("\n| --- |");
  for (std::size_t r = 0; r < world; ++r) std::printf(" --- |");
  std::printf("\n");
  for (int i = 0; i < kPhaseCount; ++i) {
    std::printf("| %s |", kPhases[i]);
    for (std::size_t r = 0; r < world; ++r)
      std::printf(" %.3f |", medians[r * kPhaseCount + static_cast<std::size_t>(i)]);
    std::printf("\n");
  }
  std::printf("\n");
  if (overlapped && world > 1) {
    std::printf("\nThe last step's timeline (ms since backward began; it ended at %.3f):\n\n", 1e3 * timeline_end);
    std::printf("| bucket | bytes | started | completed |\n| --- | --- | --- | --- |\n");
    for (std::size_t b = 0; b < timeline.size(); ++b) {
      std::printf("| %zu | %zu | %.3f | %.3f |\n", b, timeline[b].bytes, 1e3 * timeline[b].started,
                  1e3 * timeline[b].completed);
    }
    std::printf("\n");
  }
  std::printf("| MPI_Allreduce alone of %.0f bytes over loopback, ranks in step | %.3f ms |\n", bytes, 1e3 * alone);
  if (world > 1) {
    std::printf(
        "| SharedMemoryAllReduce alone of the gradients (packing and unpacking included), ranks in step | %.3f ms |\n",
        1e3 * shared_alone);
    // A ring allreduce sends and receives 2 (k - 1) / k of the buffer per rank; over loopback with
    // this k, the effective bandwidth that implies:
    const double moved = 2.0 * static_cast<double>(world - 1) / static_cast<double>(world) * bytes;
    std::printf("| bytes each rank sends per step (ring: 2(k-1)/k x %.0f) | %.0f |\n", bytes, moved);
    std::printf("| effective loopback bandwidth (those bytes / the time alone) | %.2f GB/s |\n", moved / alone / 1e9);
  }
  std::printf(
      "\nPROJECTION (on paper, not measured): ring allreduce of %.0f bytes per step per rank over k machines,\n"
      "time = 2(k-1)/k x bytes / bandwidth (bandwidth term only; add ~2(k-1) message latencies)\n\n",
      bytes);
  std::printf("| k | bytes sent per rank per step | 10 Gbit/s | 100 Gbit/s |\n| --- | --- | --- | --- |\n");
  for (int k : {2, 4, 8, 16, 64}) {
    const double moved = 2.0 * (k - 1) / k * bytes;
    std::printf("| %d | %.0f | %.3f ms | %.3f ms |\n", k, moved, 1e3 * moved / 1.25e9, 1e3 * moved / 12.5e9);
  }
  return 0;
}
