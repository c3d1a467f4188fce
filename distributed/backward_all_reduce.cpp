#include <xgrad/distributed/backward_all_reduce.hpp>

#include <xgrad/core/error.hpp>

#include <mpi.h>

#include <algorithm>
#include <string>

namespace xg::distributed {

using Clock = std::chrono::steady_clock;

struct BackwardAllReduce::State {
  struct Bucket {
    std::vector<std::size_t> members;  // indices into params
    std::size_t floats = 0;
    std::size_t ready = 0;  // members whose gradient is final in this step
    std::vector<float> values;
    MPI_Request request = MPI_REQUEST_NULL;
    bool started = false, completed = false;
  };
  std::vector<Tensor> params;
  std::vector<std::size_t> bucket_of;  // params[i] goes in buckets[bucket_of[i]]
  std::vector<std::size_t> hook_ids;
  std::vector<Bucket> buckets;  // in the order backward is expected to finish them
  AllReduceOptions options;
  bool in_step = false;
  int world = 1;
  Clock::time_point step_start;

  double now() const { return std::chrono::duration<double>(Clock::now() - step_start).count(); }

  void start(std::size_t b, std::vector<BucketTimes>& times) {
    Bucket& bucket = buckets[b];
    const bool weighted = options.global_examples() > 0;
    const float pre_scale = weighted ? static_cast<float>(options.local_examples()) : 1.0f;
    float* out = bucket.values.data();
    for (std::size_t i : bucket.members) {
      const std::size_t n = params[i].numel();
      if (params[i].has_grad()) {
        const float* g = params[i].grad().data();
        for (std::size_t j = 0; j < n; ++j) out[j] = weighted ? g[j] * pre_scale : g[j];
      } else {
        std::fill(out, out + n, 0.0f);
      }
      out += n;
    }
    MPI_Iallreduce(MPI_IN_PLACE, bucket.values.data(), static_cast<int>(bucket.floats), MPI_FLOAT, MPI_SUM,
                   MPI_COMM_WORLD, &bucket.request);
    bucket.started = true;
    times[b].started = now();
  }

  // One MPI_Test per bucket in flight: moves them on and notes which have completed.
  void progress(std::vector<BucketTimes>& times) {
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      Bucket& bucket = buckets[b];
      if (!bucket.started || bucket.completed) continue;
      int done = 0;
      MPI_Test(&bucket.request, &done, MPI_STATUS_IGNORE);
      if (done) {
        bucket.completed = true;
        times[b].completed = now();
      }
    }
  }
};

BackwardAllReduce::BackwardAllReduce(const std::vector<Tensor>& params, std::size_t bucket_bytes)
    : state_(std::make_unique<State>()) {
  if (bucket_bytes < sizeof(float)) {
    throw Error("BackwardAllReduce: expected a bucket of at least 4 bytes, got " + std::to_string(bucket_bytes));
  }
  check_same_parameters(params, "BackwardAllReduce");
  MPI_Comm_size(MPI_COMM_WORLD, &state_->world);
  State& s = *state_;
  s.params = params;
  s.bucket_of.resize(params.size());
  const std::size_t cap = bucket_bytes / sizeof(float);
  // Reverse registration order: the last layer's gradients are final first.
  for (std::size_t k = params.size(); k-- > 0;) {
    if (!params[k].requires_grad()) continue;
    if (s.buckets.empty() || (s.buckets.back().floats > 0 && s.buckets.back().floats + params[k].numel() > cap)) {
      s.buckets.emplace_back();
    }
    s.buckets.back().members.push_back(k);
    s.buckets.back().floats += params[k].numel();
    s.bucket_of[k] = s.buckets.size() - 1;
  }
  times_.resize(s.buckets.size());
  for (std::size_t b = 0; b < s.buckets.size(); ++b) {
    s.buckets[b].values.resize(s.buckets[b].floats);
    times_[b].bytes = s.buckets[b].floats * sizeof(float);
  }
  if (s.world == 1) return;  // one rank: nothing to exchange, no hooks
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (!params[k].requires_grad()) continue;
    Tensor param = params[k];
    s.hook_ids.push_back(param.register_post_accumulate_grad_hook([this, k](const Tensor&) {
      State& st = *state_;
      if (!st.in_step) return;  // a backward outside begin()/wait(): not ours to reduce
      const std::size_t b = st.bucket_of[k];
      if (++st.buckets[b].ready == st.buckets[b].members.size()) st.start(b, times_);
      st.progress(times_);
    }));
  }
}

BackwardAllReduce::~BackwardAllReduce() {
  State& s = *state_;
  std::size_t hook = 0;
  for (Tensor& param : s.params) {
    if (param.requires_grad() && hook < s.hook_ids.size()) param.remove_post_accumulate_grad_hook(s.hook_ids[hook++]);
  }
}

std::size_t BackwardAllReduce::bucket_count() const { return state_->buckets.size(); }

void BackwardAllReduce::begin(const AllReduceOptions& options) {
  State& s = *state_;
  if (s.in_step) throw Error("BackwardAllReduce::begin: the previous step's wait() was not called");
  if (options.global_examples() > 0 && options.local_examples() > options.global_examples()) {
    throw Error("BackwardAllReduce::begin: expected local examples <= global examples, got " +
                std::to_string(options.local_examples()) + " > " + std::to_string(options.global_examples()));
  }
  s.options = options;
  s.in_step = true;
  s.step_start = Clock::now();
  for (State::Bucket& bucket : s.buckets) {
    bucket.ready = 0;
    bucket.started = bucket.completed = false;
  }
  for (BucketTimes& t : times_) t.started = t.completed = 0.0;
}

void BackwardAllReduce::wait() {
  State& s = *state_;
  if (!s.in_step) throw Error("BackwardAllReduce::wait: begin() was not called before backward");
  s.in_step = false;
  backward_ended_ = s.now();
  if (s.world == 1) return;
  // Buckets backward did not complete start now, in bucket order: the same order on every rank.
  for (std::size_t b = 0; b < s.buckets.size(); ++b) {
    if (!s.buckets[b].started) s.start(b, times_);
  }
  const bool weighted = s.options.global_examples() > 0;
  const float divisor = weighted ? static_cast<float>(s.options.global_examples()) : static_cast<float>(s.world);
  for (std::size_t b = 0; b < s.buckets.size(); ++b) {
    State::Bucket& bucket = s.buckets[b];
    if (!bucket.completed) {
      MPI_Wait(&bucket.request, MPI_STATUS_IGNORE);
      bucket.completed = true;
      times_[b].completed = s.now();
    }
    const float* in = bucket.values.data();
    for (std::size_t i : bucket.members) {
      Tensor& param = s.params[i];
      float* g = param.mutable_grad().data();  // created (zeros) when this rank got no gradient
      const std::size_t n = param.numel();
      for (std::size_t j = 0; j < n; ++j) g[j] = in[j] / divisor;
      in += n;
    }
  }
}

}  // namespace xg::distributed
