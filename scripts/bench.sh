#!/usr/bin/env bash
# Benchmarks (README.md "Benchmarks"): installs what they need, builds them with -DXGRAD_BUILD_BENCH=ON in
# build-bench/ (apart from build/), runs them and prints the tables:
#   1. bench/xgrad_bench        micro benchmarks beside the machine's limits (Google Benchmark)
#   2. bench/xgrad_vs_libtorch  end-to-end MLP training throughput, xgrad and libtorch side by side
#   3. bench/xgrad_memory       allocations per step, memory from epoch to epoch, peak RSS of the example
#   4. bench/xgrad_distributed_bench  (with MPI) data-parallel samples/s: 1 process x 1 thread, 2 x 1,
#                               1 x 2; the allreduce's share; the projection for k machines
# 3-5 minutes on 2 cores (--quick: about 1). Every output also goes to build-bench/bench-results/.
# BENCH_THREADS sets the thread counts of the comparison (default "1,2"). Never part of ctest or CI.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${XGRAD_BENCH_BUILD_DIR:-$ROOT/build-bench}"
QUICK=0
if [[ "${1:-}" == "--quick" ]]; then QUICK=1; fi

# Google Benchmark is required; libtorch (large) only for the comparison, which runs xgrad alone without it.
"$ROOT/scripts/install_packages.sh" libbenchmark-dev
"$ROOT/scripts/install_packages.sh" libtorch-dev ||
  echo "(continuing without libtorch: the comparison will time xgrad alone)" >&2

# The library's own packages, the configure and the build: scripts/setup.sh, pointed at build-bench/.
XGRAD_BUILD_DIR="$BUILD_DIR" XGRAD_CMAKE_ARGS="-DXGRAD_BUILD_BENCH=ON -DXGRAD_BUILD_TESTS=OFF" "$ROOT/scripts/setup.sh"
# The kernels the main job uses (both xgrad and libtorch run on this OpenBLAS).
source "$ROOT/scripts/blas_env.sh"
xgrad_choose_openblas_core "$BUILD_DIR/examples/mlp/mlp"

RESULTS="$BUILD_DIR/bench-results"
mkdir -p "$RESULTS"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
export OMP_WAIT_POLICY=PASSIVE  # libtorch's OpenMP threads would otherwise spin and steal the cores

if ((QUICK)); then
  micro_args=(--benchmark_repetitions=3)
  compare_args=(--repeats 1 --limit 12000)
  memory_args=(--epochs 1)
  example_args=(--epochs 1)
else
  micro_args=()
  compare_args=(--repeats 3)
  memory_args=(--epochs 3)
  example_args=()  # the default run: 10 epochs
fi

echo; echo "=== 1/3 micro benchmarks and the machine's limits ==="
"$BUILD_DIR/bench/xgrad_bench" "${micro_args[@]}" | tee "$RESULTS/micro.md"
echo; echo "=== 2/3 end-to-end training throughput, xgrad vs libtorch ==="
"$BUILD_DIR/bench/xgrad_vs_libtorch" --threads "${BENCH_THREADS:-1,2}" "${compare_args[@]}" | tee "$RESULTS/compare.md"
echo; echo "=== 3/3 memory ==="
"$BUILD_DIR/bench/xgrad_memory" "${memory_args[@]}" --example "$BUILD_DIR/examples/mlp/mlp" --quiet \
  --out "$SCRATCH/mlp" "${example_args[@]}" | tee "$RESULTS/memory.md"

parts=(micro compare memory)
if [[ -x "$BUILD_DIR/bench/xgrad_distributed_bench" ]] && command -v mpirun >/dev/null; then
  echo; echo "=== 4 (with MPI) distributed training ==="
  # How the ranks meet (README, Benchmarks, "Distributed training", measured): on this shared machine a
  # step's cost is the number of times the two ranks must both be on a core, not bandwidth. Waiting
  # ranks yield (mpi_yield_when_idle=1: a spinning one burns its slice while the rank it waits for sits
  # in the run queue), are not pinned (pinned yielding ranks stalled for seconds), and keep vader's
  # default single copy (CMA: one handshake a message; its copy-in/copy-out, twice as fast on idle
  # cores, needs a handshake per 32 KiB fragment and was 8x slower under load).
  mpi_env=(OMPI_MCA_mpi_yield_when_idle=1)
  mpi_flags=(--bind-to none)
  if [[ $(id -u) -eq 0 ]]; then mpi_flags+=(--allow-run-as-root); fi
  steps=$((QUICK ? 100 : 400))
  # 1x1 and 2x1 alternate, three rounds, so that a change in the neighbours' load hits both alike;
  # then 2x1 with the allreduce overlapped with backward, and 1 process x 2 BLAS threads.
  for config in "1 1" "2 1" "1 1" "2 1" "1 1" "2 1" "2 1 1" "1 2"; do
    read -r ranks threads overlap <<<"$config"
    env "${mpi_env[@]}" OPENBLAS_NUM_THREADS=$threads mpirun -np "$ranks" "${mpi_flags[@]}" \
      "$BUILD_DIR/bench/xgrad_distributed_bench" --threads "$threads" --steps "$steps" --overlap "${overlap:-0}"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
  done | tee "$RESULTS/distributed.md"
  parts+=(distributed)
fi

echo; echo "=== summary (also in $RESULTS) ==="
for part in "${parts[@]}"; do
  # The Markdown tables and headings, plus the lines that give their context.
  grep -E '^(\||## |peak RSS|MLP |xgrad vs|Streaming time|PROJECTION|load average|The last step)' "$RESULTS/$part.md" || true
  echo
done
