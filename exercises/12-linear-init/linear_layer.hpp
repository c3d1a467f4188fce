#pragma once
// Exercise 12: a Linear layer and its initialisation (README.md). Given: this header. You write the
// seven bodies in linear_layer.cpp; linear_op.hpp wraps the forward and backward into an op of the graph.

#include <xgrad/core/blas.hpp>
#include <xgrad/core/generator.hpp>
#include <xgrad/core/tensor.hpp>

#include <cstddef>

namespace course {

// Given: C = op(A) op(B) + beta * C for row-major float matrices, op(X) being X or (with its flag) X's
// transpose, read in place: op(A) is m x k, op(B) is k x n, C is m x n. beta 0 overwrites C; beta 1
// adds to what C holds. (xgrad's door to OpenBLAS, core/blas.hpp.)
inline void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, const float* a,
                 const float* b, float beta, float* c) {
  xg::blas::gemm(transpose_a, transpose_b, m, n, k, a, b, beta, c);
}

// torch.nn.init.calculate_gain("leaky_relu", negative_slope): sqrt(2 / (1 + negative_slope^2)). Yours.
double leaky_relu_gain(double negative_slope);

// The bound b of kaiming_uniform_(w, a, mode="fan_in") for a weight with fan_in inputs: it draws from
// U(-b, b), b = sqrt(3) * leaky_relu_gain(a) / sqrt(fan_in). Yours.
double kaiming_uniform_bound(std::size_t fan_in, double a);

// The bound of xavier_uniform_(w, gain): sqrt(3) * gain * sqrt(2 / (fan_in + fan_out)). Yours.
double xavier_uniform_bound(std::size_t fan_in, std::size_t fan_out, double gain);

// Overwrites every element of `values`, in order, with a draw from U(-bound, bound) of `generator`.
// Yours.
void fill_uniform(xg::Array& values, double bound, xg::Generator& generator);

// y = x W^T + b: x [rows, in], weight [out, in], bias [out]; y [rows, out]. Yours.
xg::Array linear_forward(const xg::Array& x, const xg::Array& weight, const xg::Array& bias);

struct LinearGradients {
  xg::Array x;       // dL/dx [rows, in]
  xg::Array weight;  // dL/dW [out, in]
  xg::Array bias;    // dL/db [out]
};

// The backward of linear_forward, from grad = dL/dy [rows, out]. Yours.
LinearGradients linear_backward(const xg::Array& grad, const xg::Array& x, const xg::Array& weight);

// torch.nn.Linear: weight [out, in] and bias [out], leaves that require grad.
struct LinearLayer {
  // Draws the weight first (kaiming_uniform_ with a = sqrt(5)), then the bias (U(-1/sqrt(in),
  // 1/sqrt(in))), both from `generator`, as torch.nn.Linear's reset_parameters does. Yours.
  LinearLayer(std::size_t in_features, std::size_t out_features, xg::Generator& generator);

  // y = x W^T + b through the given op course::linear (linear_op.hpp). Given, in linear_op.hpp.
  xg::Tensor forward(const xg::Tensor& x) const;

  xg::Tensor weight;
  xg::Tensor bias;
};

}  // namespace course
