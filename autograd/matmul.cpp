// Matrix product on cblas_sgemm, forward and backward. For C = A B with gradient G = dL/dC:
//   dL/dA = G B^T      dL/dB = A^T G
// The transposes are BLAS flags; no transposed copy is ever made.

#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/blas.hpp>
#include <xgrad/core/error.hpp>

#include <algorithm>

namespace xg {

namespace {

int as_int(std::size_t n) { return static_cast<int>(n); }
int stride(std::size_t columns) { return std::max(1, as_int(columns)); }  // BLAS rejects ld = 0

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  const Shape shape_a = a.shape();
  const Shape shape_b = b.shape();
  if ((shape_a.size() != 2 && shape_a.size() != 3) || shape_b.size() != 2) {
    throw Error("matmul: expected [m, k] x [k, n] or [batch, m, k] x [k, n], got " + to_string(shape_a) + " by " +
                to_string(shape_b));
  }
  const std::size_t k = shape_a.back();
  if (k != shape_b[0]) {
    throw Error("matmul: cannot multiply " + to_string(shape_a) + " by " + to_string(shape_b) + ": inner dimensions " +
                std::to_string(k) + " and " + std::to_string(shape_b[0]) + " differ");
  }
  // A batch of matrices is one tall matrix: rows of all batch entries stacked, [batch * m, k].
  const std::size_t m = numel_of(Shape(shape_a.begin(), shape_a.end() - 1));
  const std::size_t n = shape_b[1];

  Shape out_shape = shape_a;
  out_shape.back() = n;
  Array out = xt::zeros<float>(out_shape);
  if (m > 0 && n > 0 && k > 0) {
    blas::sgemm(false, false, as_int(m), as_int(n), as_int(k), 1.0f, a.data().data(), stride(k), b.data().data(),
                stride(n), 0.0f, out.data(), stride(n));
  }
  return record("matmul", std::move(out), {a, b}, [m, n, k](BackwardContext& ctx) {
    if (m == 0 || n == 0 || k == 0) {  // an empty product: every gradient is zero
      if (ctx.needs_grad(0)) ctx.accumulate(0, xt::zeros<float>(ctx.input(0).shape()));
      if (ctx.needs_grad(1)) ctx.accumulate(1, xt::zeros<float>(ctx.input(1).shape()));
      return;
    }
    // Each share is added in place to a gradient the input already holds (see accumulate_in_place).
    if (ctx.needs_grad(0)) {  // dA [m, k] = G [m, n] * B^T
      ctx.accumulate_in_place(0, [&](float* grad_a, float beta) {
        blas::sgemm(false, true, as_int(m), as_int(k), as_int(n), 1.0f, ctx.grad.data(), stride(n), ctx.input(1).data(),
                    stride(n), beta, grad_a, stride(k));
      });
    }
    if (ctx.needs_grad(1)) {  // dB [k, n] = A^T * G
      ctx.accumulate_in_place(1, [&](float* grad_b, float beta) {
        blas::sgemm(true, false, as_int(k), as_int(n), as_int(m), 1.0f, ctx.input(0).data(), stride(k), ctx.grad.data(),
                    stride(n), beta, grad_b, stride(n));
      });
    }
  });
}

}  // namespace xg
