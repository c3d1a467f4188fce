#pragma once
// The MPI job this process belongs to: starting and stopping MPI, this process's rank, the job's size,
// and taking the whole job down when one rank fails.
//
//   int main(int argc, char** argv) {
//     xg::distributed::Environment mpi(argc, argv);   // MPI_Init; MPI_Finalize when it goes out of scope
//     if (xg::distributed::rank() == 0) std::printf("%d processes\n", xg::distributed::world_size());
//   }
//
// A rank that fails must never leave the others waiting forever inside a collective (an allreduce
// that one rank never joins blocks the rest). So every way out of a failing rank ends the whole job
// with MPI_Abort: an MPI error (MPI_COMM_WORLD's handler is MPI_ERRORS_ARE_FATAL), an uncaught
// exception (std::terminate), an exception leaving the Environment's scope, and abort() below, which
// a program calls from its own error path with a message. mpirun then stops every rank and exits
// non-zero; the message names the failing rank.

#include <string>

namespace xg::distributed {

class Environment {
 public:
  // MPI_Init. Throws xg::Error when MPI is already initialised (one Environment per process).
  Environment(int& argc, char**& argv);
  Environment();
  // MPI_Finalize; or, when an exception is unwinding through here, MPI_Abort of the whole job.
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
};

// This process's number in MPI_COMM_WORLD, 0 .. world_size() - 1. Both throw xg::Error before an
// Environment exists.
int rank();
int world_size();

// Whether a launcher (mpirun, mpiexec or Slurm's srun through PMI/PMIx) started this process, read
// from the variables it sets. A program built with MPI can then run alone without initialising it.
bool launched_by_mpi_launcher();

// Prints "xgrad: rank R of W: MESSAGE" to stderr and ends every rank of the job with MPI_Abort
// (exit code `exit_code`). Without an initialised MPI it prints the message and calls std::exit.
[[noreturn]] void abort(const std::string& message, int exit_code = 1);

}  // namespace xg::distributed
