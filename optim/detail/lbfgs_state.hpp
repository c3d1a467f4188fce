#pragma once
// Internal to LBFGS: its memory (lbfgs_memory.hpp) as state entries of the first parameter, torch's
// names and kinds, so that state_dict() / save() / load() resume a run exactly. n is the number of
// values of all parameters together.

#include <xgrad/optim/detail/lbfgs_memory.hpp>
#include <xgrad/optim/state_dict.hpp>

#include <string>
#include <vector>

namespace xg::optim::detail {

// The entries LBFGS keeps (its state_buffer_names()).
std::vector<std::string> lbfgs_state_names();

// The memory in `state`, or a fresh one when state is null (before the first step).
LBFGSMemory load_lbfgs_memory(const OptimizerParamState* state, std::size_t n);
void store_lbfgs_memory(const LBFGSMemory& memory, OptimizerParamState& state, std::size_t n);

// load_state_dict's check of a saved state (LBFGS's restore_param_state): every entry known, of the
// right size; throws xg::Error naming `op` and the problem.
OptimizerParamState checked_lbfgs_state(const std::string& op, std::size_t index, const OptimizerParamState& saved,
                                        std::size_t n);

}  // namespace xg::optim::detail
