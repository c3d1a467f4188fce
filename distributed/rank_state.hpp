#pragma once
// What one rank decides or holds alone, made known to the others.
//
//   stop = xg::distributed::broadcast_decision(stop);   // rank 0's decision, on every rank
//   std::vector<xg::GeneratorState> all = xg::distributed::gather_generator_states(xg::default_generator());
//
// A decision that ends a loop must be one rank's: ranks that decided apart (a loss differing in its
// last bit) would leave the loop at different times, and the one still in it would wait forever in the
// next allreduce.
#include <xgrad/core/generator.hpp>

#include <vector>

namespace xg::distributed {

// `decision` as `root` has it, on every rank (MPI_Bcast).
bool broadcast_decision(bool decision, int root = 0);

// Every rank's state of its `generator`, in rank order, on `root` (MPI_Gather); empty on the others.
// A checkpoint that rank 0 writes holds them all, so that each rank's random numbers (dropout masks)
// resume exactly.
std::vector<GeneratorState> gather_generator_states(const Generator& generator, int root = 0);

}  // namespace xg::distributed
