#!/usr/bin/env bash
# Installs the built library into a scratch prefix and builds tests/consumer, an outside project that
# uses find_package(xgrad CONFIG REQUIRED) and #include <xgrad/xgrad.hpp>, then runs it and the program
# that links xgrad::interop (and, when
# xgrad was built with MPI, the program that links xgrad::distributed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${XGRAD_BUILD_DIR:-$ROOT/build}"
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
cmake --install "$BUILD_DIR" --prefix "$SCRATCH/prefix" >/dev/null
cmake -S "$ROOT/tests/consumer" -B "$SCRATCH/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$SCRATCH/prefix" >/dev/null
cmake --build "$SCRATCH/build" >/dev/null
"$SCRATCH/build/consumer"
(cd "$SCRATCH" && "$SCRATCH/build/consumer_interop")
if [[ -x "$SCRATCH/build/consumer_distributed" ]]; then "$SCRATCH/build/consumer_distributed"; fi
