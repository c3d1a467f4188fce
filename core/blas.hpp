#pragma once
// The one door to BLAS. Raw cblas calls live in blas.cpp alone: <cblas.h> and xtensor-blas's
// headers cannot share a translation unit (FLENS redeclares the CBLAS functions).

#include <cstddef>
#include <string>

namespace xg::blas {

// C = alpha * op(A) * op(B) + beta * C for row-major float matrices, where op(X) is X or its
// transpose. op(A) is m x k, op(B) is k x n, C is m x n; ld* are the row strides as stored.
// Transposes are BLAS flags: nothing is copied.
void sgemm(bool transpose_a, bool transpose_b, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc);

// The same for dense matrices (each leading dimension is its row length as stored), in sizes as
// tensors count them. An empty inner dimension (k = 0) gives C = beta * C without calling BLAS, which
// rejects leading dimensions of 0. Throws xg::Error when a size exceeds what BLAS's int can index.
void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, const float* a,
          const float* b, float beta, float* c);

// Threads BLAS may use (OpenBLAS); a no-op with another BLAS.
void set_num_threads(int threads);
int get_num_threads();

// The kernels OpenBLAS chose for this CPU when it was loaded ("Haswell", "SkylakeX", ...); "" with
// another BLAS.
std::string core_name();

// OpenBLAS before 0.3.25 (Debian 12 has 0.3.21) falls back to its generic "Prescott" kernels on
// Intel CPUs it does not know, though they have AVX2 or AVX-512 (OpenBLAS issue 4267): matrix products
// then run about 3x slower. In that case, one line of advice naming the OPENBLAS_CORETYPE this CPU
// supports (it must be set before the program starts: OpenBLAS reads it when it is loaded); "" when
// the kernels are fine.
std::string kernel_advice();

}  // namespace xg::blas
