// Matrix product on cblas_sgemm, forward and backward. For C = A B with gradient G = dL/dC:
//   dL/dA = G B^T      dL/dB = A^T G
// The transposes are BLAS flags; no transposed copy is ever made.

#include <xgrad/autograd/ops.hpp>
#include <xgrad/core/blas.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/node.hpp>

namespace xg {

namespace {

// A batch of matrices is one tall matrix, its entries' rows stacked: [m, k] has m rows, [batch, m, k]
// has batch * m.
std::size_t stacked_rows(const Array& a) { return a.dimension() == 3 ? a.shape()[0] * a.shape()[1] : a.shape()[0]; }

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  // Shapes are read straight from the arrays (xtensor's small inline vectors): building Shapes would
  // cost allocations on every call, which shows on small products.
  const auto& shape_a = a.data().shape();
  const auto& shape_b = b.data().shape();
  if ((shape_a.size() != 2 && shape_a.size() != 3) || shape_b.size() != 2) {
    throw Error("matmul: expected [m, k] x [k, n] or [batch, m, k] x [k, n], got " + to_string(a.shape()) + " by " +
                to_string(b.shape()));
  }
  const std::size_t k = shape_a.back();
  if (k != shape_b[0]) {
    throw Error("matmul: cannot multiply " + to_string(a.shape()) + " by " + to_string(b.shape()) +
                ": inner dimensions " + std::to_string(k) + " and " + std::to_string(shape_b[0]) + " differ");
  }
  const std::size_t m = stacked_rows(a.data());
  const std::size_t n = shape_b[1];

  auto out_shape = shape_a;
  out_shape.back() = n;
  Array out = Array::from_shape(out_shape);
  blas::gemm(false, false, m, n, k, a.data().data(), b.data().data(), 0.0f, out.data());

  // The backward reads the sizes from the inputs: a closure that captures nothing fits in
  // std::function's own storage, where one capturing m, n and k would cost a heap allocation per call.
  return record("matmul", std::move(out), {a, b}, [](BackwardContext& ctx) {
    const Array& a = ctx.input(0);
    const Array& b = ctx.input(1);
    const std::size_t m = stacked_rows(a), k = b.shape()[0], n = b.shape()[1];
    const float* g = ctx.grad.data();
    // Each share is added in place to a gradient the input already holds (see accumulate_in_place).
    if (ctx.needs_grad(0)) {  // dA [m, k] = G [m, n] * B^T
      ctx.accumulate_in_place(
          0, [&](float* grad_a, float beta) { blas::gemm(false, true, m, k, n, g, b.data(), beta, grad_a); });
    }
    if (ctx.needs_grad(1)) {  // dB [k, n] = A^T * G
      ctx.accumulate_in_place(
          1, [&](float* grad_b, float beta) { blas::gemm(true, false, k, n, m, a.data(), g, beta, grad_b); });
    }
  });
}

}  // namespace xg
