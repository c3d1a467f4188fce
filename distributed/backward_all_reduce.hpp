#pragma once
// all_reduce_gradients overlapped with backward, as torch's DistributedDataParallel does it: the
// gradients go in buckets in reverse order of registration (the order backward finishes them in a
// feed-forward net), and each bucket's non-blocking allreduce starts as soon as backward has finished
// its gradients, while backward goes on with the layers below.
//
//   xg::distributed::BackwardAllReduce reduce(net->parameters());   // registers gradient hooks
//   for (...) {
//     reduce.begin(AllReduceOptions().examples(mine.size(), global.size()));
//     loss.backward();                  // buckets start as their gradients become final
//     reduce.wait();                    // all done: every rank holds the averaged gradients
//     optimizer.step();
//   }
//
// OpenMPI moves a non-blocking collective forward only inside MPI calls, and with one rank per core
// there is no spare core for a progress thread: so every gradient hook also calls MPI_Test on the
// buckets in flight (progress between layers). The sums are the same as all_reduce_gradients' (the
// same MPI_SUM over the same values), so every rank ends bit-identical.
//
// The hooks live in core's engine (Tensor::register_post_accumulate_grad_hook), which knows nothing
// of MPI. The object removes them when it goes; the parameters must outlive it.

#include <xgrad/core/tensor.hpp>
#include <xgrad/distributed/gradients.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace xg::distributed {

class BackwardAllReduce {
 public:
  // Buckets of at most bucket_bytes (torch's first bucket is 1 MiB, the others 25 MiB; a smaller
  // default here because the whole default MLP holds 0.94 MB). Checks that every rank holds the same
  // parameters (count and shapes).
  explicit BackwardAllReduce(const std::vector<Tensor>& params, std::size_t bucket_bytes = 256 * 1024);
  ~BackwardAllReduce();
  BackwardAllReduce(const BackwardAllReduce&) = delete;
  BackwardAllReduce& operator=(const BackwardAllReduce&) = delete;

  // Before backward: how this step's gradients are weighed (AllReduceOptions::examples; its
  // bucket_bytes is the constructor's). Throws xg::Error when the previous step was not waited for.
  void begin(const AllReduceOptions& options = {});
  // After backward, before step(): starts any bucket backward did not finish (a parameter that got no
  // gradient on this step counts as zeros on this rank), waits for every bucket and writes the
  // averaged gradients back.
  void wait();

  // One step's timeline, in seconds since begin(): when each bucket started (its gradients final)
  // and when its allreduce was seen complete; when backward ended (wait() was called).
  struct BucketTimes {
    std::size_t bytes = 0;
    double started = 0.0, completed = 0.0;
  };
  const std::vector<BucketTimes>& timeline() const { return times_; }
  double backward_ended() const { return backward_ended_; }
  std::size_t bucket_count() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::vector<BucketTimes> times_;
  double backward_ended_ = 0.0;
};

}  // namespace xg::distributed
