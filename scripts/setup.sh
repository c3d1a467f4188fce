#!/usr/bin/env bash
# Installs what xgrad needs from Debian's packages, configures a Release build in build/ and builds it
# with every core. Safe to run again: installed packages are not touched, an up-to-date build does
# nothing. Used by scripts/run.sh and scripts/test.sh; set XGRAD_BUILD_DIR to build elsewhere.
#   scripts/setup.sh                    # build everything (the tests, examples, exercises too)
#   scripts/setup.sh --target mlp       # build only that target and the libraries it links (run.sh)
#   scripts/setup.sh --configure-only   # stop before the build (scripts/exercise.sh builds what it needs)
set -euo pipefail
configure_only=false
targets=()
while (($# > 0)); do
  case "$1" in
    --configure-only) configure_only=true ;;
    --target)
      targets+=(--target "${2:?setup.sh: --target needs a target name}")
      shift
      ;;
    *) echo "setup.sh: unknown argument '$1' (expected --configure-only or --target NAME)" >&2 && exit 2 ;;
  esac
  shift
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${XGRAD_BUILD_DIR:-$ROOT/build}"

# Build tools (Ninja: see below) and libraries, the test framework and JSON reader for the golden
# values (and safetensors' headers, which simdjson reads fast), CLI11 (the MLP example's command line), the data set, OpenMPI (its
# headers and mpirun: distributed/ and the multi-process tests), and ONNX with protobuf (interop/'s
# ONNX export).
PACKAGES=(g++ cmake make ninja-build libxtensor-dev libxtensor-blas-dev libopenblas-dev libgtest-dev nlohmann-json3-dev
  libsimdjson-dev zlib1g-dev libcli11-dev dataset-fashion-mnist libopenmpi-dev openmpi-bin libonnx-dev libprotobuf-dev
  protobuf-compiler)

"$ROOT/scripts/install_packages.sh" "${PACKAGES[@]}"

jobs="$(nproc 2>/dev/null || echo 2)"
# A new build folder uses Ninja: it compiles a program's own sources while the libraries it links are
# still compiling and waits only to link, where Makefiles start them after the libraries (README.md,
# "First run"). A folder configured before keeps its generator (CMake refuses to switch one), and a
# CMAKE_GENERATOR of your own is left to choose.
generator=()
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" && -z "${CMAKE_GENERATOR:-}" ]] && command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi
# Configure once; again only when extra CMake arguments are given (XGRAD_CMAKE_ARGS="-DXGRAD_WERROR=ON").
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" || -n "${XGRAD_CMAKE_ARGS:-}" ]]; then
  # shellcheck disable=SC2086  # the extra arguments are meant to split into words
  cmake -S "$ROOT" -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release ${XGRAD_CMAKE_ARGS:-} >/dev/null
fi
if ! $configure_only; then cmake --build "$BUILD_DIR" --parallel "$jobs" "${targets[@]}"; fi
