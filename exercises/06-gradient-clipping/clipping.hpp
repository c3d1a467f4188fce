#pragma once
// Exercise 06: gradient clipping (README.md). Given: these declarations. You write the three bodies
// in clipping.cpp.

#include <xgrad/core/tensor.hpp>
#include <xgrad/optim/optimizer.hpp>

#include <functional>
#include <vector>

namespace course {

// Scales every gradient of `params` by one common factor so that their global norm (all gradients as
// one long vector) is at most max_norm; parameters without a gradient are skipped. norm_type is p > 0
// or INFINITY. Returns the global norm before clipping (0 when no parameter has a gradient).
double clip_by_global_norm(const std::vector<xg::Tensor>& params, double max_norm, double norm_type = 2.0);

// Clamps every gradient entry of `params` into [-clip_value, clip_value].
void clip_by_value(const std::vector<xg::Tensor>& params, double clip_value);

// One training step with clipping in its place: clear the gradients, backward from the loss that
// `loss()` computes, clip the gradients of `params` to max_norm, step the optimizer. Returns the norm
// clip_by_global_norm returned.
double clipped_training_step(const std::function<xg::Tensor()>& loss, xg::optim::Optimizer& optimizer,
                             const std::vector<xg::Tensor>& params, double max_norm);

}  // namespace course
