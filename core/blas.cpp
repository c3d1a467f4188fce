#include <xgrad/core/blas.hpp>

#include <xgrad/core/error.hpp>

#include <cblas.h>

#include <algorithm>
#include <climits>

namespace xg::blas {

void sgemm(bool transpose_a, bool transpose_b, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n, k,
              alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, const float* a,
          const float* b, float beta, float* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (beta == 0.0f) std::fill(c, c + m * n, 0.0f);
    return;
  }
  if (m > INT_MAX || n > INT_MAX || k > INT_MAX) {
    throw Error("gemm: matrix sizes " + std::to_string(m) + ", " + std::to_string(n) + ", " + std::to_string(k) +
                " exceed what BLAS can index (" + std::to_string(INT_MAX) + ")");
  }
  const int lda = static_cast<int>(transpose_a ? m : k);
  const int ldb = static_cast<int>(transpose_b ? k : n);
  sgemm(transpose_a, transpose_b, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, a, lda, b, ldb,
        beta, c, static_cast<int>(n));
}

void set_num_threads(int threads) {
#ifdef XGRAD_HAVE_OPENBLAS
  openblas_set_num_threads(threads);
#else
  (void)threads;
#endif
}

int get_num_threads() {
#ifdef XGRAD_HAVE_OPENBLAS
  return openblas_get_num_threads();
#else
  return 1;
#endif
}

std::string core_name() {
#ifdef XGRAD_HAVE_OPENBLAS
  const char* name = openblas_get_corename();
  return name != nullptr ? name : "";
#else
  return "";
#endif
}

namespace {

// The best OpenBLAS kernels this CPU can run, from its features: "SkylakeX" (AVX-512), "Haswell"
// (AVX2 + FMA), or "" (no better choice than the generic ones).
std::string supported_core() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
    return "SkylakeX";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return "";
}

}  // namespace

std::string kernel_advice() {
  if (core_name() != "Prescott") return "";
  const std::string better = supported_core();
  if (better.empty()) return "";
  return "OpenBLAS chose its generic Prescott kernels, though this CPU can run its " + better +
         " ones (an OpenBLAS bug before 0.3.25): matrix products would run about 3x faster with "
         "OPENBLAS_CORETYPE=" +
         better + " set before the program starts (scripts/run.sh sets it)";
}

}  // namespace xg::blas
