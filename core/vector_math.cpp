#include <xgrad/core/vector_math.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#if defined(XGRAD_HAVE_LIBMVEC) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define XGRAD_VECTOR_MATH 1
#include <immintrin.h>
#endif

namespace xg::vector_math {

namespace {

using ScalarFn = float (*)(float);

float scalar_exp(float v) { return std::exp(v); }
float scalar_log(float v) { return std::log(v); }
float scalar_tanh(float v) { return std::tanh(v); }
float scalar_erf(float v) { return std::erf(v); }

// A template parameter rather than an argument, so that each element is a direct (inlined) call.
template <ScalarFn f>
void run_scalar(const float* x, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

#ifdef XGRAD_VECTOR_MATH

// libmvec's entry points, named by the x86-64 vector function ABI: _ZGV, then e (AVX-512) or d (AVX2),
// N (no mask), the lane count, v (one vector argument), and the scalar function's name.
extern "C" {
__m512 _ZGVeN16v_expf(__m512);
__m512 _ZGVeN16v_logf(__m512);
__m512 _ZGVeN16v_tanhf(__m512);
__m512 _ZGVeN16v_erff(__m512);
__m256 _ZGVdN8v_expf(__m256);
__m256 _ZGVdN8v_logf(__m256);
__m256 _ZGVdN8v_tanhf(__m256);
__m256 _ZGVdN8v_erff(__m256);
}

using Avx512Fn = __m512 (*)(__m512);
using Avx2Fn = __m256 (*)(__m256);

// Whole vectors straight from the array; the last partial one through a zero-padded buffer, so that
// every element goes through the same vector function wherever it sits.
__attribute__((target("avx512f"))) void run_avx512(Avx512Fn f, const float* x, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, f(_mm512_loadu_ps(x + i)));
  if (i < n) {
    float tail[16] = {};
    std::copy(x + i, x + n, tail);
    _mm512_storeu_ps(tail, f(_mm512_loadu_ps(tail)));
    std::copy(tail, tail + (n - i), out + i);
  }
}

__attribute__((target("avx2"))) void run_avx2(Avx2Fn f, const float* x, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(x + i)));
  if (i < n) {
    float tail[8] = {};
    std::copy(x + i, x + n, tail);
    _mm256_storeu_ps(tail, f(_mm256_loadu_ps(tail)));
    std::copy(tail, tail + (n - i), out + i);
  }
}

enum class Level { kScalar, kAvx2, kAvx512 };

// The widest version this CPU runs. XGRAD_VECTOR_MATH=avx2 or =scalar in the environment asks for a
// narrower one (the tests run every version this way); it never asks for more than the CPU has.
Level level() {
  static const Level chosen = [] {
    __builtin_cpu_init();  // in case the first call comes from a static constructor, before libgcc's own
    Level widest = Level::kScalar;
    if (__builtin_cpu_supports("avx512f")) {
      widest = Level::kAvx512;
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
      widest = Level::kAvx2;
    }
    const char* asked = std::getenv("XGRAD_VECTOR_MATH");
    const std::string request = asked != nullptr ? asked : "";
    if (request == "scalar") return Level::kScalar;
    if (request == "avx2") return std::min(widest, Level::kAvx2);
    return widest;
  }();
  return chosen;
}

template <ScalarFn scalar>
void run(Avx512Fn wide, Avx2Fn narrow, const float* x, float* out, std::size_t n) {
  switch (level()) {
    case Level::kAvx512:
      run_avx512(wide, x, out, n);
      return;
    case Level::kAvx2:
      run_avx2(narrow, x, out, n);
      return;
    case Level::kScalar:
      run_scalar<scalar>(x, out, n);
      return;
  }
}

// The three versions of libm's `name`: libmvec's AVX-512 and AVX2 ones, and the scalar one.
#define XGRAD_VECTOR_FN(name, scalar) run<scalar>(_ZGVeN16v_##name##f, _ZGVdN8v_##name##f, x, out, n)

#else

#define XGRAD_VECTOR_FN(name, scalar) run_scalar<scalar>(x, out, n)

#endif

}  // namespace

void exp(const float* x, float* out, std::size_t n) { XGRAD_VECTOR_FN(exp, scalar_exp); }
void log(const float* x, float* out, std::size_t n) { XGRAD_VECTOR_FN(log, scalar_log); }
void tanh(const float* x, float* out, std::size_t n) { XGRAD_VECTOR_FN(tanh, scalar_tanh); }
void erf(const float* x, float* out, std::size_t n) { XGRAD_VECTOR_FN(erf, scalar_erf); }

const char* implementation() {
#ifdef XGRAD_VECTOR_MATH
  switch (level()) {
    case Level::kAvx512:
      return "AVX-512 (libmvec)";
    case Level::kAvx2:
      return "AVX2 (libmvec)";
    case Level::kScalar:
      break;
  }
#endif
  return "scalar (libm)";
}

}  // namespace xg::vector_math
