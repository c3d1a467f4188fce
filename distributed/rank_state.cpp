#include <xgrad/distributed/rank_state.hpp>

#include <mpi.h>

#include <cstdint>
#include <cstring>

namespace xg::distributed {

bool broadcast_decision(bool decision, int root) {
  int value = decision ? 1 : 0;
  MPI_Bcast(&value, 1, MPI_INT, root, MPI_COMM_WORLD);
  return value != 0;
}

std::vector<GeneratorState> gather_generator_states(const Generator& generator, int root) {
  // Four 64-bit words a rank: seed, counter, whether a spare normal is held, and its bits.
  const GeneratorState mine = generator.get_state();
  std::uint64_t words[4] = {mine.seed, mine.state, mine.has_spare_normal ? 1u : 0u, 0};
  std::memcpy(&words[3], &mine.spare_normal, sizeof(double));
  int rank = 0, world = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  std::vector<std::uint64_t> all(rank == root ? 4 * static_cast<std::size_t>(world) : 0);
  MPI_Gather(words, 4, MPI_UINT64_T, all.data(), 4, MPI_UINT64_T, root, MPI_COMM_WORLD);
  std::vector<GeneratorState> states;
  for (std::size_t at = 0; at < all.size(); at += 4) {
    GeneratorState state;
    state.seed = all[at];
    state.state = all[at + 1];
    state.has_spare_normal = all[at + 2] != 0;
    std::memcpy(&state.spare_normal, &all[at + 3], sizeof(double));
    states.push_back(state);
  }
  return states;
}

}  // namespace xg::distributed
