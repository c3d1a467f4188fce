#pragma once
// Exercise 11: softmax and cross-entropy (README.md). Given: this header. You write the four bodies in
// softmax_cross_entropy.cpp; cross_entropy_op.hpp wraps two of them into an op that records a graph node.

#include <xgrad/core/tensor.hpp>
#include <xgrad/core/vector_math.hpp>

#include <cstddef>

namespace course {

// Given: e^x for each of the n floats at x, in place, with the vector exponential xgrad uses
// (core/vector_math.hpp). Its last bit can differ from std::exp's, so use this one where the checks
// compare with xgrad bit for bit.
inline void exp_in_place(float* x, std::size_t n) { xg::vector_math::exp(x, x, n); }

// The softmax of each row of logits [N, C]: e^(x - m) / sum e^(x - m), m the row's maximum. Yours.
xg::Array softmax_rows(const xg::Array& logits);

// The log of the softmax of each row: x - m - log(sum e^(x - m)). Yours.
xg::Array log_softmax_rows(const xg::Array& logits);

// What the forward of the loss hands on: each row's loss, their mean, and the softmax the backward needs.
struct CrossEntropyForward {
  xg::Array losses;  // [N]: -log p(label) of each row
  float mean = 0;    // the mean of losses (what CrossEntropyLoss returns)
  xg::Array probs;   // [N, C]: the softmax, as e^(log p)
};

// Cross-entropy of logits [N, C] against one label per row (each in 0..C-1). Yours.
CrossEntropyForward cross_entropy_forward(const xg::Array& logits, const xg::Labels& labels);

// dL/dlogits of the mean loss, scaled by grad_of_mean (dL/dmean, 1 for a loss that ends the graph):
// (softmax - onehot(label)) * (grad_of_mean / N). Yours.
xg::Array cross_entropy_backward(const xg::Array& probs, const xg::Labels& labels, float grad_of_mean);

}  // namespace course
