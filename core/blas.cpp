#include <xgrad/core/blas.hpp>

#include <cblas.h>

namespace xg::blas {

void sgemm(bool transpose_a, bool transpose_b, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n, k,
              alpha, a, lda, b, ldb, beta, c, ldc);
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
