#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the main job: the MLP example, training on
# Fashion-MNIST. Arguments are passed to the example (try --help).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${XGRAD_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh"
source "$ROOT/scripts/blas_env.sh"
xgrad_choose_openblas_core "$BUILD_DIR/examples/mlp/mlp"
exec "$BUILD_DIR/examples/mlp/mlp" "$@"
