#include <xgrad/distributed/shared_memory_all_reduce.hpp>

#include <xgrad/core/error.hpp>

#include <mpi.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace xg::distributed {
namespace {

// The meeting's counter is a lock-free atomic in memory the processes share (address-free, so it
// works across processes as within one).
using Counter = std::atomic<std::uint64_t>;
static_assert(Counter::is_always_lock_free, "the ranks' meeting needs a lock-free 64-bit atomic");

// One rank's part of the shared window: its meeting counter (a cache line of its own, so that a rank
// spinning on it does not slow another's writes), then two buffers of doubles for small sums
// (SyncBatchNorm's), then two buffers of floats for the gradients. Every part is a whole number of
// cache lines, so every rank's part starts aligned.
constexpr std::size_t kLine = 64;
constexpr std::size_t kSumCapacity = 2048;  // doubles per buffer; longer sums go in pieces

std::size_t round_up(std::size_t bytes) { return (bytes + kLine - 1) / kLine * kLine; }

void pause_briefly() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

}  // namespace

struct SharedMemoryAllReduce::State {
  std::vector<Tensor> params;  // those that require a gradient
  std::size_t floats = 0;      // their elements, one buffer of a rank's part
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Win window = MPI_WIN_NULL;
  int rank = 0, world = 1;
  std::vector<Counter*> counters;  // every rank's, in rank order
  std::vector<double*> sums;       // every rank's 2 x kSumCapacity doubles
  std::vector<float*> parts;       // every rank's 2 x floats
  std::uint64_t meetings = 0;      // how many this rank has arrived at
  int buffer = 0, sum_buffer = 0;  // which of the two the next call uses
  // What lifetime() hands out a weak pointer to: it dies with this exchange.
  std::shared_ptr<const bool> alive = std::make_shared<const bool>(true);

  // Publishes this rank's writes and waits until every rank has arrived at the same meeting.
  void meet();
  // The flat range of the values rank r owns in a sharded step: [floats * r / W, floats * (r + 1) / W).
  optim::ValueRange flat_range(std::size_t r) const {
    const auto ranks = static_cast<std::size_t>(world);
    return {floats * r / ranks, floats * (r + 1) / ranks};
  }
  // How a rank's gradient enters the sum: times its examples (pre_scale), the sum then divided by
  // the global batch's (divisor); or as it is, the sum divided by the ranks.
  struct Weights {
    bool weighted;
    float pre_scale;
    float divisor;
  };
  Weights weights_of(const AllReduceOptions& options, const char* op) const;
  // Where the next buffer starts in every rank's part (the two alternate).
  std::size_t next_buffer();
  // Writes this rank's weighted gradients, the flat range `range` of them, into its part of the buffer
  // at `offset`.
  void pack(std::size_t offset, optim::ValueRange range, const Weights& w);
  // Values [first, first + count) of the flattened gradients, ((part 0 + part 1) + part 2 ...) / divisor
  // over the ranks' parts of the buffer at `offset`, into `grad` (the parameter's, from that first value).
  void sum_parts(float* grad, std::size_t offset, std::size_t first, std::size_t count, float divisor) const;
  // The same where this rank's own part was not packed: its term is read from `grad`, which holds its
  // own gradient there until the sum replaces it.
  void sum_with_own(float* grad, std::size_t offset, std::size_t first, std::size_t count, const Weights& w) const;
};

// Calls visit(param, first, last) for each parameter that holds values of the flat range, with the
// part of them it holds as [first, last) counted in the parameter and `at` the parameter's first flat
// index.
template <class Visit>
void for_each_part(const std::vector<Tensor>& params, optim::ValueRange range, Visit visit) {
  std::size_t at = 0;
  for (const Tensor& p : params) {
    const std::size_t n = p.numel();
    const std::size_t first = std::max(at, range.begin), last = std::min(at + n, range.end);
    if (first < last) visit(p, first - at, last - at, at);
    at += n;
  }
}

// Every rank counts the meetings it arrives at; a meeting is over for a rank when every rank's count
// has reached its own. The release store publishes this rank's buffer, the acquire loads make the
// others' visible. How to wait: with one rank per core and a quiet machine, the other rank arrives
// within microseconds, and spinning (with the pause instruction, which frees the core's shared
// resources) catches it at once. On a busy machine the other rank may be waiting for a time slice
// that this spinning rank is burning: so after a few microseconds give the core away (sched_yield)
// on every further look. (MPI_Barrier with mpi_yield_when_idle=0 spins without end, which on a busy
// machine made the job crawl; with 1 it yields from the first look, costing a time slice at every
// meeting.)
void SharedMemoryAllReduce::State::meet() {
  ++meetings;
  counters[static_cast<std::size_t>(rank)]->store(meetings, std::memory_order_release);
  constexpr auto kSpin = std::chrono::microseconds(5);
  const auto spin_until = std::chrono::steady_clock::now() + kSpin;
  bool spinning = true;
  for (const Counter* other : counters) {
    unsigned looks = 0;
    while (other->load(std::memory_order_acquire) < meetings) {
      if (!spinning) {
        sched_yield();
        continue;
      }
      pause_briefly();
      // The clock every 64 looks: a pause costs tens of cycles, a clock read about as much.
      if (++looks % 64 == 0) spinning = std::chrono::steady_clock::now() < spin_until;
    }
  }
}

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
  MPI_Comm_rank(s.node, &s.rank);
  const std::size_t sums_at = kLine;
  const std::size_t parts_at = sums_at + round_up(2 * kSumCapacity * sizeof(double));
  const std::size_t part_bytes = parts_at + round_up(2 * s.floats * sizeof(float));
  void* mine = nullptr;
  MPI_Win_allocate_shared(static_cast<MPI_Aint>(part_bytes), 1, MPI_INFO_NULL, s.node, &mine, &s.window);
  new (mine) Counter(0);
  for (int r = 0; r < s.world; ++r) {
    MPI_Aint size = 0;
    int unit = 0;
    char* part = nullptr;
    MPI_Win_shared_query(s.window, r, &size, &unit, &part);
    s.counters.push_back(reinterpret_cast<Counter*>(part));
    s.sums.push_back(reinterpret_cast<double*>(part + sums_at));
    s.parts.push_back(reinterpret_cast<float*>(part + parts_at));
  }
  MPI_Win_lock_all(MPI_MODE_NOCHECK, s.window);  // passive target: plain loads and stores
  MPI_Win_sync(s.window);
  MPI_Barrier(s.node);  // every counter initialized before anyone looks at one
}

SharedMemoryAllReduce::~SharedMemoryAllReduce() {
  State& s = *state_;
  if (s.window != MPI_WIN_NULL) {
    MPI_Win_unlock_all(s.window);
    MPI_Win_free(&s.window);
  }
  if (s.node != MPI_COMM_NULL) MPI_Comm_free(&s.node);
}

std::uint64_t SharedMemoryAllReduce::meetings() const { return state_->meetings; }

std::weak_ptr<const void> SharedMemoryAllReduce::lifetime() const { return state_->alive; }

std::vector<double> SharedMemoryAllReduce::all_gather(const std::vector<double>& local) {
  State& s = *state_;
  const std::size_t size = local.size();
  std::vector<double> all(size * s.sums.size());
  for (std::size_t start = 0; start < size; start += kSumCapacity) {
    const std::size_t n = std::min(kSumCapacity, size - start);
    const std::size_t offset = static_cast<std::size_t>(s.sum_buffer) * kSumCapacity;
    s.sum_buffer = 1 - s.sum_buffer;
    std::copy(local.data() + start, local.data() + start + n, s.sums[static_cast<std::size_t>(s.rank)] + offset);
    s.meet();
    for (std::size_t r = 0; r < s.sums.size(); ++r) {
      std::copy(s.sums[r] + offset, s.sums[r] + offset + n, all.data() + r * size + start);
    }
  }
  return all;
}

void SharedMemoryAllReduce::sum_over_ranks(std::vector<double>& values) {
  const std::vector<double> all = all_gather(values);
  // ((rank 0 + rank 1) + rank 2) ..., the same order on every rank.
  std::copy(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(values.size()), values.begin());
  for (std::size_t at = values.size(); at < all.size(); at += values.size()) {
    for (std::size_t j = 0; j < values.size(); ++j) values[j] += all[at + j];
  }
}

SharedMemoryAllReduce::State::Weights SharedMemoryAllReduce::State::weights_of(const AllReduceOptions& options,
                                                                               const char* op) const {
  if (options.global_examples() > 0 && options.local_examples() > options.global_examples()) {
    throw Error(std::string(op) + ": expected local examples <= global examples, got " +
                std::to_string(options.local_examples()) + " > " + std::to_string(options.global_examples()));
  }
  if (options.global_examples() == 0) return {false, 1.0f, static_cast<float>(world)};
  return {true, static_cast<float>(options.local_examples()), static_cast<float>(options.global_examples())};
}

std::size_t SharedMemoryAllReduce::State::next_buffer() {
  const std::size_t offset = static_cast<std::size_t>(buffer) * floats;
  buffer = 1 - buffer;
  return offset;
}

void SharedMemoryAllReduce::State::pack(std::size_t offset, optim::ValueRange range, const Weights& w) {
  // This rank's part: its gradients, weighted as all_reduce_gradients weighs them.
  float* part = parts[static_cast<std::size_t>(rank)] + offset;
  for_each_part(params, range, [&](const Tensor& p, std::size_t first, std::size_t last, std::size_t at) {
    float* out = part + at;
    if (!p.has_grad()) {
      std::fill(out + first, out + last, 0.0f);
      return;
    }
    const float* g = p.grad().data();
    if (w.weighted) {
      for (std::size_t j = first; j < last; ++j) out[j] = g[j] * w.pre_scale;
    } else {
      std::copy(g + first, g + last, out + first);
    }
  });
}

void SharedMemoryAllReduce::State::sum_parts(float* g, std::size_t offset, std::size_t first, std::size_t count,
                                             float divisor) const {
  // ((part 0 + part 1) + part 2 ...) / divisor, one pass per further rank, the last one dividing.
  const float* sum = parts[0] + offset + first;
  if (parts.size() == 1) {
    for (std::size_t j = 0; j < count; ++j) g[j] = sum[j] / divisor;
  }
  for (std::size_t r = 1; r < parts.size(); ++r) {
    const float* part = parts[r] + offset + first;
    if (r + 1 == parts.size()) {
      for (std::size_t j = 0; j < count; ++j) g[j] = (sum[j] + part[j]) / divisor;
    } else {
      for (std::size_t j = 0; j < count; ++j) g[j] = sum[j] + part[j];
    }
    sum = g;
  }
}

void SharedMemoryAllReduce::State::sum_with_own(float* g, std::size_t offset, std::size_t first, std::size_t count,
                                                const Weights& w) const {
  // What sum_parts computes, with this rank's term (its gradient times pre_scale: the very float pack
  // would have written; -ffp-contract=off keeps the product rounded on its own) taken from `g` itself.
  const auto me = static_cast<std::size_t>(rank);
  if (parts.size() == 2) {  // the common case, in one pass the compiler vectorizes
    const float* other = parts[1 - me] + offset + first;
    if (me == 0) {
      for (std::size_t j = 0; j < count; ++j) g[j] = (g[j] * w.pre_scale + other[j]) / w.divisor;
    } else {
      for (std::size_t j = 0; j < count; ++j) g[j] = (other[j] + g[j] * w.pre_scale) / w.divisor;
    }
    return;
  }
  for (std::size_t j = 0; j < count; ++j) {
    const float own = g[j] * w.pre_scale;
    float sum = me == 0 ? own : parts[0][offset + first + j];
    for (std::size_t r = 1; r < parts.size(); ++r) sum = sum + (r == me ? own : parts[r][offset + first + j]);
    g[j] = sum / w.divisor;
  }
}

void SharedMemoryAllReduce::all_reduce(const AllReduceOptions& options) {
  State& s = *state_;
  const State::Weights w = s.weights_of(options, "SharedMemoryAllReduce::all_reduce");
  const std::size_t offset = s.next_buffer();
  s.pack(offset, {0, s.floats}, w);
  s.meet();  // the one meeting of the exchange
  // Every rank's parts summed in rank order, the same on every rank, then averaged.
  std::size_t at = 0;
  for (Tensor& p : s.params) {
    s.sum_parts(p.mutable_grad().data(), offset, at, p.numel(), w.divisor);
    at += p.numel();
  }
}

std::unordered_map<const TensorImpl*, optim::ValueRange> SharedMemoryAllReduce::my_value_ranges() const {
  const State& s = *state_;
  std::unordered_map<const TensorImpl*, optim::ValueRange> ranges;
  for (const Tensor& p : s.params) ranges[p.id()] = {0, 0};
  for_each_part(s.params, s.flat_range(static_cast<std::size_t>(s.rank)),
                [&](const Tensor& p, std::size_t first, std::size_t last, std::size_t) {
                  ranges[p.id()] = {first, last};
                });
  return ranges;
}

void SharedMemoryAllReduce::reduce_scatter(const AllReduceOptions& options) {
  State& s = *state_;
  const State::Weights w = s.weights_of(options, "SharedMemoryAllReduce::reduce_scatter");
  const std::size_t offset = s.next_buffer();
  // Only the values other ranks sum: this rank adds its own straight from its gradients.
  const optim::ValueRange mine = s.flat_range(static_cast<std::size_t>(s.rank));
  s.pack(offset, {0, mine.begin}, w);
  s.pack(offset, {mine.end, s.floats}, w);
  s.meet();  // the one meeting of the exchange
  // Only this rank's range: the same sums as all_reduce's there, the same bits.
  for_each_part(s.params, mine, [&](const Tensor& p, std::size_t first, std::size_t last, std::size_t at) {
    Tensor param = p;  // a handle: mutable_grad() creates a zero gradient where there is none
    s.sum_with_own(param.mutable_grad().data() + first, offset, at + first, last - first, w);
  });
}

void SharedMemoryAllReduce::all_gather_ranges(const std::function<float*(const Tensor&)>& values_of) {
  State& s = *state_;
  const std::size_t offset = static_cast<std::size_t>(s.buffer) * s.floats;
  s.buffer = 1 - s.buffer;
  // Each rank writes only its own range of its own part, and reads only the owner's range of another's
  // part: no two ranks touch the same floats.
  const auto mine = static_cast<std::size_t>(s.rank);
  for_each_part(s.params, s.flat_range(mine),
                [&](const Tensor& p, std::size_t first, std::size_t last, std::size_t at) {
                  if (const float* values = values_of(p))
                    std::copy(values + first, values + last, s.parts[mine] + offset + at + first);
                });
  s.meet();
  for (std::size_t r = 0; r < s.parts.size(); ++r) {
    if (r == mine) continue;
    for_each_part(s.params, s.flat_range(r), [&](const Tensor& p, std::size_t first, std::size_t last, std::size_t at) {
      if (float* values = values_of(p)) {
        const float* from = s.parts[r] + offset + at;
        std::copy(from + first, from + last, values + first);
      }
    });
  }
}

}  // namespace xg::distributed
