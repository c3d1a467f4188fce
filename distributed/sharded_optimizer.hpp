#pragma once
// A sharded optimizer step on one machine, ZeRO stage 1 (torch's ZeroRedundancyOptimizer): each rank
// sums only its own range of the gradients' values, updates only that range of the parameters (and of
// the optimizer's state), and then the ranks share the updated values. The sum and the update, which
// every rank otherwise repeats on all the weights, are split between the ranks.
//
//   xg::distributed::SharedMemoryAllReduce exchange(net->parameters());  // collective; one machine only
//   xg::distributed::ShardedOptimizer sharded(exchange, optimizer);
//   for (...) {
//     loss.backward();
//     sharded.reduce_gradients(AllReduceOptions().examples(mine.size(), global.size()));  // my range
//     optimizer.step();                                                                 // my range
//     sharded.share_parameters();                                                       // all ranges
//   }
//   sharded.consolidate_state_dict();  // on every rank, before optimizer.save() or a checkpoint
//
// Afterwards every rank holds the same parameters, bit for bit the unsharded exchange's
// (SharedMemoryAllReduce::all_reduce, then a whole step): the same sums in the same order, the same
// per-element formula. The ranges are SharedMemoryAllReduce's (my_value_ranges): the flattened values
// cut evenly, even inside a tensor.
//
// After reduce_gradients a rank's gradients are the average only in its own range: whatever needs the
// whole averaged gradient (clip_grad_norm_, a gradient's norm in a log) needs SharedMemoryAllReduce::
// all_reduce and an unsharded step instead.
//
// Between consolidations a rank's optimizer state is current only in its own range (the step counts
// and other per-parameter numbers everywhere): consolidate_state_dict() shares every state buffer as
// share_parameters() shares the parameters, so that the state a rank saves is the unsharded one's.
// Only optimizers that update each value on their own can be sharded (SGD, Adam, AdamW, ...); LBFGS
// is refused.

#include <xgrad/distributed/shared_memory_all_reduce.hpp>
#include <xgrad/optim/optimizer.hpp>

namespace xg::distributed {

class ShardedOptimizer {
 public:
  // From now on optimizer.step() updates only this rank's range (Optimizer::set_value_ranges), for
  // good: optimizer.set_value_ranges({}) makes its steps whole again. Throws xg::Error for an optimizer
  // that cannot be sharded. Both must outlive every call here (not the destructor, which touches
  // neither, so that the optimizer may go first).
  ShardedOptimizer(SharedMemoryAllReduce& exchange, optim::Optimizer& optimizer);
  ShardedOptimizer(const ShardedOptimizer&) = delete;
  ShardedOptimizer& operator=(const ShardedOptimizer&) = delete;

  // After backward: this rank's range of every gradient averaged over the ranks
  // (SharedMemoryAllReduce::reduce_scatter; the rest of the gradients is stale). Collective.
  void reduce_gradients(const AllReduceOptions& options = {});
  // After optimizer.step(): every rank's updated range of the parameters to every rank. Collective.
  void share_parameters();
  // Every rank's range of every state buffer (state_buffer_names()) to every rank, so that every
  // rank's optimizer state is whole and the unsharded run's. Collective; the name is torch's, which
  // gathers on one rank only (to=0), here every rank ends with the whole state.
  void consolidate_state_dict();

 private:
  SharedMemoryAllReduce& exchange_;
  optim::Optimizer& optimizer_;
};

}  // namespace xg::distributed
