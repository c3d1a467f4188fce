#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the whole test suite with ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${XGRAD_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh"
# What only the tests need: Debian's ONNX checker (python3-onnx) and ONNX Runtime for node (npm's
# onnxruntime-node, once per machine into ~/.cache/xgrad), the independent sides of the ONNX export tests.
"$ROOT/scripts/install_packages.sh" python3-onnx
"$ROOT/scripts/install_onnxruntime.sh" >/dev/null
# The tests run with the BLAS kernels the main job uses.
source "$ROOT/scripts/blas_env.sh"
xgrad_choose_openblas_core "$BUILD_DIR/examples/mlp/mlp"
cd "$BUILD_DIR"
ctest --output-on-failure --parallel "$(nproc 2>/dev/null || echo 2)" "$@"
