// Run as `mpirun -np N mpi_statistics ROWS`: the standardizer's statistics of a data set every rank
// holds whole, fitted the way the MLP example does under mpirun. Each rank takes its contiguous part
// of the ROWS examples (a part may be empty when ROWS < N), FeatureMoments::of(part); the parts go to
// every rank and are merged in rank order (all_gather_moments); Standardizer::fit. Checks that every
// rank holds the same bits, and that rank 0's statistics are one process's (FeatureMoments::of of all
// rows): the doubles within 1e-12 relative (Chan's merge regroups the sums), the floats a Standardizer
// keeps bit for bit. Then ranks that disagree on the example shape get an error naming it. Prints
// PASS or FAIL; exits 1 on failure.
#include <xgrad/distributed/distributed.hpp>
#include <xgrad/xgrad.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// Features on different scales and offsets (a wide one, a narrow one, one far from 0, one constant),
// so that a wrong merge shows in the mean and in the deviations.
xg::Array data(std::size_t rows) {
  xg::Generator generator(11);
  xg::Array values = xg::Array::from_shape({rows, 4});
  for (std::size_t i = 0; i < rows; ++i) {
    values(i, 0) = static_cast<float>(100.0 * generator.normal());
    values(i, 1) = static_cast<float>(0.01 * generator.normal());
    values(i, 2) = static_cast<float>(1000.0 + generator.normal());
    values(i, 3) = 5.0f;
  }
  return values;
}

xg::Array part_of(const xg::Array& all, int rank, int world) {
  const std::size_t rows = all.shape(0),
                    begin = rows * static_cast<std::size_t>(rank) / static_cast<std::size_t>(world),
                    end = rows * static_cast<std::size_t>(rank + 1) / static_cast<std::size_t>(world);
  xg::Array part = xg::Array::from_shape({end - begin, all.shape(1)});
  // An empty part has no storage to copy into (memcpy of a null pointer is undefined, even of 0 bytes).
  if (end > begin)
    std::memcpy(part.data(), all.data() + begin * all.shape(1), (end - begin) * all.shape(1) * sizeof(float));
  return part;
}

// A 64-bit hash of the bits of every double: equal on every rank when the moments are (and, but for a
// chance of about one in a million, different when they are not).
bool same_on_every_rank(const xg::data::FeatureMoments& moments) {
  // Unsigned, so that the hash may wrap around (a signed overflow is undefined, and UBSan says so).
  std::uint64_t hash = moments.count;
  for (const std::vector<double>* values : {&moments.mean, &moments.squared_deviations}) {
    for (double value : *values) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, &value, sizeof bits);
      hash = hash * 31 + bits;
    }
  }
  const double low = static_cast<double>(hash % 1000003);
  return xg::distributed::all_reduce_sum(low) == low * xg::distributed::world_size() &&
         xg::distributed::all_reduce_sum(low * low) == low * low * xg::distributed::world_size();
}

}  // namespace

int main(int argc, char** argv) {
  xg::distributed::Environment mpi(argc, argv);
  const int rank = xg::distributed::rank(), world = xg::distributed::world_size();
  const std::size_t rows = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 0;
  const xg::Array all = data(rows);
  const xg::Array mine = part_of(all, rank, world);
  xg::data::FeatureMoments local;
  local.example_shape = {4};
  if (mine.shape(0) > 0) local = xg::data::FeatureMoments::of(mine);
  const xg::data::FeatureMoments merged = xg::distributed::all_gather_moments(local);
  bool ok = same_on_every_rank(merged);
  if (rank == 0)
    std::printf("%d ranks, %zu rows: moments %s on every rank\n", world, rows, ok ? "bit-identical" : "DIFFERENT");

  // Ranks whose examples differ in shape: every rank throws, naming the shapes.
  xg::data::FeatureMoments odd;
  odd.example_shape = {rank == world - 1 ? std::size_t{5} : std::size_t{4}};
  try {
    xg::distributed::all_gather_moments(odd);
    ok = false;
  } catch (const xg::Error& e) {
    if (rank == 0) std::printf("rank 0 caught: %s\n", e.what());
  }
  if (rank != 0) return ok ? 0 : 1;

  const xg::data::FeatureMoments alone = xg::data::FeatureMoments::of(all);
  double worst = 0.0;
  for (std::size_t f = 0; f < 4; ++f) {
    const double scale_mean = std::max(1.0, std::fabs(alone.mean[f]));
    const double scale_deviations = std::max(1.0, alone.squared_deviations[f]);
    worst = std::max({worst, std::fabs(merged.mean[f] - alone.mean[f]) / scale_mean,
                      std::fabs(merged.squared_deviations[f] - alone.squared_deviations[f]) / scale_deviations});
  }
  xg::data::Standardizer from_ranks, from_one;
  from_ranks.fit(merged);
  from_one.fit(alone);
  const bool same_floats = from_ranks.mean() == from_one.mean() && from_ranks.stddev() == from_one.stddev();
  std::printf("count %lld (one process %lld); largest relative difference of a mean or sum of squares %.2e\n",
              static_cast<long long>(merged.count), static_cast<long long>(alone.count), worst);
  std::printf("standardizer's mean and stddev %s one process's\n", same_floats ? "bit-identical to" : "DIFFER from");
  ok = ok && merged.count == alone.count && worst <= 1e-12 && same_floats;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
