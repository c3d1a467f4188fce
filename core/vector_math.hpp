#pragma once
// exp, log, tanh and erf over contiguous float arrays: out[i] = f(x[i]) for i < n (out may be x).
//
// The scalar libm functions are slow enough that a tanh layer took longer than the matmul before it
// (README, Benchmarks). glibc's vector math library (libmvec, glibc >= 2.35 for tanh and erf)
// computes 16 floats at a time with AVX-512 or 8 with AVX2, an order of magnitude faster and as
// accurate (within 1-4 ulp of the exact value; libm's are within 1-2). Where libmvec or those
// instructions are missing, the scalar std:: function runs instead. So the last bits of a result can
// depend on the machine, as in PyTorch (SLEEF's vector functions on its vectorized CPU paths); they
// never depend on where in the array a value sits.

#include <cstddef>

namespace xg::vector_math {

void exp(const float* x, float* out, std::size_t n);
void log(const float* x, float* out, std::size_t n);
void tanh(const float* x, float* out, std::size_t n);
void erf(const float* x, float* out, std::size_t n);

// Which implementation runs on this machine: "AVX-512 (libmvec)", "AVX2 (libmvec)" or "scalar (libm)".
// The environment variable XGRAD_VECTOR_MATH=avx2 or =scalar picks a narrower one (for tests).
const char* implementation();

}  // namespace xg::vector_math
