#pragma once
// Metrics over the whole job: each rank measures its own examples, these add them up across ranks.
//
//   double loss_sum = ..., correct = ...;  std::int64_t seen = ...;      // this rank's examples
//   double mean_loss = xg::distributed::all_reduce_mean(loss_sum, seen);  // over every rank's examples
//
// Every rank gets the same result (one MPI_Allreduce each). Sums are in double, so a sum of counts is
// exact up to 2^53.

#include <cstdint>
#include <vector>

namespace xg::distributed {

double all_reduce_sum(double value);
std::int64_t all_reduce_sum(std::int64_t value);
// Several sums in one call, element by element.
std::vector<double> all_reduce_sum(std::vector<double> values);
// (sum over ranks of local_sum) / (sum over ranks of local_count); 0 when no rank counted anything.
double all_reduce_mean(double local_sum, std::int64_t local_count);

}  // namespace xg::distributed
