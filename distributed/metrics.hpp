#pragma once
// Metrics over the whole job: each rank measures its own examples, these add them up across ranks.
//
//   double loss_sum = ..., correct = ...;  std::int64_t seen = ...;      // this rank's examples
//   double mean_loss = xg::distributed::all_reduce_mean(loss_sum, seen);  // over every rank's examples
//
// Every rank gets the same result (one MPI_Allreduce each). Sums are in double, so a sum of counts is
// exact up to 2^53.

#include <xgrad/data/preprocess.hpp>

#include <cstdint>
#include <vector>

namespace xg::distributed {

double all_reduce_sum(double value);
std::int64_t all_reduce_sum(std::int64_t value);
// Several sums in one call, element by element.
std::vector<double> all_reduce_sum(std::vector<double> values);
// (sum over ranks of local_sum) / (sum over ranks of local_count); 0 when no rank counted anything.
double all_reduce_mean(double local_sum, std::int64_t local_count);

// The moments of every rank's examples: each rank's FeatureMoments (of its shard, possibly empty:
// count 0) go to all (MPI_Allgather) and are merged in rank order, so every rank holds the same
// bits. The merge is Chan's exact pairwise update, so a Standardizer fitted on the result has the
// statistics of the whole data set up to double rounding. Throws xg::Error on every rank when the
// ranks' example shapes differ.
data::FeatureMoments all_gather_moments(const data::FeatureMoments& mine);

}  // namespace xg::distributed
