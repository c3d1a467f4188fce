#include <xgrad/distributed/metrics.hpp>

#include <mpi.h>

namespace xg::distributed {

double all_reduce_sum(double value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return value;
}

std::int64_t all_reduce_sum(std::int64_t value) {
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  return value;
}

std::vector<double> all_reduce_sum(std::vector<double> values) {
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return values;
}

double all_reduce_mean(double local_sum, std::int64_t local_count) {
  const std::vector<double> totals = all_reduce_sum({local_sum, static_cast<double>(local_count)});
  return totals[1] > 0 ? totals[0] / totals[1] : 0.0;
}

}  // namespace xg::distributed
