#pragma once
// The one door to BLAS. Raw cblas calls live in blas.cpp alone: <cblas.h> and xtensor-blas's
// headers cannot share a translation unit (FLENS redeclares the CBLAS functions).

namespace xg::blas {

// C = alpha * op(A) * op(B) + beta * C for row-major float matrices, where op(X) is X or its
// transpose. op(A) is m x k, op(B) is k x n, C is m x n; ld* are the row strides as stored.
// Transposes are BLAS flags: nothing is copied.
void sgemm(bool transpose_a, bool transpose_b, int m, int n, int k, float alpha, const float* a, int lda,
           const float* b, int ldb, float beta, float* c, int ldc);

// Threads BLAS may use (OpenBLAS); a no-op with another BLAS.
void set_num_threads(int threads);
int get_num_threads();

}  // namespace xg::blas
