#include <xgrad/distributed/shared_memory_all_reduce.hpp>

#include <xgrad/core/error.hpp>

#include <mpi.h>

#include <algorithm>
#include <string>

namespace xg::distributed {

struct SharedMemoryAllReduce::State {
  std::vector<Tensor> params;  // those that require a gradient
  std::size_t floats = 0;      // their elements, one rank's part of a buffer
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Win window = MPI_WIN_NULL;
  int world = 1;
  std::vector<float*> parts;  // every rank's 2 x floats, in rank order
  int buffer = 0;             // which of the two this call uses
};

bool SharedMemoryAllReduce::all_ranks_on_one_machine() {
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int node_size = 0, world = 0;
  MPI_Comm_size(node, &node_size);
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  MPI_Comm_free(&node);
  int all = node_size == world ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return all == 1;
}

SharedMemoryAllReduce::SharedMemoryAllReduce(const std::vector<Tensor>& params) : state_(std::make_unique<State>()) {
  check_same_parameters(params, "SharedMemoryAllReduce");
  if (!all_ranks_on_one_machine()) {
    throw Error(
        "SharedMemoryAllReduce: expected every rank on one machine, got ranks on several: use "
        "all_reduce_gradients");
  }
  State& s = *state_;
  for (const Tensor& p : params) {
    if (!p.requires_grad()) continue;
    s.params.push_back(p);
    s.floats += p.numel();
  }
  // Ranks in MPI_COMM_WORLD's order, so that "rank order" is the job's.
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &s.node);
  MPI_Comm_size(s.node, &s.world);
  float* mine = nullptr;
  MPI_Win_allocate_shared(static_cast<MPI_Aint>(2 * s.floats * sizeof(float)), sizeof(float), MPI_INFO_NULL, s.node,
                          &mine, &s.window);
  s.parts.resize(static_cast<std::size_t>(s.world));
  for (int r = 0; r < s.world; ++r) {
    MPI_Aint size = 0;
    int unit = 0;
    MPI_Win_shared_query(s.window, r, &size, &unit, &s.parts[static_cast<std::size_t>(r)]);
  }
  MPI_Win_lock_all(MPI_MODE_NOCHECK, s.window);  // passive target: loads and stores, MPI_Win_sync
}

SharedMemoryAllReduce::~SharedMemoryAllReduce() {
  State& s = *state_;
  if (s.window != MPI_WIN_NULL) {
    MPI_Win_unlock_all(s.window);
    MPI_Win_free(&s.window);
  }
  if (s.node != MPI_COMM_NULL) MPI_Comm_free(&s.node);
}

void SharedMemoryAllReduce::all_reduce(const AllReduceOptions& options) {
  State& s = *state_;
  if (options.global_examples() > 0 && options.local_examples() > options.global_examples()) {
    throw Error("SharedMemoryAllReduce::all_reduce: expected local examples <= global examples, got " +
                std::to_string(options.local_examples()) + " > " + std::to_string(options.global_examples()));
  }
  const bool weighted = options.global_examples() > 0;
  const float pre_scale = weighted ? static_cast<float>(options.local_examples()) : 1.0f;
  const float divisor = weighted ? static_cast<float>(options.global_examples()) : static_cast<float>(s.world);
  int rank = 0;
  MPI_Comm_rank(s.node, &rank);
  const std::size_t offset = static_cast<std::size_t>(s.buffer) * s.floats;
  s.buffer = 1 - s.buffer;

  // This rank's part: its gradients, weighted as all_reduce_gradients weighs them.
  float* out = s.parts[static_cast<std::size_t>(rank)] + offset;
  for (const Tensor& p : s.params) {
    const std::size_t n = p.numel();
    if (p.has_grad()) {
      const float* g = p.grad().data();
      if (weighted) {
        for (std::size_t j = 0; j < n; ++j) out[j] = g[j] * pre_scale;
      } else {
        std::copy(g, g + n, out);
      }
    } else {
      std::fill(out, out + n, 0.0f);
    }
    out += n;
  }
  // Everyone's stores visible to everyone: the one meeting of the step.
  MPI_Win_sync(s.window);
  MPI_Barrier(s.node);
  MPI_Win_sync(s.window);

  // Every rank's parts summed in rank order, the same on every rank, then averaged.
  std::size_t at = offset;
  for (Tensor& p : s.params) {
    float* g = p.mutable_grad().data();
    const std::size_t n = p.numel();
    // ((part 0 + part 1) + part 2 ...) / divisor, one pass per further rank, the last one dividing.
    const float* sum = s.parts[0] + at;
    if (s.parts.size() == 1) {
      for (std::size_t j = 0; j < n; ++j) g[j] = sum[j] / divisor;
    }
    for (std::size_t r = 1; r < s.parts.size(); ++r) {
      const float* part = s.parts[r] + at;
      if (r + 1 == s.parts.size()) {
        for (std::size_t j = 0; j < n; ++j) g[j] = (sum[j] + part[j]) / divisor;
      } else {
        for (std::size_t j = 0; j < n; ++j) g[j] = sum[j] + part[j];
      }
      sum = g;
    }
    at += n;
  }
}

}  // namespace xg::distributed
