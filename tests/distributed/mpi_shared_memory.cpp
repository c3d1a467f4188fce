// Run as `mpirun -np N mpi_shared_memory`: SharedMemoryAllReduce's small exchanges (SyncBatchNorm's)
// against MPI's own. all_gather must return MPI_Allgather's doubles and sum_over_ranks MPI_Allreduce's
// sum in rank order, on every rank, for a short exchange (one meeting), one longer than a buffer (in
// pieces: 5000 values) and an empty one, many times over, so that the two alternating buffers and
// the meeting counters are exercised. Then SyncBatchNorm's exchange is the one it is given: a model
// converted with the exchange sums through it (meetings counted), one converted without it through MPI
// (none), with the same running statistics and outputs bit for bit and gradients within the
// equivalence tests' bound; a layer whose exchange was destroyed throws instead of using it. Prints
// PASS or FAIL; exits 1 on failure.
#include <xgrad/distributed/distributed.hpp>
#include <xgrad/xgrad.hpp>

#include "training_common.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

// A small MLP with a BatchNorm1d after each hidden Linear (indices 1 and 4), the same on every rank.
xg::nn::MLP normed_mlp() {
  xg::Generator init(5);
  return xg::nn::MLP({6, 5, 4, 3}, xg::nn::Activation::ReLU, 0.0, xg::nn::Norm::Batch, init);
}

struct Pass {
  xg::Array output, input_grad;
  std::vector<xg::Array> grads;
  std::uint64_t meetings = 0;  // the exchange's, during the pass
};

// One training pass of `net` on this rank's shard (4 + rank rows: uneven shards), loss sum(y * y).
Pass train_once(xg::nn::MLP& net, int rank, const xg::distributed::SharedMemoryAllReduce& shared) {
  xg::Generator generator(static_cast<std::uint64_t>(rank) + 100);
  const xg::Tensor x = xg::randn({4 + static_cast<std::size_t>(rank), 6}, generator, true);
  const std::uint64_t before = shared.meetings();
  const xg::Tensor y = net(x);
  xg::sum(y * y).backward();
  Pass pass{y.data(), x.grad(), {}, shared.meetings() - before};
  for (const xg::Tensor& p : net->parameters()) pass.grads.push_back(p.grad());
  return pass;
}

bool same_bits(const xg::Array& a, const xg::Array& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The largest |a - b| / max(1, |b|), as mpi_equivalence measures.
double difference(const xg::Array& a, const xg::Array& b) {
  double largest = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double scale = std::max(1.0, std::fabs(static_cast<double>(b.data()[i])));
    largest = std::max(largest, std::fabs(static_cast<double>(a.data()[i]) - b.data()[i]) / scale);
  }
  return largest;
}

std::vector<xg::Tensor> buffers_of(const xg::nn::MLP& net) {
  std::vector<xg::Tensor> buffers;
  for (const auto& [key, tensor] : net->state_dict()) {
    if (key.find("running_") != std::string::npos) buffers.push_back(tensor);
  }
  return buffers;
}

}  // namespace

int main(int argc, char** argv) {
  xg::distributed::Environment mpi(argc, argv);
  const int rank = xg::distributed::rank(), world = xg::distributed::world_size();
  const xg::Tensor parameter = xg::ones({3}, true);
  xg::distributed::SharedMemoryAllReduce shared({parameter});
  bool ok = true;
  xg::Generator generator(static_cast<std::uint64_t>(rank) + 1);
  for (int round = 0; round < 20; ++round) {
    for (std::size_t size : {std::size_t{257}, std::size_t{5000}, std::size_t{0}}) {
      std::vector<double> mine(size);
      for (double& value : mine) value = generator.normal() * (rank + 1);
      std::vector<double> expected(size * static_cast<std::size_t>(world));
      MPI_Allgather(mine.data(), static_cast<int>(size), MPI_DOUBLE, expected.data(), static_cast<int>(size),
                    MPI_DOUBLE, MPI_COMM_WORLD);
      ok = ok && shared.all_gather(mine) == expected;
      // The sum in rank order, as sum_over_ranks promises (at 2 ranks MPI_SUM's a + b).
      std::vector<double> sum(mine);
      shared.sum_over_ranks(sum);
      for (std::size_t j = 0; j < size; ++j) {
        double in_order = expected[j];
        for (int r = 1; r < world; ++r) in_order += expected[static_cast<std::size_t>(r) * size + j];
        ok = ok && sum[j] == in_order;
      }
    }
  }
  const bool exchanges_ok = xgtest::all_ranks(ok);

  // SyncBatchNorm through the exchange it is given, and through MPI without one.
  xg::nn::MLP through_mpi = normed_mlp(), through_shared = normed_mlp();
  xg::distributed::convert_sync_batchnorm(*through_mpi);
  xg::distributed::convert_sync_batchnorm(*through_shared, &shared);
  const Pass mpi_pass = train_once(through_mpi, rank, shared);
  const Pass shared_pass = train_once(through_shared, rank, shared);
  // 2 layers, each one gather in forward and one sum in backward, of a few values: one meeting each.
  const std::uint64_t shared_meetings = shared_pass.meetings, mpi_meetings = mpi_pass.meetings;
  bool same_forward = same_bits(shared_pass.output, mpi_pass.output);
  const std::vector<xg::Tensor> mpi_buffers = buffers_of(through_mpi), shared_buffers = buffers_of(through_shared);
  for (std::size_t i = 0; i < mpi_buffers.size(); ++i) {
    same_forward = same_forward && same_bits(shared_buffers[i].data(), mpi_buffers[i].data());
  }
  const bool buffers_on_every_rank = xg::distributed::same_on_every_rank(shared_buffers);
  // Backward's sums: at 2 ranks a + b either way; at 3 MPI may group them otherwise (README,
  // "Distributed training": the equivalence tests' bound, 2e-6).
  double gradient_difference = difference(shared_pass.input_grad, mpi_pass.input_grad);
  for (std::size_t i = 0; i < mpi_pass.grads.size(); ++i) {
    gradient_difference = std::max(gradient_difference, difference(shared_pass.grads[i], mpi_pass.grads[i]));
  }
  MPI_Allreduce(MPI_IN_PLACE, &gradient_difference, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  const bool forward_everywhere = xgtest::all_ranks(same_forward);
  const bool sync_ok = xgtest::all_ranks(shared_meetings == 4 && mpi_meetings == 0) && forward_everywhere &&
                       buffers_on_every_rank && (world == 2 ? gradient_difference == 0.0 : gradient_difference <= 2e-6);

  // A layer whose exchange is gone throws (on every rank, before any collective); set_exchange(nullptr)
  // sends it through MPI again.
  xg::nn::MLP orphan = normed_mlp();
  std::string caught;
  {
    xg::distributed::SharedMemoryAllReduce short_lived({parameter});
    xg::distributed::convert_sync_batchnorm(*orphan, &short_lived);
  }
  try {
    train_once(orphan, rank, shared);
  } catch (const xg::Error& e) {
    caught = e.what();
  }
  for (std::size_t layer : {std::size_t{1}, std::size_t{4}}) {
    dynamic_cast<xg::distributed::SyncBatchNormImpl&>(*orphan[layer]).set_exchange(nullptr);
  }
  const Pass rescued = train_once(orphan, rank, shared);
  const std::string expected_error =
      "SyncBatchNorm: expected its SharedMemoryAllReduce to outlive its training passes, got one already destroyed: "
      "keep the exchange alive, or set_exchange(nullptr) to sum through MPI";
  const bool orphan_ok = xgtest::all_ranks(caught == expected_error && rescued.meetings == 0 &&
                                           same_bits(rescued.output, mpi_pass.output));

  const bool all_ok = exchanges_ok && sync_ok && orphan_ok;
  if (rank == 0) {
    std::printf("%d ranks: all_gather equals MPI_Allgather and sum_over_ranks the rank-order sum: %s\n", world,
                exchanges_ok ? "yes" : "no");
    std::printf("SyncBatchNorm given the exchange: %llu meetings in a training pass; without: %llu\n",
                static_cast<unsigned long long>(shared_meetings), static_cast<unsigned long long>(mpi_meetings));
    std::printf(
        "through the exchange and through MPI: outputs and running statistics bit-identical: %s, "
        "running statistics the same on every rank: %s, largest gradient difference %.3e\n",
        forward_everywhere ? "yes" : "no", buffers_on_every_rank ? "yes" : "no", gradient_difference);
    std::printf("exchange destroyed first: %s\n", caught.c_str());
    std::printf("after set_exchange(nullptr), through MPI: %s\n", orphan_ok ? "yes" : "no");
    std::printf("%s\n", all_ok ? "PASS" : "FAIL");
  }
  return all_ok ? 0 : 1;
}
