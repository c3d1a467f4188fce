# MPI for distributed/ (OpenMPI from Debian: libopenmpi-dev, openmpi-bin). XGRAD_WITH_MPI decides:
#   AUTO (default)  build distributed/ when MPI is found, say so either way
#   ON              MPI is required: stop with a clear message when it is missing
#   OFF             never build it
# Sets XGRAD_HAVE_MPI and, with MPI, appends distributed to XGRAD_PACKAGES.
string(TOUPPER "${XGRAD_WITH_MPI}" xgrad_mpi_choice)
set(XGRAD_HAVE_MPI OFF)
# FindMPI's C component (MPI's C API, which is all we call) needs the C language on; gcc comes with g++.
if(NOT xgrad_mpi_choice MATCHES "^(OFF|NO|FALSE|N|0)$")
  enable_language(C)
endif()
if(xgrad_mpi_choice STREQUAL "AUTO")
  find_package(MPI COMPONENTS C QUIET)
  if(MPI_C_FOUND)
    set(XGRAD_HAVE_MPI ON)
  else()
    message(STATUS "xgrad: MPI not found: distributed/ is not built (install libopenmpi-dev openmpi-bin)")
  endif()
elseif(xgrad_mpi_choice MATCHES "^(ON|YES|TRUE|Y|1)$")
  find_package(MPI COMPONENTS C)
  if(NOT MPI_C_FOUND)
    message(FATAL_ERROR "xgrad: XGRAD_WITH_MPI=ON, but no MPI was found. Install OpenMPI "
                        "(sudo apt-get install libopenmpi-dev openmpi-bin) or configure with -DXGRAD_WITH_MPI=OFF")
  endif()
  set(XGRAD_HAVE_MPI ON)
elseif(NOT xgrad_mpi_choice MATCHES "^(OFF|NO|FALSE|N|0)$")
  message(FATAL_ERROR "xgrad: XGRAD_WITH_MPI must be AUTO, ON or OFF, got '${XGRAD_WITH_MPI}'")
endif()
if(XGRAD_HAVE_MPI)
  # How the tests start jobs. CI runs as root and has 2 cores: OpenMPI refuses root without
  # --allow-run-as-root and more ranks than cores without --oversubscribe.
  set(XGRAD_MPIEXEC_FLAGS ${MPIEXEC_PREFLAGS})
  execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version OUTPUT_VARIABLE xgrad_mpiexec_version ERROR_QUIET)
  if(xgrad_mpiexec_version MATCHES "Open MPI|OpenRTE")
    list(APPEND XGRAD_MPIEXEC_FLAGS --allow-run-as-root --oversubscribe)
  endif()
  # Single-copy shared memory (CMA) needs ptrace rights that containers often lack; "none" copies
  # through the shared segment instead (same numbers). A waiting rank yields its core instead of
  # spinning: with more ranks than free cores, spinning starved the rank being waited for.
  set(XGRAD_MPI_TEST_ENVIRONMENT
    "OPENBLAS_NUM_THREADS=1;OMPI_MCA_btl_vader_single_copy_mechanism=none;OMPI_MCA_mpi_yield_when_idle=1")
  message(STATUS "xgrad: building distributed/ with MPI ${MPI_C_VERSION} (mpirun: ${MPIEXEC_EXECUTABLE})")
  list(APPEND XGRAD_PACKAGES distributed)
endif()
