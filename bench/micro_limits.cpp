// The machine's limits, measured in the same run as the library: raw cblas_sgemm at the MLP's shapes
// (into buffers allocated once, nothing else per call), and STREAM-like copy and triad bandwidth.
// No xgrad code here: this is what xgrad is measured against.

#include "micro.hpp"

#include <cblas.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace bench {

namespace {

// C [m, n] = op(A) op(B) + beta C, row-major and dense.
void sgemm(bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, const float* b, float* c,
           float beta = 0.0f) {
  cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n, k,
              1.0f, a, transpose_a ? m : k, b, transpose_b ? k : n, beta, c, n);
}

std::vector<float> filled(std::size_t n, float value) { return std::vector<float>(n, value); }

// The streaming loops are compiled for AVX2 too (the CPU picks a version when the program loads), as
// xgrad's optimizer loops are: a limit measured with narrower vectors would flatter the library.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && defined(__linux__)
#define BENCH_KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define BENCH_KERNEL
#endif

BENCH_KERNEL void copy_range(const float* a, float* c, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) c[i] = a[i];
}

BENCH_KERNEL void triad_range(float* a, const float* b, const float* c, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) a[i] = b[i] + 3.0f * c[i];
}

BENCH_KERNEL void axpy_range(float* a, const float* b, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) a[i] += 1e-3f * b[i];
}
std::size_t size(int rows, int columns) { return static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns); }

}  // namespace

double mlp_step_flops() {
  double flops = -layer_flops(kLayers[0]);  // the input needs no gradient
  for (const Layer& layer : kLayers) flops += 3 * layer_flops(layer);
  return flops;
}

RawLayer::RawLayer(const Layer& layer)
    : layer_(layer),
      x_(filled(size(kBatch, layer.in), 0.5f)),
      w_(filled(size(layer.out, layer.in), 0.01f)),
      g_(filled(size(kBatch, layer.out), 0.25f)),
      y_(filled(size(kBatch, layer.out), 0.0f)),
      dx_(filled(size(kBatch, layer.in), 0.0f)),
      dw_(filled(size(layer.out, layer.in), 0.0f)),
      b_(filled(size(1, layer.out), 0.1f)),
      db_(filled(size(1, layer.out), 0.0f)),
      x_in_(x_.data()),
      w_in_(w_.data()),
      g_in_(g_.data()),
      b_in_(b_.data()) {}

void RawLayer::read_operands_from(const float* x, const float* w, const float* g, const float* b) {
  if (x != nullptr) x_in_ = x;
  if (w != nullptr) w_in_ = w;
  if (g != nullptr) g_in_ = g;
  if (b != nullptr) b_in_ = b;
}

void RawLayer::run(const std::string& product) {
  const int in = layer_.in, out = layer_.out;
  if (product == "linear_fwd") {
    sgemm(false, true, kBatch, out, in, x_in_, w_in_, y_.data());
  } else if (product == "linear_dx") {
    sgemm(false, false, kBatch, in, out, g_in_, w_in_, dx_.data());
  } else if (product == "linear_dw") {
    sgemm(true, false, out, in, kBatch, g_in_, x_in_, dw_.data());
  } else if (product == "matmul_fwd") {
    sgemm(false, false, kBatch, out, in, x_in_, w_in_, y_.data());
  } else if (product == "matmul_da") {
    sgemm(false, true, kBatch, in, out, g_in_, w_in_, dx_.data());
  } else if (product == "matmul_db") {
    sgemm(true, false, in, out, kBatch, x_in_, g_in_, dw_.data());
  } else {
    throw std::invalid_argument("RawLayer: unknown product " + product);
  }
}

void RawLayer::linear_forward_backward(bool with_dx) {
  run("linear_fwd");
  if (with_dx) run("linear_dx");
  run("linear_dw");
}

void RawLayer::linear_forward_with_bias() {
  const auto out = static_cast<std::size_t>(layer_.out);
  for (std::size_t r = 0; r < static_cast<std::size_t>(kBatch); ++r)
    std::copy(b_in_, b_in_ + out, y_.begin() + r * out);
  sgemm(false, true, kBatch, layer_.out, layer_.in, x_in_, w_in_, y_.data(), 1.0f);
}

void RawLayer::linear_forward_backward_with_bias() {
  linear_forward_with_bias();
  run("linear_dx");
  run("linear_dw");
  const auto out = static_cast<std::size_t>(layer_.out);
  std::fill(db_.begin(), db_.end(), 0.0f);
  for (std::size_t r = 0; r < static_cast<std::size_t>(kBatch); ++r) {
    for (std::size_t j = 0; j < out; ++j) db_[j] += g_in_[r * out + j];
  }
}

void RawLayer::matmul_forward_backward() {
  run("matmul_fwd");
  run("matmul_da");
  run("matmul_db");
}

Axpy::Axpy(std::size_t n) : a_(filled(n, 0.0f)), b_(filled(n, 1.0f)) {}

void Axpy::run() { axpy_range(a_.data(), b_.data(), 0, a_.size()); }

namespace {

const char* const kProducts[] = {"linear_fwd", "linear_dx", "linear_dw", "matmul_fwd", "matmul_da", "matmul_db"};

void register_sgemm() {
  for (const Layer& layer : kLayers) {
    for (const char* product : kProducts) {
      for (int threads : kThreadCounts) {
        add(std::string("raw_sgemm/") + product + "/" + layer.name() + "/t" + std::to_string(threads),
            {layer_flops(layer), 0}, [layer, product, threads](benchmark::State& state) {
              set_blas_threads(threads);
              RawLayer raw(layer);
              for (auto _ : state) {
                raw.run(product);
                benchmark::ClobberMemory();
              }
            });
      }
    }
  }
  for (int threads : kThreadCounts) {
    add("raw_sgemm/mlp_step_gemms/b128/t" + std::to_string(threads), {mlp_step_flops(), 0},
        [threads](benchmark::State& state) {
          set_blas_threads(threads);
          std::vector<RawLayer> layers(std::begin(kLayers), std::end(kLayers));
          for (auto _ : state) {
            for (std::size_t i = 0; i < layers.size(); ++i) layers[i].linear_forward_backward(i > 0);
            benchmark::ClobberMemory();
          }
        });
  }
}

// STREAM's copy (c = a, 8 bytes per element) and triad (a = b + s c, 12 bytes), and the in-place
// a += s b (12 bytes) that optimizers resemble, with 1M floats per array (4 MB: the arrays fit in L3,
// like an optimizer's buffers over 1M parameters) and 32M (128 MB: main memory). STREAM counts the bytes
// a kernel names; copy and triad also make the cache read each output line before overwriting it, so
// they move a third more than they count, and show less bandwidth than the in-place kernel.
// Two threads split the arrays in halves; only for the large arrays, where starting a thread (~50 us)
// is noise.
template <class Kernel>
void split(int threads, std::size_t n, Kernel kernel) {
  if (threads == 1) {
    kernel(std::size_t{0}, n);
    return;
  }
  std::vector<std::thread> workers;
  const std::size_t chunk = n / static_cast<std::size_t>(threads);
  for (int t = 1; t < threads; ++t) {
    const std::size_t begin = chunk * static_cast<std::size_t>(t);
    workers.emplace_back(kernel, begin, t + 1 == threads ? n : begin + chunk);
  }
  kernel(std::size_t{0}, chunk);
  for (std::thread& worker : workers) worker.join();
}

void register_stream() {
  for (const std::size_t n : {std::size_t{1} << 20, std::size_t{32} << 20}) {
    const std::string size = std::to_string(n >> 20) + "M";
    for (int threads : kThreadCounts) {
      if (threads > 1 && n < (std::size_t{32} << 20)) continue;
      const std::string suffix = "/" + size + "/t" + std::to_string(threads);
      add("stream/copy" + suffix, {0, 8.0 * static_cast<double>(n)}, [n, threads](benchmark::State& state) {
        const std::vector<float> a = filled(n, 1.0f);
        std::vector<float> c = filled(n, 0.0f);
        for (auto _ : state) {
          split(threads, n, [&](std::size_t begin, std::size_t end) { copy_range(a.data(), c.data(), begin, end); });
          benchmark::ClobberMemory();
        }
      });
      add("stream/triad" + suffix, {0, 12.0 * static_cast<double>(n)}, [n, threads](benchmark::State& state) {
        std::vector<float> a = filled(n, 0.0f);
        const std::vector<float> b = filled(n, 1.0f), c = filled(n, 2.0f);
        for (auto _ : state) {
          split(threads, n,
                [&](std::size_t begin, std::size_t end) { triad_range(a.data(), b.data(), c.data(), begin, end); });
          benchmark::ClobberMemory();
        }
      });
      add("stream/axpy_in_place" + suffix, {0, 12.0 * static_cast<double>(n)}, [n, threads](benchmark::State& state) {
        std::vector<float> a = filled(n, 0.0f);
        const std::vector<float> b = filled(n, 1.0f);
        for (auto _ : state) {
          split(threads, n, [&](std::size_t begin, std::size_t end) { axpy_range(a.data(), b.data(), begin, end); });
          benchmark::ClobberMemory();
        }
      });
    }
  }
}

}  // namespace

void register_limits() {
  register_sgemm();
  register_stream();
}

}  // namespace bench
