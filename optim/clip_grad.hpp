#pragma once
// Gradient clipping, as torch.nn.utils (1.13). Both act on the gradients in place and skip parameters
// that have no gradient. (They live in optim/ because optim/ may not include nn/.)

#include <xgrad/core/tensor.hpp>

#include <vector>

namespace xg::optim {

// Scales all gradients by one factor so that their total norm (as if concatenated into one vector) is
// at most max_norm: factor = max_norm / (total_norm + 1e-6), applied only when it is below 1 (or NaN, as
// torch: a NaN norm makes every gradient NaN unless error_if_nonfinite). norm_type is p > 0 or
// INFINITY (the largest absolute value). Returns the total norm before clipping; 0 with no gradients.
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

// Clamps every gradient element into [-clip_value, clip_value].
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);

}  // namespace xg::optim
