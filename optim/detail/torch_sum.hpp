#pragma once
// Internal to LBFGS: torch's Tensor.sum() of a float32 vector, to the bit (its first step is
// min(1, 1 / sum|g|) * lr, so the sum's rounding shows in every later number).

#include <vector>

namespace xg::optim::detail {

// Tensor.sum() of a contiguous float32 vector on torch 1.13's AVX2 CPU path, one thread (torch uses one
// below 32768 values).
float torch_sum(const std::vector<float>& x);

}  // namespace xg::optim::detail
