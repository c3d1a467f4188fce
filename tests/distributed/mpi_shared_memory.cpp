// Run as `mpirun -np N mpi_shared_memory`: SharedMemoryAllReduce's small exchanges (SyncBatchNorm's)
// against MPI's own. all_gather must return MPI_Allgather's doubles and sum_over_ranks MPI_Allreduce's
// sum in rank order, on every rank, for a short exchange (one meeting), one longer than a buffer (in
// pieces: 5000 values) and an empty one, many times over, so that the two alternating buffers and
// the meeting counters are exercised. Prints PASS or FAIL; exits 1 on failure.
#include <xgrad/distributed/distributed.hpp>
#include <xgrad/xgrad.hpp>

#include <mpi.h>

#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  xg::distributed::Environment mpi(argc, argv);
  const int rank = xg::distributed::rank(), world = xg::distributed::world_size();
  const xg::Tensor parameter = xg::ones({3}, true);
  xg::distributed::SharedMemoryAllReduce shared({parameter});
  bool ok = xg::distributed::SharedMemoryAllReduce::active() == &shared;
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
  int all_ok = ok ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (rank == 0) {
    std::printf("%d ranks: all_gather equals MPI_Allgather and sum_over_ranks the rank-order sum: %s\n", world,
                all_ok ? "yes" : "no");
    std::printf("%s\n", all_ok ? "PASS" : "FAIL");
  }
  return all_ok ? 0 : 1;
}
