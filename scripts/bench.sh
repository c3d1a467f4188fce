#!/usr/bin/env bash
# Benchmarks (README.md "Benchmarks"): installs what they need, builds them with -DXGRAD_BUILD_BENCH=ON in
# build-bench/ (apart from build/), runs them and prints the tables:
#   1. bench/xgrad_bench        micro benchmarks beside the machine's limits (Google Benchmark)
#   2. bench/xgrad_vs_libtorch  end-to-end MLP training throughput, xgrad and libtorch side by side
#   3. bench/xgrad_memory       allocations per step, memory from epoch to epoch, peak RSS of the example
#      bench/xgrad_interop_bench  safetensors save/load of the default MLP vs memcpy, each split into its
#                               steps (header, state_dict; serialize, write, fsync); peak RSS of a 100 MB load
#   4. bench/xgrad_distributed_bench  (with MPI) data-parallel samples/s: 1 process x 1 thread, 2 x 1
#                               with no exchange (the ceiling), 2 x 1, 1 x 2; the allreduce's share;
#                               the projection for k machines
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

echo; echo "=== safetensors: save/load speed and the memory of a load ==="
"$BUILD_DIR/bench/xgrad_interop_bench" --repeats $((QUICK ? 11 : 51)) --folder "$SCRATCH" | tee "$RESULTS/interop.md"

parts=(micro compare memory interop)
if [[ -x "$BUILD_DIR/bench/xgrad_distributed_bench" ]] && command -v mpirun >/dev/null; then
  echo; echo "=== 4 (with MPI) distributed training ==="
  # How the ranks meet (README, Benchmarks, "Distributed training", measured): on this shared machine a
  # step's cost is the number of times the two ranks must both be on a core, not bandwidth. Waiting
  # ranks yield (mpi_yield_when_idle=1: a spinning one burns its slice while the rank it waits for sits
  # in the run queue), are not pinned (pinned yielding ranks stalled for seconds), and keep vader's
  # default single copy (CMA: one handshake a message; its copy-in/copy-out, twice as fast on idle
  # cores, needs a handshake per 32 KiB fragment and was 8x slower under load).
  shared=(env OMPI_MCA_mpi_yield_when_idle=1)
  shared_flags=(--bind-to none)
  # On dedicated cores (nothing else running) pinned, spinning ranks with copy-in/copy-out move the
  # gradient 2-4x faster; on a shared machine they stall. Section 4 measures both.
  dedicated=(env OMPI_MCA_mpi_yield_when_idle=0 OMPI_MCA_btl_vader_single_copy_mechanism=none)
  dedicated_flags=(--bind-to core)
  root=()
  if [[ $(id -u) -eq 0 ]]; then root=(--allow-run-as-root); fi
  steps=$((QUICK ? 100 : 400))
  rounds=3
  # 1 x 1, 2 x 1 with no exchange at all (each rank trains its half of every batch alone: the ceiling
  # that no allreduce can beat on this machine), 2 x 1 with the gradients averaged through shared memory and the
  # optimizer's step sharded (the example's path on one machine; the bench's --sharded 0 runs it unsharded), with MPI's allreduce after backward, with it overlapped with backward (the example's
  # path across machines), and that on the dedicated-cores transport alternate, $rounds rounds, so that
  # a change in the neighbours' load hits all alike; then 1 process x 2 BLAS threads once. The summary
  # gives each one's median.
  configs=()
  for ((round = 1; round <= rounds; round++)); do
    configs+=("1x1 1 1 0 0 shared" "2x1-no-exchange 2 1 0 0 shared 1" "2x1-shared-memory 2 1 0 1 shared"
      "2x1 2 1 0 0 shared" "2x1-overlap 2 1 1 0 shared" "2x1-overlap-dedicated 2 1 1 0 dedicated")
  done
  configs+=("1x2 1 2 0 0 shared")
  : >"$RESULTS/distributed-samples.txt"
  for config in "${configs[@]}"; do
    read -r name ranks threads overlap shared_memory transport independent <<<"$config"
    launcher=("${shared[@]}")
    flags=("${shared_flags[@]}")
    if [[ $transport == dedicated ]]; then launcher=("${dedicated[@]}") flags=("${dedicated_flags[@]}"); fi
    output="$("${launcher[@]}" OPENBLAS_NUM_THREADS=$threads timeout 300 mpirun -np "$ranks" "${flags[@]}" "${root[@]}" \
      "$BUILD_DIR/bench/xgrad_distributed_bench" --threads "$threads" --steps "$steps" --overlap "$overlap" \
      --shared "$shared_memory" --independent "${independent:-0}" 2>&1 || true)"
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "### $name ($transport transport)"
    echo "$output"
    echo "load average: $load"
    echo
    samples="$(grep -o '^| samples/s.* | [0-9]* |$' <<<"$output" | grep -o '[0-9]* |$' | tr -d ' |' || true)"
    echo "$name ${samples:-0} $(cut -d' ' -f1 <<<"$load")" >>"$RESULTS/distributed-samples.txt"
  done | tee "$RESULTS/distributed.md"
  # Medians over the rounds and each one's ratio to 1 x 1's median.
  awk '{ v[$1] = v[$1] " " $2; load = load " " $3 }
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END {
      print "| configuration | samples/s (median) | rounds | ratio to 1x1 |"
      print "| --- | --- | --- | --- |"
      base = median(v["1x1"])
      n = split("1x1 2x1-no-exchange 2x1-shared-memory 2x1 2x1-overlap 2x1-overlap-dedicated 1x2", names, " ")
      for (i = 1; i <= n; i++) {
        name = names[i]
        if (name in v) printf "| %s | %.0f | %s | %.2fx |\n", name, median(v[name]), v[name], median(v[name]) / base
      }
      print "load average (1 min) at each run:" load
    }' "$RESULTS/distributed-samples.txt" | tee -a "$RESULTS/distributed.md"
  parts+=(distributed)
fi

echo; echo "=== summary (also in $RESULTS) ==="
for part in "${parts[@]}"; do
  # The Markdown tables and headings, plus the lines that give their context.
  grep -E '^(\||## |### |peak RSS|MLP |xgrad vs|Streaming time|PROJECTION|load average|The last step|One step)' "$RESULTS/$part.md" || true
  echo
done
