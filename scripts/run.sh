#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the main job: the MLP example, training on
# Fashion-MNIST. Arguments are passed to the example (try --help). It builds only the libraries and the
# example (the tests, the other examples and the exercises are scripts/test.sh's), so a first run starts
# training soon and a second one, with nothing changed, at once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${XGRAD_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh" --target mlp
source "$ROOT/scripts/blas_env.sh"
xgrad_choose_openblas_core "$BUILD_DIR/examples/mlp/mlp"
exec "$BUILD_DIR/examples/mlp/mlp" "$@"
