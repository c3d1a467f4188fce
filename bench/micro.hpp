#pragma once
// Shared pieces of xgrad_bench (the Google Benchmark binary): the MLP's shapes, the raw references
// (cblas_sgemm called directly, a streaming loop), and a registry that remembers how much work each
// benchmark does, so that the summary at the end can turn times into GFLOP/s and GB/s.
//
// Benchmark names read <who>/<what>/<shape>/t<threads>, e.g. "raw_sgemm/linear_fwd/784x256/t1".
// <who> is "raw_sgemm" or "stream" for the machine's limits, "xgrad" for the library.
//
// On a shared machine two benchmarks run a second apart can see different neighbours, so a ratio of
// their times says little. Where xgrad is held against a limit (matmul and Linear against the sgemm
// calls they make, a training step against its GEMMs, an optimizer step against streaming its bytes)
// the benchmark is *paired*: every iteration runs xgrad's code and the raw reference back to back, in
// alternating order, and times each (see run_paired).

#include <benchmark/benchmark.h>

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace bench {

// The MLP 784-256-128-10 at batch 128: each Linear layer computes [128, in] x W^T with W [out, in].
inline constexpr int kBatch = 128;
struct Layer {
  int in, out;
  std::string name() const { return std::to_string(in) + "x" + std::to_string(out); }
};
inline constexpr Layer kLayers[] = {{784, 256}, {256, 128}, {128, 10}};
inline constexpr int kThreadCounts[] = {1, 2};

// The three products of a Linear layer y = x W^T (G = dL/dy), and of a matmul y = A B:
//   linear_fwd  x W^T   [128, in] x [out, in]^T   (sgemm NT)    matmul_fwd  A B     (NN)
//   linear_dx   G W     [128, out] x [out, in]    (NN)          matmul_da   G B^T   (NT)
//   linear_dw   G^T x   [out, 128] x [128, in]    (TN)          matmul_db   A^T G   (TN)
// Each costs 2 * 128 * in * out floating-point operations.
inline double layer_flops(const Layer& layer) { return 2.0 * kBatch * layer.in * layer.out; }
// The 8 GEMMs of an MLP training step: every product of every layer but the first layer's dx.
double mlp_step_flops();

// One layer's products straight through cblas_sgemm, into buffers allocated once: the reference.
class RawLayer {
 public:
  explicit RawLayer(const Layer& layer);
  void run(const std::string& product);  // one of the six names above
  void linear_forward_backward(bool with_dx = true);
  void matmul_forward_backward();
  // All of a Linear layer's work by hand, the reference for xgrad's Linear: the bias copied into every
  // row of y, then y += x W^T (sgemm with beta = 1); the backward adds dx, dW and the bias gradient's
  // column sums.
  void linear_forward_with_bias();
  void linear_forward_backward_with_bias();

  // From now on reads its operands from these arrays instead of its own: x, the weight (or the
  // matmul's B), the output gradient and the bias (null: keep its own). Paired with xgrad, it reads
  // xgrad's very inputs. That matters: where an operand starts changes OpenBLAS's speed (at 128x10,
  // A^T G takes 2.9 us with A on a 64-byte boundary and 4.3 us off it), and malloc promises only 16
  // bytes, so a reference with buffers of its own would win or lose 10% by the luck of the heap.
  void read_operands_from(const float* x, const float* w, const float* g = nullptr, const float* b = nullptr);

 private:
  Layer layer_;
  std::vector<float> x_, w_, g_, y_, dx_, dw_;  // w_ doubles as the matmul's B [in, out]
  std::vector<float> b_, db_;                   // the bias [out] and its gradient
  const float *x_in_, *w_in_, *g_in_, *b_in_;   // the operands read: its own buffers unless told
};

// The streaming reference for an optimizer: a += s b in place over two float arrays of n elements
// (reads 8 bytes and writes 4 per element, 12 in all). Like an optimizer, and unlike STREAM's triad,
// it writes only arrays it reads, so the cache never has to fetch lines it is about to overwrite.
class Axpy {
 public:
  explicit Axpy(std::size_t n);
  void run();

 private:
  std::vector<float> a_, b_;
};

struct Work {
  double flops = 0;  // floating-point operations per iteration
  double bytes = 0;  // bytes an iteration must read and write at least
};

// name -> work, for the summary.
std::map<std::string, Work>& registry();

// Registers `body` under `name` (real time in microseconds, with a "min" statistic beside the mean and
// median) and records its work. The body runs the benchmark loop itself (or calls run_paired).
void add(const std::string& name, Work work, std::function<void(benchmark::State&)> body, bool paired = false);

// The loop of a paired benchmark (registered with paired = true). Each iteration times `ours` and
// `reference` once each, who goes first alternating. A neighbour's burst only ever adds time, and only to
// some iterations, so the counters use per-iteration medians and minima rather than totals:
//   xgrad_us, reference_us   median time per iteration (the reference's multiplied by reference_scale)
//   ratio                    xgrad_us / reference_us
//   ratio_min                fastest xgrad iteration / fastest reference iteration
// The benchmark's own time (Google Benchmark's) is xgrad's mean time per iteration.
void run_paired(benchmark::State& state, const std::function<void()>& ours, const std::function<void()>& reference,
                double reference_scale = 1.0);

// BLAS threads for the GEMMs that follow (OpenBLAS; xgrad's own loops are single-threaded).
void set_blas_threads(int threads);

void register_limits();      // micro_limits.cpp: raw cblas_sgemm and STREAM copy/triad
void register_ops();         // micro_ops.cpp: matmul, Linear, elementwise ops, CrossEntropyLoss, a training step
void register_optimizers();  // micro_optim.cpp: one step of SGD, momentum, Adam, AdamW over 1M parameters
void register_checkpoint();  // micro_checkpoint.cpp: encoding and saving the MLP example's checkpoint

}  // namespace bench
