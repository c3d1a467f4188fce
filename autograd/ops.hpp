#pragma once
// Differentiable ops. Each is defined in one .cpp file of this folder with its backward right beside
// its forward. Binary arithmetic broadcasts like NumPy; a scalar may stand on either side.

#include <xgrad/core/node.hpp>
#include <xgrad/core/tensor.hpp>

namespace xg {

// ---- arithmetic (arithmetic.cpp) ----
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, float b);
Tensor sub(const Tensor& a, float b);
Tensor sub(float a, const Tensor& b);
Tensor mul(const Tensor& a, float b);
Tensor div(const Tensor& a, float b);
Tensor div(float a, const Tensor& b);
Tensor neg(const Tensor& x);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator+(const Tensor& a, float b) { return add(a, b); }
inline Tensor operator+(float a, const Tensor& b) { return add(b, a); }
inline Tensor operator-(const Tensor& a, float b) { return sub(a, b); }
inline Tensor operator-(float a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, float b) { return mul(a, b); }
inline Tensor operator*(float a, const Tensor& b) { return mul(b, a); }
inline Tensor operator/(const Tensor& a, float b) { return div(a, b); }
inline Tensor operator/(float a, const Tensor& b) { return div(a, b); }
inline Tensor operator-(const Tensor& x) { return neg(x); }

// ---- elementwise math (math.cpp) ----
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor pow(const Tensor& x, float exponent);
Tensor abs(const Tensor& x);
Tensor clamp(const Tensor& x, float min, float max);

// ---- activations (activation.cpp) ----
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, float negative_slope = 0.01f);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
// The exact GELU, x * Phi(x) with the normal CDF (PyTorch's default approximate='none').
Tensor gelu(const Tensor& x);
// alpha (e^x - 1) for x <= 0, else x (torch.nn.functional.elu).
Tensor elu(const Tensor& x, float alpha = 1.0f);
// x sigmoid(x), also called swish.
Tensor silu(const Tensor& x);
// log(1 + e^(beta x)) / beta; x itself where beta x > threshold.
Tensor softplus(const Tensor& x, float beta = 1.0f, float threshold = 20.0f);

// ---- matrix product (matmul.cpp) ----
// [m, k] x [k, n] -> [m, n], and a batch [b, m, k] x [k, n] -> [b, m, n]. Runs on cblas_sgemm.
Tensor matmul(const Tensor& a, const Tensor& b);

// ---- reductions (reduce.cpp) ----
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, long axis, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, long axis, bool keepdim = false);
// As in PyTorch: max over everything shares the gradient evenly among tied maxima; max along an axis
// gives it to the first maximal element of each slice. NaN counts as the maximum (it propagates).
Tensor max(const Tensor& x);
Tensor max(const Tensor& x, long axis, bool keepdim = false);

// ---- shape (shape_ops.cpp) ----
Tensor reshape(const Tensor& x, const Shape& shape);
// Swaps the two dimensions of a 2-D tensor.
Tensor transpose(const Tensor& x);
// Rows `indices` of x along axis 0, in that order (repeats allowed): batching a dataset.
Tensor index_select(const Tensor& x, const std::vector<std::size_t>& indices);

// ---- softmax (softmax.cpp) ----
// Numerically stable: the row maximum is subtracted first, so logits of 1e4 are fine.
Tensor softmax(const Tensor& x, long axis = -1);
Tensor log_softmax(const Tensor& x, long axis = -1);

}  // namespace xg
