#include <xgrad/distributed/environment.hpp>

#include <xgrad/core/error.hpp>

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace xg::distributed {
namespace {

bool mpi_running() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

// std::terminate's replacement: name the exception, then take the job down rather than leave the
// other ranks blocked in their next collective.
[[noreturn]] void terminate_job() {
  std::string message = "terminating";
  if (std::exception_ptr current = std::current_exception()) {
    try {
      std::rethrow_exception(current);
    } catch (const std::exception& e) {
      message = std::string("uncaught exception: ") + e.what();
    } catch (...) {
      message = "uncaught exception of an unknown type";
    }
  }
  abort(message);
}

void start(int* argc, char*** argv) {
  if (mpi_running()) throw Error("distributed::Environment: expected MPI not yet initialised, got it running");
  MPI_Init(argc, argv);
  // The default, said out loud: an MPI call that fails aborts the job instead of returning a code.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
  std::set_terminate(terminate_job);
}

int checked_query(const char* op, int (*query)(MPI_Comm, int*)) {
  if (!mpi_running()) {
    throw Error(std::string("distributed::") + op +
                ": expected MPI to be running, got none: create an xg::distributed::Environment first");
  }
  int value = 0;
  query(MPI_COMM_WORLD, &value);
  return value;
}

}  // namespace

Environment::Environment(int& argc, char**& argv) { start(&argc, &argv); }
Environment::Environment() { start(nullptr, nullptr); }

Environment::~Environment() {
  // Unwinding: this rank will not join the collectives the others are in (or about to enter).
  if (std::uncaught_exceptions() > 0) abort("an exception left the scope of xg::distributed::Environment");
  if (mpi_running()) MPI_Finalize();
}

int rank() { return checked_query("rank", MPI_Comm_rank); }
int world_size() { return checked_query("world_size", MPI_Comm_size); }

bool launched_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

void abort(const std::string& message, int exit_code) {
  if (mpi_running()) {
    int r = 0, w = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &w);
    std::fprintf(stderr, "xgrad: rank %d of %d: %s\nxgrad: aborting all %d ranks (MPI_Abort)\n", r, w, message.c_str(),
                 w);
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, exit_code);
  }
  std::fprintf(stderr, "xgrad: %s\n", message.c_str());
  std::exit(exit_code);
}

}  // namespace xg::distributed
