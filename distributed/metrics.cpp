#include <xgrad/distributed/metrics.hpp>

#include <xgrad/core/error.hpp>

#include <mpi.h>

#include <algorithm>
#include <string>

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

data::FeatureMoments all_gather_moments(const data::FeatureMoments& mine) {
  // The features each rank has: a rank whose shard is empty still knows the example shape.
  const auto features = static_cast<long long>(numel_of(mine.example_shape));
  long long fewest = features, most = features;
  MPI_Allreduce(MPI_IN_PLACE, &fewest, 1, MPI_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &most, 1, MPI_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
  if (fewest != most) {
    throw Error("all_gather_moments: expected the same example shape on every rank, got " + std::to_string(fewest) +
                " to " + std::to_string(most) + " features; this rank has " + to_string(mine.example_shape));
  }
  // One row per rank: the count (exact in a double up to 2^53), the means, the squared deviations.
  const auto n = static_cast<std::size_t>(features);
  std::vector<double> row(1 + 2 * n, 0.0);
  row[0] = static_cast<double>(mine.count);
  if (mine.count > 0) {
    std::copy(mine.mean.begin(), mine.mean.end(), row.begin() + 1);
    std::copy(mine.squared_deviations.begin(), mine.squared_deviations.end(), row.begin() + 1 + static_cast<long>(n));
  }
  int world = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  std::vector<double> rows(row.size() * static_cast<std::size_t>(world));
  MPI_Allgather(row.data(), static_cast<int>(row.size()), MPI_DOUBLE, rows.data(), static_cast<int>(row.size()),
                MPI_DOUBLE, MPI_COMM_WORLD);
  data::FeatureMoments all;
  all.example_shape = mine.example_shape;
  for (int rank = 0; rank < world; ++rank) {
    const double* at = rows.data() + static_cast<std::size_t>(rank) * row.size();
    data::FeatureMoments part;
    part.count = static_cast<std::int64_t>(at[0]);
    part.example_shape = mine.example_shape;
    part.mean.assign(at + 1, at + 1 + n);
    part.squared_deviations.assign(at + 1 + n, at + 1 + 2 * n);
    all.merge(part);
  }
  return all;
}

}  // namespace xg::distributed
