#pragma once
// Internal to LBFGS: what it remembers between iterations (torch's state['d'], ['t'], ['old_dirs'],
// ...), and the direction it computes from that memory, the two-loop recursion:
//   s = x_{k+1} - x_k = t d,  y = g_{k+1} - g_k;  a pair (s, y) is kept when y's > 1e-10 (the curvature
//   condition), the oldest dropped beyond history_size; then d = -H g, H the inverse Hessian estimate
//   of those pairs starting from H_diag * I, H_diag = y's / y'y of the newest pair.
// Float32 throughout, in torch 1.13's order of operations (dot as torch's, optim/detail/strong_wolfe.hpp).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace xg::optim::detail {

struct LBFGSMemory {
  std::int64_t func_evals = 0;                        // closure calls over all steps
  std::int64_t n_iter = 0;                            // iterations over all steps
  std::vector<float> d;                               // the last direction
  float t = 0;                                        // the last step length
  std::deque<std::vector<float>> old_dirs, old_stps;  // the y and s of the history, oldest first
  std::deque<float> ro;                               // 1 / y's of each pair
  float H_diag = 1;                                   // NOLINT(readability-identifier-naming): torch's name
  std::vector<float> prev_flat_grad;
  float prev_loss = 0;  // a float32 loss value (always read back after being set)
};

// x.add_(v, alpha=alpha): one fused multiply-add per element, as PyTorch's CPU kernel.
void add_scaled(float* x, const float* v, float alpha, std::size_t n);

// Sets memory.d for the iteration with gradient flat_grad: steepest descent -g on the very first
// iteration (n_iter 1, which also clears the history), else the pair of the last step t * d enters the
// history and d = -H g by the two-loop recursion.
void lbfgs_direction(LBFGSMemory& memory, const std::vector<float>& flat_grad, float t, std::size_t history_size);

}  // namespace xg::optim::detail
