#pragma once
// Internal to LBFGS: its parameters seen as one flat float32 vector x, in order (torch's
// _gather_flat_grad, _add_grad, _clone_param and _set_param).

#include <xgrad/core/tensor.hpp>

#include <cstddef>
#include <vector>

namespace xg::optim::detail {

// How many values the parameters hold together.
std::size_t flat_size(const std::vector<Tensor>& params);
// Their values, one after another.
std::vector<float> flat_values(const std::vector<Tensor>& params);
// Their gradients, zeros for a parameter without one; throws xg::Error naming `op` for a gradient whose
// shape is not its parameter's.
std::vector<float> flat_gradient(const std::vector<Tensor>& params, const char* op);
// x.add_(direction, alpha=step_size), one fused multiply-add per value, as torch.
void add_to_values(std::vector<Tensor>& params, float step_size, const std::vector<float>& direction);
// x = flat.
void set_values(std::vector<Tensor>& params, const std::vector<float>& flat);

}  // namespace xg::optim::detail
