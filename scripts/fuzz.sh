#!/usr/bin/env bash
# Fuzzes xgrad's file readers with libFuzzer under AddressSanitizer + UndefinedBehaviorSanitizer:
#   scripts/fuzz.sh [SECONDS]      # default 600 seconds per fuzzer; CI runs 30; 0 only replays
# 1. builds the fuzzers of tests/fuzz with clang in build-fuzz/ (XGRAD_FUZZ_BUILD_DIR to change);
# 2. replays every committed seed (tests/fuzz/corpus/*/*) through every fuzzer, once each;
# 3. runs each fuzzer in turn for SECONDS, on one core. Inputs that reach new code go to
#    build-fuzz/corpus/<fuzzer>/ (kept from run to run; the committed seeds are only read). A crash, a
#    sanitizer report, a leak, a timeout or running out of memory is saved as
#    build-fuzz/findings/<fuzzer>/crash-... (leak-, timeout-, oom-) and makes the script fail at the end;
#    replay one with build-fuzz/tests/fuzz/fuzz_<fuzzer> FILE.
# Each fuzzer's output is in build-fuzz/logs/<fuzzer>.log; a summary line per fuzzer is printed.
# Installs what it needs (scripts/setup.sh's packages and clang, whose runtime holds libFuzzer).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${XGRAD_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH="${1:-600}"
FUZZERS=(idx_images idx_labels csv model_load optimizer_load scheduler_load checkpoint_load safetensors_load)

# clang is needed here only, so it is not in scripts/setup.sh's list.
"$ROOT/scripts/install_packages.sh" clang
# The library's own packages, the configure and the build: scripts/setup.sh, pointed at build-fuzz/.
XGRAD_BUILD_DIR="$BUILD_DIR" XGRAD_CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++ -DXGRAD_FUZZ=ON -DXGRAD_WERROR=ON \
  -DXGRAD_BUILD_TESTS=OFF -DXGRAD_BUILD_EXAMPLES=OFF" "$ROOT/scripts/setup.sh"

export OPENBLAS_NUM_THREADS=1
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
(cd "$BUILD_DIR" && ctest --output-on-failure -R '^fuzz\.replay\.')
((SECONDS_EACH > 0)) || exit 0

failed=()
for fuzzer in "${FUZZERS[@]}"; do
  mkdir -p "$BUILD_DIR/corpus/$fuzzer" "$BUILD_DIR/findings/$fuzzer" "$BUILD_DIR/logs"
  log="$BUILD_DIR/logs/$fuzzer.log"
  # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: 2 GB is an out-of-memory finding.
  if ! "$BUILD_DIR/tests/fuzz/fuzz_$fuzzer" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -dict="$ROOT/tests/fuzz/xgrad.dict" -artifact_prefix="$BUILD_DIR/findings/$fuzzer/" \
    -print_final_stats=1 "$BUILD_DIR/corpus/$fuzzer" "$ROOT/tests/fuzz/corpus/$fuzzer" >"$log" 2>&1; then
    failed+=("$fuzzer")
    tail -n 40 "$log"
  fi
  # libFuzzer's last status line (runs, coverage: edges "cov", features "ft", corpus size) and speed.
  status="$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)"
  speed="$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)"
  echo "fuzz_$fuzzer: ${status:-no status line} | ${speed:-?} execs/s"
done

if ((${#failed[@]} > 0)); then
  echo "fuzz: findings in ${failed[*]}: see $BUILD_DIR/findings/ and $BUILD_DIR/logs/" >&2
  exit 1
fi
echo "fuzz: no findings in ${#FUZZERS[@]} fuzzers, ${SECONDS_EACH} s each"
