#include <xgrad/distributed/sharded_optimizer.hpp>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

namespace xg::distributed {

ShardedOptimizer::ShardedOptimizer(SharedMemoryAllReduce& exchange, optim::Optimizer& optimizer)
    : exchange_(exchange), optimizer_(optimizer) {
  optimizer_.set_value_ranges(exchange_.my_value_ranges());
}

void ShardedOptimizer::reduce_gradients(const AllReduceOptions& options) { exchange_.reduce_scatter(options); }

void ShardedOptimizer::share_parameters() {
  exchange_.all_gather_ranges([](const Tensor& p) {
    Tensor param = p;  // a handle to the same values, writable
    return param.data().data();
  });
}

void ShardedOptimizer::consolidate_state_dict() {
  // Through the public state_dict(): a copy of the state, its buffers filled in, loaded back. A save
  // is rare (a checkpoint, the end), and load_state_dict checks everything it takes.
  optim::OptimizerStateDict dict = optimizer_.state_dict();
  std::unordered_map<const TensorImpl*, optim::OptimizerParamState*> state_of;
  std::size_t index = 0;
  for (const optim::OptimizerParamGroup& group : optimizer_.param_groups()) {
    for (const Tensor& p : group.params()) {
      const auto found = dict.state.find(index++);
      if (found != dict.state.end()) state_of[p.id()] = &found->second;
    }
  }
  // One exchange per buffer name; a parameter without that buffer is skipped, on every rank alike
  // (every rank created the same state: the same gradients, the same steps). The per-parameter
  // numbers (NAdam's mu_product) are the same on every rank already.
  const std::vector<std::string> scalars = optimizer_.state_scalar_names();
  for (const std::string& name : optimizer_.state_buffer_names()) {
    if (std::find(scalars.begin(), scalars.end(), name) != scalars.end()) continue;
    exchange_.all_gather_ranges([&](const Tensor& p) -> float* {
      const auto state = state_of.find(p.id());
      if (state == state_of.end()) return nullptr;
      const auto buffer = state->second->buffers.find(name);
      return buffer == state->second->buffers.end() ? nullptr : buffer->second.data();
    });
  }
  optimizer_.load_state_dict(dict);
}

}  // namespace xg::distributed
